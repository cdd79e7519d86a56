"""A ward's slips are printed cell by cell: the ward page lists its cells with pending accounts, each with
its own button; printing the whole subtree in one web or API request is capped (CHIBO_SLIPS_WEB_MAX) and
refused above the cap before any code is replaced."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chibo.accounts import services
from chibo.accounts.models import ActivationCode
from tests.accounts.slips_text import pdf_text
from tests.factories import make_member, make_org

pytestmark = pytest.mark.django_db
API = "/api/v1/accounts/orgs"


def codes():
    return list(ActivationCode.objects.order_by("pk").values_list())


@pytest.fixture
def two_cells(cast, crowd):
    """Pending accounts in both cells of the ward: one in cell, three (the crowd) in cell2."""
    make_member(cast.cell, full_name="Hồ Thị Ngọc", card_number="79000011")
    services.accounts_create(org=cast.ward, by=cast.staff)


def cell_rows(page: str) -> list[tuple[str, str]]:
    section = page.split('id="theo-chi-bo"', 1)[1].split("</section>", 1)[0]
    return re.findall(
        r'<td data-label="Chi bộ"><a [^>]*>([^<]+)</a></td>\s*<td data-label="Chờ kích hoạt">(\d+)</td>',
        section,
    )


def test_the_ward_page_lists_its_cells_and_a_cells_button_prints_only_that_cell(
    client, cast, two_cells, tmp_path
):
    client.force_login(cast.staff)
    page = client.get(reverse("accounts:org", args=[cast.ward.pk])).content.decode()
    assert cell_rows(page) == [("Chi bộ Tổ dân phố số 1", "1"), ("Chi bộ Tổ dân phố số 2", "3")]
    action = reverse("accounts:slips", args=[cast.cell2.pk])
    assert f'action="{action}"' in page and 'id="in-tat-ca"' in page  # 4 slips: within the cap
    # The same confirmation rule as the whole print: without it nothing is printed or replaced.
    before = codes()
    assert "hãy đánh dấu ô xác nhận" in client.post(action, follow=True).content.decode()
    assert codes() == before
    cell1_codes = list(ActivationCode.objects.filter(user__username="79000011").values_list())
    response = client.post(action, {"confirm": "on"})
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "cell2.pdf"
    path.write_bytes(response.content)
    text = pdf_text(path)
    assert all(name in text for name in ("Phan Thanh Kiên", "Vũ Thị Lan", "Đặng Văn Minh"))
    assert "Hồ Thị Ngọc" not in text and "79000011" not in text
    # Only that cell's codes were replaced.
    assert list(ActivationCode.objects.filter(user__username="79000011").values_list()) == cell1_codes


def test_a_cell_page_has_no_list_of_cells(client, cast, two_cells):
    client.force_login(cast.staff)
    page = client.get(reverse("accounts:org", args=[cast.cell2.pk])).content.decode()
    assert 'id="theo-chi-bo"' not in page and 'id="in-tat-ca"' in page


def test_over_the_cap_the_web_and_the_api_refuse_and_no_code_changes(client, cast, two_cells, settings):
    settings.CHIBO_SLIPS_WEB_MAX = 3
    client.force_login(cast.staff)
    url = reverse("accounts:org", args=[cast.ward.pk])
    page = client.get(url).content.decode()
    assert "4 tài khoản chờ kích hoạt, quá nhiều để in một lần trên web" in page
    assert 'id="in-tat-ca"' not in page and len(cell_rows(page)) == 2  # the cells still print
    before = codes()
    refused = client.post(reverse("accounts:slips", args=[cast.ward.pk]), {"confirm": "on"})
    assert refused.status_code == 302 and refused["Location"] == url
    message = client.get(url).content.decode()
    assert "quá nhiều để in một lần trên web: hãy in theo từng chi bộ bên dưới" in message
    assert "chibo accounts slips BD --out" in message
    assert codes() == before

    api = client.post(f"{API}/{cast.ward.pk}/slips")
    assert api.status_code == 422
    assert "4 tài khoản chờ kích hoạt, quá nhiều để in một lần trên web" in str(api.json())
    assert codes() == before
    # A cell within the cap still prints, on the web and through the API.
    assert client.post(f"{API}/{cast.cell2.pk}/slips")["Content-Type"] == "application/pdf"
    assert codes() != before


def test_the_command_line_has_no_cap(cast, two_cells, settings, tmp_path):
    from django.core.management import call_command

    settings.CHIBO_SLIPS_WEB_MAX = 1
    out = tmp_path / "all.pdf"
    call_command("accounts", "slips", "BD", "--out", str(out))
    assert "79000011" in pdf_text(out) and "79000003" in pdf_text(out)


def _page_queries(client, cast):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("accounts:org", args=[cast.ward.pk])).status_code == 200
    return len(ctx.captured_queries)


def test_the_list_of_cells_costs_the_same_queries_for_2_and_6_cells(client, cast, two_cells):
    client.force_login(cast.staff)
    client.get(reverse("accounts:org", args=[cast.ward.pk]))  # warm the session and caches
    two = _page_queries(client, cast)
    for n in range(3, 7):
        cell = make_org(
            f"Chi bộ Tổ dân phố số {n}", parent=cast.ward, code=f"BD-0{n}", cell_kind="residential"
        )
        make_member(cell, full_name=f"Ngô Văn Thử {n}", card_number=f"7900010{n}")
    services.accounts_create(org=cast.ward, by=cast.staff)
    six = _page_queries(client, cast)
    page = client.get(reverse("accounts:org", args=[cast.ward.pk])).content.decode()
    assert len(cell_rows(page)) == 6
    assert six == two


def test_the_list_of_cells_is_paginated(client, cast, two_cells, settings):
    settings.CHIBO_PAGE_SIZE = 1
    client.force_login(cast.staff)
    url = reverse("accounts:org", args=[cast.ward.pk])
    first = client.get(url).content.decode()
    assert cell_rows(first) == [("Chi bộ Tổ dân phố số 1", "1")] and "2 chi bộ" in first
    second = client.get(url, {"trang_chi_bo": 2}).content.decode()
    assert cell_rows(second) == [("Chi bộ Tổ dân phố số 2", "3")]


def test_a_sibling_wards_staff_get_404_and_see_none_of_our_cells(client, cast, two_cells):
    client.force_login(cast.outsider)
    assert client.get(reverse("accounts:org", args=[cast.ward.pk])).status_code == 404
    before = codes()
    for org in (cast.ward, cast.cell, cast.cell2):
        assert client.post(reverse("accounts:slips", args=[org.pk]), {"confirm": "on"}).status_code == 404
    assert codes() == before
    own = client.get(reverse("accounts:org", args=[cast.ward2.pk])).content.decode()
    assert "Tổ dân phố số 1" not in own and "Tổ dân phố số 2" not in own


def test_a_cell_over_the_cap_shows_the_command_instead_of_its_button(client, cast, two_cells, settings):
    settings.CHIBO_SLIPS_WEB_MAX = 2
    client.force_login(cast.staff)
    page = client.get(reverse("accounts:org", args=[cast.ward.pk])).content.decode()
    assert f'action="{reverse("accounts:slips", args=[cast.cell.pk])}"' in page  # 1 slip
    assert f'action="{reverse("accounts:slips", args=[cast.cell2.pk])}"' not in page  # 3 slips
    assert "chibo accounts slips BD-02 --out phieu.pdf" in page
    before = codes()
    client.post(reverse("accounts:slips", args=[cast.cell2.pk]), {"confirm": "on"})
    cell_page = client.get(reverse("accounts:org", args=[cast.cell2.pk])).content.decode()
    assert "quá nhiều để in một lần trên web: hãy dùng lệnh" in cell_page and "bên dưới" not in cell_page
    assert codes() == before
