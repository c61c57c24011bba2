// After a failed save, put the cursor on the first field that needs fixing.
document.addEventListener("DOMContentLoaded", () => {
  const invalid = document.querySelector("main .is-invalid");
  if (invalid) invalid.focus();
});
