// The run page: after htmx swaps the steps (a step just marked), the step now current comes into view and
// takes the focus, as the page after a plain post lands on it (#buoc-N). Without this script nothing is lost.
(() => {
  // htmx:load fires on the new section (the old one, swapped out, no longer bubbles to the document).
  document.addEventListener("htmx:load", (event) => {
    if (!event.target || event.target.id !== "cac-buoc") return;
    const button = document.querySelector("#cac-buoc li.step.current .step-done");
    if (!button) return;
    const bar = document.getElementById("tien-do");
    const top = bar ? bar.getBoundingClientRect().bottom : 0;
    const box = button.getBoundingClientRect();
    if (box.top < top || box.bottom > window.innerHeight) button.closest("li").scrollIntoView({ block: "start" });
    button.focus({ preventScroll: true });
  });
})();
