"""Every page of a crawl of the demo, as an anonymous reader, a member, a cell secretary and committee staff,
on a 360 × 780 phone: no serious or critical axe-core violation, no error of the W3C Nu checker, no broken
link (403/404) among the links a user is shown."""

import pytest

from chibo.demo.accounts import DEMO_ACCOUNTS, create_demo_accounts
from chibo.demo.extras import seed_extras
from chibo.demo.generator import SeedSpec, seed
from chibo.reporting import facts
from tests.a11y.crawl import AXE, VNU, crawl, nu_errors

pytestmark = [pytest.mark.browser, pytest.mark.a11y, pytest.mark.django_db(transaction=True)]

ROLES = [(None, "/"), ("dangvien", "/"), ("bithu", "/"), ("canbo", "/")]
PAGES_PER_ROLE = 45


@pytest.fixture
def demo(db):
    spec = SeedSpec(cells=4, members_per_cell=12, months=3, seed=11)
    result = seed(spec)
    create_demo_accounts(result)
    seed_extras(result)
    for month in facts.recent_months(spec.months):
        facts.rebuild_month(month)
    return result


def test_the_demo_s_pages_are_clean_for_every_kind_of_user(live_server, browser, demo, tmp_path):
    assert AXE.exists() and VNU.exists(), "`./dev test` installs axe-core and vnu-jar (npm ci --prefix tests/a11y)"
    passwords = {a.username: a.password for a in DEMO_ACCOUNTS}
    html, axe, broken, visited = {}, [], [], {}
    for username, start in ROLES:
        context = browser.new_context(
            viewport={"width": 360, "height": 780},
            is_mobile=True,
            has_touch=True,
            locale="vi-VN",
            bypass_csp=True,  # axe is injected as a script; the pages' own CSP is tested in tests/web
        )
        page = context.new_page()
        if username:
            page.goto(live_server.url + "/dang-nhap/")
            page.fill("#id_username", username)
            page.fill("#id_password", passwords[username])
            page.click("main button[type=submit]")
            page.wait_for_load_state()
        found = crawl(page, live_server.url, start, limit=PAGES_PER_ROLE)
        who = username or "khách"
        visited[who] = (len(found.pages), found.files)
        axe += [f"[{who}] {line}" for line in found.axe]
        broken += [f"[{who}] {line}" for line in found.bad_status]
        html.update({f"{url} [{who}]": text for url, text in found.html.items()})
        context.close()
    assert all(pages >= 10 for pages, _ in visited.values()), visited  # the crawl really went somewhere
    print("trang, tệp đã xem:", visited)  # noqa: T201
    assert axe == [], "axe-core, serious or critical:\n" + "\n".join(axe)
    errors = nu_errors(html, tmp_path)
    assert errors == [], f"Nu checker errors on {len(html)} pages:\n" + "\n".join(errors[:80])
    assert broken == [], "links shown that do not open:\n" + "\n".join(broken)
