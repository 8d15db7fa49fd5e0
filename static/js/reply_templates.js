// Recovery Desk: after picking a canned reply (?reply_template=<id>), open the ticket page's
// reply step and put the cursor in the text. Without this file the text is filled in all the same.
document.addEventListener("DOMContentLoaded", () => {
  if (!new URLSearchParams(window.location.search).has("reply_template")) return;
  const panel = document.getElementById("action-reply");
  const body = document.getElementById("reply-body");
  if (!panel || !body) return;
  const focus = () => {
    panel.scrollIntoView({ block: "start" });
    body.focus();
  };
  if (panel.classList.contains("show") || !(window.bootstrap && window.bootstrap.Collapse)) {
    panel.classList.add("show");
    focus();
    return;
  }
  panel.addEventListener("shown.bs.collapse", focus, { once: true });
  window.bootstrap.Collapse.getOrCreateInstance(panel, { toggle: false }).show();
});
