"""What a phone user feels, measured in the page: tap targets too small to hit, sideways overflow.

One definition of a tap target for every phone test (WCAG 2.5.5's 44 × 44 CSS px): a link, button, form field,
summary or role=button that is visible. A checkbox or radio counts by its label when the label wraps it, since
the whole label is what the finger hits. Links inside running text (a sentence with more words than the link)
are exempt, as WCAG exempts inline targets."""

SMALL_TARGETS_JS = """
(minimum) => {
  const found = [];
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]';
  for (const el of document.querySelectorAll(sel)) {
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    let box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;  // not rendered (closed <details>, display:none parent)
    if (el.matches('input[type=checkbox], input[type=radio]')) {
      const label = el.closest('label');
      if (label) box = label.getBoundingClientRect();
    }
    if (el.tagName === 'A') {
      const block = el.parentElement;
      const own = (el.textContent || '').trim().length;
      const around = (block ? block.textContent || '' : '').trim().length;
      if (style.display === 'inline' && around > own + 15) continue;  // a link in a sentence
    }
    if (box.width < minimum - 0.5 || box.height < minimum - 0.5) {
      const text = (el.innerText || el.value || el.getAttribute('aria-label') || el.name || '').trim().slice(0, 40);
      found.push(`${el.tagName.toLowerCase()} "${text}" ${Math.round(box.width)}×${Math.round(box.height)}`);
    }
  }
  return found;
}
"""


def small_targets(page, minimum: int = 44) -> list[str]:
    """The visible tap targets of the page smaller than `minimum` CSS px either way, described for a message."""
    return page.evaluate(SMALL_TARGETS_JS, minimum)


def fits(page, width: int = 360) -> bool:
    """Nothing overflows sideways."""
    return page.evaluate("document.documentElement.scrollWidth") <= width


def shot(page, name: str) -> None:
    """CHIBO_SCREENSHOTS=/some/folder keeps the screens, to look at them."""
    import os

    if os.environ.get("CHIBO_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["CHIBO_SCREENSHOTS"], f"{name}.png"))


def open_menu(page) -> None:
    """On a phone the navigation folds behind the menu button: open it before using a link of it."""
    button = page.locator("button.menu-button")
    if button.is_visible() and button.get_attribute("aria-expanded") != "true":
        button.click()
