"""A strict Content-Security-Policy on every page (django-csp), and templates it does not break: no inline
script, style or on* handler anywhere, htmx's own inline indicator style switched off (issue 15 §4)."""

import re
from pathlib import Path

import chibo

ROOT = Path(chibo.__file__).parent
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}

# A JSON data block (type="application/json") is never run, so the CSP has nothing to say about it.
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", re.I)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style\b", re.I)
# htmx attributes that run JavaScript from the page (need 'unsafe-eval').
HTMX_EVAL = re.compile(r"\s(?:data-)?hx-on[:-]|hx-vals\s*=\s*['\"]\s*js:|hx-vars\s*=", re.I)


def _policy(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def test_pages_are_sent_with_the_strict_policy(cast, client):
    for response in (client.get("/dang-nhap/"), client.get("/cong-thong-tin/")):
        assert _policy(response["Content-Security-Policy"]) == POLICY


def test_api_docs_page_is_sent_with_the_policy_too(db, client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert _policy(response["Content-Security-Policy"]) == POLICY


def _templates():
    for path in sorted(ROOT.rglob("*.html")):
        # The PDF templates (minutes book, resolutions, activation slips) are read by WeasyPrint on the
        # server, never sent to a browser, so the CSP does not apply and their <style> stays inline.
        if path.name.endswith("pdf.html"):
            continue
        yield path.relative_to(ROOT), path.read_text(encoding="utf-8")


def test_no_template_has_inline_script_style_or_event_handlers():
    found = []
    for name, text in _templates():
        for label, pattern in [
            ("<script> without src", INLINE_SCRIPT),
            ("on…= handler", HANDLER),
            ("style=", STYLE_ATTRIBUTE),
            ("<style>", STYLE_ELEMENT),
            ("htmx code in an attribute", HTMX_EVAL),
        ]:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{name}:{line}: {label}")
    assert found == []


def test_the_scan_finds_what_it_looks_for():
    sample = '<script>alert(1)</script><a onclick="x()" style="color:red">a</a><style>p{}</style><b hx-on:click="y">'
    assert INLINE_SCRIPT.search(sample) and HANDLER.search(sample)
    assert STYLE_ATTRIBUTE.search(sample) and STYLE_ELEMENT.search(sample) and HTMX_EVAL.search(sample)
    assert not INLINE_SCRIPT.search('<script src="/static/htmx.js" defer></script>')


def test_htmx_is_told_not_to_inject_its_indicator_style(db, client):
    text = client.get("/dang-nhap/").content.decode()
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles": false}'>""" in text
    css = (ROOT / "static/css/chibo.css").read_text(encoding="utf-8")
    assert ".htmx-request .htmx-indicator" in css
