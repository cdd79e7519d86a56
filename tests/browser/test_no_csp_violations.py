"""Under the strict Content-Security-Policy (issue 15 §4) the main pages load without a single violation:
the cell's schedule, running a meeting (htmx swaps included), the roll-call print page, the Đề án 11
dashboard, the API docs and the portal."""

import pytest
from django.urls import reverse

from tests.meetings.conftest import make_meeting
from tests.meetings.running_fixtures import *  # noqa: F403

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "matkhau-thu-123"
# Runs before any page script and is not itself subject to the page's CSP (it is injected by the browser).
LISTEN = """document.addEventListener("securitypolicyviolation", (e) => {
  (window.__csp = window.__csp || []).push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});"""


def violations(page) -> list[str]:
    return page.evaluate("window.__csp || []")


def test_main_pages_report_no_csp_violation(live_server, phone, cast, run_rules):
    meeting = make_meeting(cast.cell, run_rules, place="Nhà văn hóa tổ 1")
    page = phone
    page.add_init_script(LISTEN)
    console = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)

    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", "bithu")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    seen = {}

    def visit(path: str) -> None:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        seen[path] = violations(page)

    visit(reverse("meetings:cell_schedule", args=[cast.cell.pk]))
    visit(reverse("reporting:home"))
    visit(reverse("meetings:print_roll_call", args=[meeting.pk]))
    visit("/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info")  # Swagger UI ran: its scripts were allowed
    visit(reverse("portal:home"))

    # Running the meeting: start it, then mark a step done through htmx.
    visit(reverse("meetings:run", args=[meeting.pk]))
    assert page.evaluate("typeof htmx") == "object"
    page.select_option("#id_chair", label="Trần Thị Bình")
    page.click("button:has-text('Bắt đầu buổi sinh hoạt')")
    page.wait_for_selector("text=Các bước sinh hoạt")
    page.evaluate("window.__same_page = true")
    page.click("#buoc-1 button:has-text('Xong bước này')")
    page.wait_for_selector("li.step.current#buoc-2")  # the next step is current
    assert page.evaluate("window.__same_page === true")  # swapped by htmx, not a page load
    seen["run"] = violations(page)
    visit(reverse("meetings:qr", args=[meeting.pk]))
    page.wait_for_selector(".qr-screen svg")
    seen["qr"] = violations(page)

    assert {path: found for path, found in seen.items() if found} == {}
    assert console == []
