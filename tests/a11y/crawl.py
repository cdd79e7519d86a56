"""A bounded breadth-first crawl of the demo as one user, on a 360 × 780 phone: every page gets axe-core
(read from tests/a11y/node_modules, never from a CDN) and its served HTML is kept for the Nu checker."""

import json
import re
import subprocess
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

HERE = Path(__file__).parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
VNU = HERE / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# Not pages: the admin (Django's own), the API's JSON, static files, leaving the session.
SKIP = re.compile(r"^/(quan-tri|static)/|^/api/v1/(?!docs)|/dang-xuat/")
# Files and exports: only asked whether they open (a GET in the same session), not crawled.
FILES = re.compile(
    r"(\.(pdf|docx|xlsx|csv|ics|zip|png|jpg|jpeg|webp|wav|svg|json)(\?|$))"
    r"|^/media/|/tai-ve|/tai-xuong|/xuat|/tep/|/lich\.ics|/am-thanh|/sinh-hoat/tai-lieu/\d+/$"
)
FILES_PER_ROLE = 40
PER_PATTERN = 2  # /dang-vien/17/ and /dang-vien/18/ are one page twice: two samples are enough


def pattern(path: str) -> str:
    return re.sub(r"\d+", "N", path)


@dataclass
class Found:
    pages: list[str] = field(default_factory=list)
    bad_status: list[str] = field(default_factory=list)
    axe: list[str] = field(default_factory=list)
    html: dict[str, str] = field(default_factory=dict)  # url → served HTML
    files: int = 0  # file links asked


def crawl(page, base: str, start: str, *, limit: int) -> Found:
    axe_source = AXE.read_text()
    found = Found()
    queue: deque[str] = deque([start])
    seen_paths: set[str] = set()
    per_pattern: dict[str, int] = {}
    files: list[str] = []
    while queue and len(found.pages) < limit:
        path = queue.popleft()
        if path in seen_paths:
            continue
        seen_paths.add(path)
        key = pattern(urlsplit(path).path)
        if per_pattern.get(key, 0) >= PER_PATTERN:
            continue
        per_pattern[key] = per_pattern.get(key, 0) + 1
        response = page.goto(base + path)
        if response is None:
            continue
        if response.status >= 400:
            found.bad_status.append(f"{path}: {response.status}")
            continue
        if not (response.headers.get("content-type") or "").startswith("text/html"):
            continue
        here = urlsplit(page.url)
        found.pages.append(here.path + (f"?{here.query}" if here.query else ""))
        found.html[page.url] = response.text()
        page.add_script_tag(content=axe_source)
        result = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
            ".map(v => ({id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"
        )
        for v in result:
            found.axe.append(f"{here.path}: {v['impact']} {v['id']} ({v['help']}) at {', '.join(v['targets'])}")
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            url, _ = urldefrag(href)
            parts = urlsplit(url)
            if f"{parts.scheme}://{parts.netloc}" != base:
                continue
            link = parts.path + (f"?{parts.query}" if parts.query else "")
            if SKIP.search(link) or link in seen_paths:
                continue
            if FILES.search(link):
                if link not in files and len(files) < FILES_PER_ROLE:
                    files.append(link)
                continue
            queue.append(link)
    for link in files:
        status = page.request.get(base + link, max_redirects=0).status
        if status >= 400:
            found.bad_status.append(f"{link}: {status} (tệp)")
    found.files = len(files)
    return found


def nu_errors(pages: dict[str, str], folder: Path) -> list[str]:
    """The W3C Nu checker's errors (not warnings) over every served page, in one Java run."""
    files = {}
    for i, (url, html) in enumerate(pages.items()):
        path = folder / f"page-{i:03d}.html"
        path.write_text(html, encoding="utf-8")
        files[path.name] = url
    run = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", "--exit-zero-always",
         *sorted({str(folder / f'page-{i:03d}.html') for i in range(len(pages))})],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(run.stderr or run.stdout or '{"messages": []}')["messages"]
    out = []
    for m in messages:
        if m.get("type") != "error":
            continue
        url = files.get(m.get("url", "").rsplit("/", 1)[-1], m.get("url", ""))
        out.append(f"{url} line {m.get('lastLine', '?')}: {m.get('message', '')}")
    return out
