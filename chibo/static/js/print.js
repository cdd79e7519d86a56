// The "In trang này" button of the printable pages (an onclick attribute would be refused by the CSP).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
