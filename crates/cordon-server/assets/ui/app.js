// Cordon workbench: the one script (served from this origin; the CSP allows no
// inline code). Verifying the audit chain shows progress while it runs; every
// page works without this script too.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("verify-form");
  if (!form) return;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const progress = document.getElementById("verify-progress");
    const elapsed = document.getElementById("verify-elapsed");
    const result = document.getElementById("verify-result");
    const button = form.querySelector("button");
    const started = Date.now();
    progress.hidden = false;
    button.disabled = true;
    result.textContent = "";
    const tick = setInterval(() => {
      elapsed.textContent = "Verifying… " + Math.round((Date.now() - started) / 1000) + " s";
    }, 500);
    try {
      const answer = await fetch(form.action + "?fragment=1", { credentials: "same-origin" });
      const text = await answer.text();
      // The fragment is server-rendered with every value escaped.
      const parsed = new DOMParser().parseFromString(text, "text/html");
      result.replaceChildren(...parsed.body.childNodes);
    } catch (error) {
      result.textContent = "The verification could not be fetched: " + error;
    } finally {
      clearInterval(tick);
      progress.hidden = true;
      button.disabled = false;
    }
  });
});
