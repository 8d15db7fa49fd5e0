// The bell's unread count, refreshed without a reload: every minute while the page is
// visible (and at once when it becomes visible again) the bell asks its JSON endpoint
// (data-unread-url) and updates its badge and the words a screen reader hears. Without
// this file the count is the one the page was served with. Stops when signed out.
(() => {
  "use strict";
  const EVERY_MS = 60 * 1000;
  const bell = document.getElementById("notification-bell");
  if (!bell || !bell.dataset.unreadUrl) return;
  let timer = null;

  function label() {
    const hidden = bell.querySelectorAll(".visually-hidden");
    return hidden.length ? hidden[hidden.length - 1] : null;
  }

  function show(count, words) {
    let badge = bell.querySelector(".badge");
    if (count > 0) {
      if (!badge) {
        badge = document.createElement("span");
        badge.className = "badge rounded-pill text-bg-warning";
        const spoken = label();
        bell.insertBefore(badge, spoken);
      }
      badge.textContent = String(count);
    } else if (badge) {
      badge.remove();
    }
    const spoken = label();
    if (spoken && words) spoken.textContent = words;
    bell.dataset.unread = String(count);
  }

  function stop() {
    if (timer !== null) window.clearInterval(timer);
    timer = null;
  }

  async function refresh() {
    if (document.visibilityState !== "visible") return;
    let response;
    try {
      response = await fetch(bell.dataset.unreadUrl, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        cache: "no-store",
      });
    } catch (error) {
      return; // offline for a moment: the next tick tries again
    }
    if (response.redirected || response.status === 401 || response.status === 403) {
      stop(); // signed out: the next page load shows the sign-in page
      return;
    }
    if (!response.ok) return;
    const body = await response.json();
    if (typeof body.unread === "number") show(body.unread, body.label);
  }

  timer = window.setInterval(refresh, EVERY_MS);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && timer !== null) refresh();
  });
})();
