// Progressive enhancement only: every page works without JavaScript.
import { initAll } from "../build/govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// A report being made: check its page every few seconds and, once it has moved on (ready, failed),
// put the new content in place and move focus to its heading, so the change is announced. Without
// JavaScript the page offers a link to check; it never refreshes itself on a timer.
const progress = document.querySelector("[data-app-job-progress]");
if (progress) {
  const seconds = Number(progress.dataset.interval) || 3;
  let checks = 0;
  const check = async () => {
    checks += 1;
    try {
      const response = await fetch(window.location.href, { credentials: "same-origin", cache: "no-store" });
      if (response.ok) {
        const next = new DOMParser().parseFromString(await response.text(), "text/html");
        const main = next.querySelector("main");
        if (main && !main.querySelector("[data-app-job-progress]")) {
          document.querySelector("main").replaceChildren(...main.childNodes);
          const heading = ["main .govuk-panel__title", "main .govuk-error-summary__title", "main h1"]
            .map((selector) => document.querySelector(selector))
            .find(Boolean);
          if (heading) {
            heading.setAttribute("tabindex", "-1");
            heading.focus();
          }
          return;
        }
      }
    } catch {
      // The network failed for a moment; the next check may succeed, and the link still works.
    }
    if (checks < 200) window.setTimeout(check, seconds * 1000);
  };
  window.setTimeout(check, seconds * 1000);
}
