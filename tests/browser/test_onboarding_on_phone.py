"""docs/onboarding.md walked on a 360 px phone, from a database with only the city in it: the administrator
passes the second factor, imports a ward's registry, creates its members' accounts, prints the slips, grants
the staff right to the ward's officer; then a member activates with the code from the slip and sees their
cell's schedule, and the cell's secretary (from the imported position, no grant) runs the cell."""

import datetime as dt
import importlib
import os

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import Workbook

from chibo.common.dates import today
from chibo.meetings.models import Meeting
from chibo.orgs.models import Organisation, OrgKind, Role, RoleKind
from tests.accounts.slips_text import code_for, pdf_text
from tests.factories import make_org
from tests.security.conftest import give_totp, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADMIN_PASSWORD = "quantri-mat-khau-2026"
NEW_PASSWORD = "Mat-khau-rat-moi-2026"


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def shot(page, name):
    # CHIBO_SCREENSHOTS=/tmp/x keeps the screens to look at.
    if os.environ.get("CHIBO_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["CHIBO_SCREENSHOTS"], f"{name}.png"), full_page=True)


def registry(path):
    """A ward with two cells, five members, their memberships and the first cell's secretary ("Tất cả")."""
    wb = Workbook()
    orgs = wb.active
    orgs.title = "Tổ chức"
    orgs.append(["Mã tổ chức", "Tên tổ chức", "Loại tổ chức", "Mã cấp trên", "Loại hình chi bộ"])
    orgs.append(["KL", "Đảng bộ phường Kim Liên", "Đảng bộ cơ sở", "HN", ""])
    orgs.append(["KL-01", "Chi bộ Tổ dân phố số 1", "Chi bộ", "KL", "Khu dân cư"])
    orgs.append(["KL-02", "Chi bộ Tổ dân phố số 2", "Chi bộ", "KL", "Khu dân cư"])
    people = wb.create_sheet("Đảng viên")
    people.append(["Số thẻ đảng viên", "Họ và tên", "Giới tính", "Ngày vào Đảng", "Ngày chính thức"])
    rows = [
        ("01000001", "Nguyễn Văn An", "Nam", "KL-01"),
        ("01000002", "Trần Thị Bình", "Nữ", "KL-01"),
        ("01000003", "Lê Văn Cường", "Nam", "KL-01"),
        ("01000004", "Phạm Thị Dung", "Nữ", "KL-02"),
        ("01000005", "Hoàng Văn Em", "Nam", "KL-02"),
    ]
    for card, name, gender, _cell in rows:
        people.append([card, name, gender, "19/05/2000", "19/05/2001"])
    memberships = wb.create_sheet("Sinh hoạt đảng")
    memberships.append(["Số thẻ đảng viên", "Mã chi bộ", "Hình thức", "Từ ngày"])
    for card, _name, _gender, cell in rows:
        memberships.append([card, cell, "chính thức", "01/01/2020"])
    positions = wb.create_sheet("Chức vụ")
    positions.append(["Số thẻ đảng viên", "Mã chi bộ", "Chức vụ", "Từ ngày"])
    positions.append(["01000002", "KL-01", "Bí thư", "01/01/2025"])
    wb.save(path)


@pytest.fixture
def shipped_rule_sets():
    """The HD 12 / HD 42 rule sets a fresh install gets from its data migration (a transactional test's
    flush removes them)."""
    from chibo.meetings.models import RuleSet

    if not RuleSet.objects.filter(owner__isnull=True).exists():
        importlib.import_module("chibo.meetings.migrations.0002_default_rule_sets").forwards(
            django_apps, None
        )


def log_in(page, base, username, password):
    page.goto(f"{base}{reverse('login')}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")


def test_a_ward_goes_from_an_empty_database_to_members_seeing_their_schedule(
    live_server, phone, browser, settings, tmp_path, shipped_rule_sets
):
    settings.CHIBO_REQUIRE_2FA = True  # as in production
    base = live_server.url
    make_org("Đảng bộ Thành phố", kind=OrgKind.CITY, code="HN")
    admin = get_user_model().objects.create_superuser("quantri", password=ADMIN_PASSWORD)
    device, _codes = give_totp(admin)  # §0: the administrator set up the authenticator app
    page = phone

    # §0: password, then the 6-digit code of the app.
    log_in(page, base, "quantri", ADMIN_PASSWORD)
    page.wait_for_selector("#id_code")
    page.fill("#id_code", totp_code(device))
    page.click("button.primary")
    page.wait_for_selector("h1:has-text('Đảng bộ Thành phố')")

    # §1: the registry through "Nhập, xuất": check, then write.
    workbook = tmp_path / "so-dang-vien.xlsx"
    registry(workbook)
    page.goto(f"{base}{reverse('dataio:index')}")
    page.select_option("#id_kind", "all")
    page.set_input_files("#id_file", str(workbook))
    page.click("button:has-text('Kiểm tra tệp')")
    page.wait_for_selector("button:has-text('Ghi dữ liệu')")
    shot(page, "onboarding-import-checked")
    assert fits(page)
    page.click("button:has-text('Ghi dữ liệu')")
    page.wait_for_selector("text=Đã ghi")
    ward = Organisation.objects.get(code="KL")
    cell = Organisation.objects.get(code="KL-01")

    # §2: accounts for the whole ward, from the ward's page.
    page.goto(f"{base}{reverse('orgs:detail', args=[ward.pk])}")
    page.click("text=Tài khoản, phiếu kích hoạt")
    page.click("text=Tạo tài khoản cho đảng viên chưa có")
    page.wait_for_selector("text=Đã tạo 5 tài khoản mới")
    shot(page, "onboarding-accounts")
    assert fits(page)
    # Everyone has an account now: the button waits for the next members imported.
    assert page.locator("button:has-text('Tạo tài khoản cho đảng viên chưa có')").is_disabled()
    assert get_user_model().objects.filter(username__startswith="0100000").count() == 5

    # §3: the slips PDF, with each member's code.
    page.check("#id_confirm")
    with page.expect_download() as download:  # the ward's own print; each cell has its button below
        page.click("#in-tat-ca button")
    pdf = tmp_path / "phieu.pdf"
    download.value.save_as(pdf)
    text = pdf_text(pdf)
    for name in ("Nguyễn Văn An", "Trần Thị Bình", "Hoàng Văn Em", "Chi bộ Tổ dân phố số 1"):
        assert name in text
    an_code, binh_code = code_for(text, "01000001"), code_for(text, "01000002")

    # §4: the ward's officer (member Phạm Thị Dung) is given the staff right on the ward.
    page.goto(f"{base}{reverse('orgs:rights_grant', args=[ward.pk])}")
    page.fill("#id_tim", "01000004")
    page.click("button:has-text('Tìm')")
    page.wait_for_selector("text=Phạm Thị Dung")
    page.fill("#id_account", "01000004")
    page.select_option("#id_role", RoleKind.STAFF)
    page.fill("#id_valid_from", today().strftime("%d/%m/%Y"))
    page.fill("#id_reason", "Quyết định số 15-QĐ/ĐU")
    shot(page, "onboarding-grant")
    assert fits(page)
    page.click("button:has-text('Trao quyền')")
    page.wait_for_selector("text=Phạm Thị Dung")
    grant = Role.objects.get(user__username="01000004", organisation=ward)
    assert grant.role == RoleKind.STAFF and grant.granted_by == admin and grant.reason

    # §5: a member activates on their own phone with the slip's code and lands on their schedule.
    member_context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, locale="vi-VN"
    )
    member = member_context.new_page()
    member.goto(f"{base}{reverse('login')}")
    member.click("text=Kích hoạt tài khoản bằng mã trên phiếu")
    member.fill("#id_login", "01000001")
    member.fill("#id_code", an_code)
    member.fill("#id_password1", NEW_PASSWORD)
    member.fill("#id_password2", NEW_PASSWORD)
    member.click("button[type=submit]")
    member.wait_for_selector("text=Tài khoản đã được kích hoạt")
    assert member.url.endswith(reverse("meetings:my_schedule"))
    shot(member, "onboarding-member-schedule")
    assert fits(member)

    # The secretary (from the imported position, nothing granted) activates and plans the cell's year...
    secretary = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, locale="vi-VN")
    leader = secretary.new_page()
    leader.goto(f"{base}{reverse('accounts:activate')}?so_the=01000002")
    leader.fill("#id_code", binh_code)
    leader.fill("#id_password1", NEW_PASSWORD)
    leader.fill("#id_password2", NEW_PASSWORD)
    leader.click("button[type=submit]")
    leader.wait_for_selector("text=Tài khoản đã được kích hoạt")
    year = (today() + dt.timedelta(days=40)).year
    leader.goto(f"{base}{reverse('meetings:plan_year', args=[cell.pk])}")
    leader.fill("#id_year", str(year))
    leader.click("button:has-text('Lập kế hoạch')")
    leader.wait_for_url(lambda url: "ke-hoach-nam" not in url, timeout=60_000)
    assert Meeting.objects.filter(cell=cell, scheduled_at__year=year).count() >= 12
    assert not Role.objects.filter(user__username="01000002").exists()

    # ...and the member sees their cell's meetings on their schedule.
    member.reload()
    body = member.inner_text("main")
    assert "Chi bộ Tổ dân phố số 1" in body and "Sinh hoạt thường kỳ" in body
    shot(member, "onboarding-member-schedule-planned")
    member_context.close()
    secretary.close()
