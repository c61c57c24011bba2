// After a failed save, put the cursor on the first field that needs fixing.
document.addEventListener("DOMContentLoaded", () => {
  const invalid = document.querySelector("main .is-invalid");
  if (invalid) invalid.focus();
});

// Print buttons (data-print): no inline handlers, which the Content-Security-Policy refuses.
document.addEventListener("click", (event) => {
  if (event.target instanceof Element && event.target.closest("[data-print]")) window.print();
});
