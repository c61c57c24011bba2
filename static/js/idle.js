// Idle sign-out warning. The server signs a session out after data-idle-seconds without a request
// (clinic/idle.py); a minute before, this shows "You will be signed out in 60 s" with "Stay signed in".
// Every htmx request the page makes extends the session, so it restarts the clock here too. Asking the
// server how long is left (GET) does not extend it, so the countdown itself never keeps a session alive;
// another tab's activity does, and is seen when the warning is due.
(() => {
  const body = document.body;
  const url = body.dataset.idleUrl;
  const warning = document.getElementById("idle-warning");
  if (!url || !warning) return;
  const limit = Number(body.dataset.idleSeconds);
  const warnSeconds = 60;
  const countdown = warning.querySelector("[data-idle-countdown]");
  const stay = warning.querySelector("[data-idle-stay]");
  const csrf = JSON.parse(body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];
  let deadline = Date.now() + limit * 1000;
  let asking = false;

  const secondsLeft = () => Math.max(0, Math.ceil((deadline - Date.now()) / 1000));

  function restart(seconds) {
    deadline = Date.now() + seconds * 1000;
    if (secondsLeft() > warnSeconds) warning.hidden = true;
  }

  async function ask(method) {
    const response = await fetch(url, {
      method,
      headers: { Accept: "application/json", "X-CSRFToken": csrf },
      credentials: "same-origin",
    });
    if (!response.ok) return 0;
    return (await response.json()).seconds_left;
  }

  async function check() {
    if (asking) return;
    asking = true;
    try {
      restart(await ask("GET"));
    } catch {
      // Offline for a moment: keep counting on the clock we have.
    } finally {
      asking = false;
    }
    const left = secondsLeft();
    if (left === 0) {
      // Signed out on the server: loading the page again lands on the login form, and back here after.
      window.location.assign(window.location.href);
    } else if (left <= warnSeconds) {
      countdown.textContent = String(left);
      warning.hidden = false;
    }
  }

  function tick() {
    const left = secondsLeft();
    countdown.textContent = String(left);
    if (left > warnSeconds) return;
    if (warning.hidden || left === 0) check();
  }

  stay.addEventListener("click", async () => {
    try {
      restart(await ask("POST"));
    } catch {
      restart(0);
    }
  });
  body.addEventListener("htmx:afterRequest", () => restart(limit));
  window.setInterval(tick, 1000);
})();
