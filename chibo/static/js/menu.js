// The phone menu: one button shows and hides the navigation. Wide screens show it always (chibo.css);
// without this script the button stays hidden and the navigation open.
(() => {
  const button = document.querySelector(".menu-button");
  const menu = document.getElementById("menu");
  if (!button || !menu) return;
  document.documentElement.classList.add("has-menu");
  button.hidden = false;
  const set = (open) => {
    button.setAttribute("aria-expanded", String(open));
    menu.classList.toggle("open", open);
  };
  button.addEventListener("click", () => set(button.getAttribute("aria-expanded") !== "true"));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && menu.classList.contains("open")) { set(false); button.focus(); }
  });
})();
