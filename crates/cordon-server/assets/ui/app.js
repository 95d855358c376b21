// Cordon workbench: the one script (served from this origin; the CSP allows no
// inline code). A running verification of the audit chain updates its position
// in place; every page works without this script too (its "Refresh" link).
"use strict";
// Polls twice a second: the position moves once per chunk of the walk.
const POLL_MS = 500;
document.addEventListener("DOMContentLoaded", () => {
  const status = document.getElementById("verify-status");
  if (!status || !status.dataset.poll) return;
  const poll = async () => {
    if (!status.querySelector("[data-running]")) return;
    try {
      const answer = await fetch(status.dataset.poll, { credentials: "same-origin" });
      const text = await answer.text();
      // The fragment is server-rendered with every value escaped.
      const parsed = new DOMParser().parseFromString(text, "text/html");
      status.replaceChildren(...parsed.body.childNodes);
    } catch (error) {
      status.textContent = "The verification's position could not be fetched: " + error;
      return;
    }
    setTimeout(poll, POLL_MS);
  };
  setTimeout(poll, POLL_MS);
});
