"""Plans carrying out Đề án 11 with their own targets: writing them (services and pages), validation in
Vietnamese, the audit log, who may write, and how the dashboard compares a unit with its own plan and
with the city's."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from chibo.audit.models import Action, AuditEntry
from chibo.common.access import SYSTEM
from chibo.reporting import plans as services
from chibo.reporting.models import Plan
from tests.reporting.scenario import build, run_facts_job
from tests.resolutions.conftest import task_rules  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def plan_post(**over):
    data = {
        "number": "25-KH/ĐU",
        "issued_on": "10/01/2025",
        "title": "Nâng cao chất lượng sinh hoạt chi bộ năm 2025",
        "valid_from": "01/01/2025",
        "last_day": "",
        "target_attendance_rate": "95",
    }
    data.update(over)
    return data


def make_plan(owner, *, number="01-KH", targets=None, valid_from=dt.date(2025, 1, 1), **kw):
    return services.plan_create(
        owner=owner,
        number=number,
        issued_on=kw.pop("issued_on", valid_from),
        valid_from=valid_from,
        targets=targets or {},
        by=kw.pop("by", SYSTEM),
        **kw,
    )


def dashboard(client, org, ky="2025-03"):
    return client.get(reverse("reporting:dashboard", args=[org.pk]) + f"?ky={ky}")


def row(response, key):
    return next(r for r in response.context["rows"] if r.key == key)


# --- services ------------------------------------------------------------------------------------------


def test_create_and_update_keep_the_targets_and_leave_an_audit_entry(cast):
    plan = make_plan(
        cast.ward,
        targets={"attendance_rate": Decimal("92.5"), "supervision_rate": Decimal(50), "materials_rate": None},
        by=cast.staff,
    )
    assert {t.key: t.target for t in plan.targets.all()} == {
        "attendance_rate": Decimal("92.5"),
        "supervision_rate": Decimal(50),
    }
    entry = AuditEntry.objects.get(model="reporting.plan", object_id=str(plan.pk), action=Action.CREATE)
    assert entry.org_path == cast.ward.path and entry.user == cast.staff
    assert entry.after["number"] == "01-KH" and entry.after["targets"]["attendance_rate"] == "92.50"

    services.plan_update(
        plan=plan,
        number="01-KH/sửa",
        issued_on=dt.date(2025, 1, 1),
        valid_from=dt.date(2025, 1, 1),
        valid_until=dt.date(2026, 1, 1),
        targets={"attendance_rate": Decimal(95)},
        by=cast.staff,
    )
    plan.refresh_from_db()
    # Stored half-open like every dated row; its last day ("đến hết") is the day before.
    assert plan.number == "01-KH/sửa" and plan.valid_until == dt.date(2026, 1, 1)
    assert plan.last_day == dt.date(2025, 12, 31)
    assert {t.key: t.target for t in plan.targets.all()} == {"attendance_rate": Decimal(95)}
    entry = AuditEntry.objects.get(model="reporting.plan", object_id=str(plan.pk), action=Action.UPDATE)
    assert entry.before["number"] == "01-KH" and entry.before["targets"]["supervision_rate"] == "50.00"
    assert entry.after["targets"] == {"attendance_rate": "95.00"}


def test_services_refuse_bad_plans(cast):
    with pytest.raises(ValidationError) as error:
        make_plan(cast.cell)
    assert "chỉ cấp ủy mới ban hành" in str(error.value)
    with pytest.raises(ValidationError) as error:
        make_plan(cast.ward, targets={"attendance_rate": Decimal(120)})
    assert "target_attendance_rate" in error.value.error_dict
    for end in (dt.date(2024, 12, 31), dt.date(2025, 1, 1)):  # before the start, or no day at all
        with pytest.raises(ValidationError) as error:
            make_plan(cast.ward, valid_until=end)
        assert error.value.message_dict["valid_until"] == ["Đến hết: không được trước ngày áp dụng."]
    assert make_plan(cast.ward, number="1-ngay", valid_until=dt.date(2025, 1, 2)).last_day == dt.date(
        2025, 1, 1
    )
    Plan.objects.all().delete()
    with pytest.raises(ValidationError) as error:
        make_plan(cast.ward, number="  ")
    assert "number" in error.value.error_dict
    assert not Plan.objects.exists()


def test_plan_in_force_picks_the_latest_start():
    a = Plan(pk=1, valid_from=dt.date(2024, 1, 1), valid_until=None)
    b = Plan(pk=2, valid_from=dt.date(2025, 1, 1), valid_until=dt.date(2025, 7, 1))  # đến hết 30/06
    assert services.plan_in_force([a, b], dt.date(2025, 3, 1)) is b
    assert services.plan_in_force([a, b], dt.date(2025, 6, 30)) is b
    assert services.plan_in_force([a, b], dt.date(2025, 7, 1)) is a
    assert services.plan_in_force([a, b], dt.date(2023, 7, 1)) is None


# --- pages ---------------------------------------------------------------------------------------------


def test_staff_creates_a_plan_with_a_decimal_comma(client, cast):
    client.force_login(cast.staff)
    page = client.get(reverse("reporting:plan_create", args=[cast.ward.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "T4 · Tỷ lệ đảng viên dự sinh hoạt thường kỳ (%)" in html
    assert "Để trống = theo chỉ tiêu của Thành phố (90%)" in html
    response = client.post(
        reverse("reporting:plan_create", args=[cast.ward.pk]), plan_post(target_attendance_rate="92,5")
    )
    assert response.status_code == 302 and response.url == reverse("reporting:plans", args=[cast.ward.pk])
    plan = Plan.objects.get(owner=cast.ward)
    assert plan.issued_on == dt.date(2025, 1, 10)
    assert {t.key: t.target for t in plan.targets.all()} == {"attendance_rate": Decimal("92.5")}
    listing = client.get(response.url).content.decode()
    assert "Đã thêm kế hoạch số 25-KH/ĐU" in listing and "đang áp dụng" in listing
    assert "92,5%" in listing


def test_staff_edits_a_plan(client, cast):
    plan = make_plan(cast.ward, targets={"attendance_rate": Decimal(95), "materials_rate": Decimal(80)})
    client.force_login(cast.staff)
    edit_url = reverse("reporting:plan_edit", args=[plan.pk])
    form_html = client.get(edit_url).content.decode()
    assert 'value="95"' in form_html and 'value="80"' in form_html
    response = client.post(
        edit_url, plan_post(number="02-KH", target_attendance_rate="", target_materials_rate="85")
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.number == "02-KH"
    assert {t.key: t.target for t in plan.targets.all()} == {"materials_rate": Decimal(85)}
    assert AuditEntry.objects.filter(model="reporting.plan", action=Action.UPDATE).count() == 1


def test_the_last_day_is_what_people_enter_and_read(client, cast):
    """The form and pages speak of the last day ("đến hết 31/12/2025"); the row stores the day after."""
    client.force_login(cast.staff)
    url = reverse("reporting:plan_create", args=[cast.ward.pk])
    assert client.post(url, plan_post(last_day="31/12/2025")).status_code == 302
    plan = Plan.objects.get()
    assert (plan.valid_until, plan.last_day) == (dt.date(2026, 1, 1), dt.date(2025, 12, 31))
    listing = client.get(reverse("reporting:plans", args=[cast.ward.pk])).content.decode()
    assert "đến hết 31/12/2025" in listing and "01/01/2026" not in listing
    edit = client.get(reverse("reporting:plan_edit", args=[plan.pk])).content.decode()
    assert 'name="last_day" value="31/12/2025"' in edit
    # A plan of one day: its last day is its first.
    assert (
        client.post(
            reverse("reporting:plan_edit", args=[plan.pk]),
            plan_post(issued_on="01/01/2025", last_day="01/01/2025"),
        ).status_code
        == 302
    )
    plan.refresh_from_db()
    assert plan.valid_until == dt.date(2025, 1, 2)
    # A last day before the issue date is refused on the field people typed it in.
    refused = client.post(
        reverse("reporting:plan_edit", args=[plan.pk]),
        plan_post(issued_on="10/01/2025", last_day="05/01/2025"),
    )
    assert refused.status_code == 200
    assert refused.context["form"].errors["last_day"] == ["Đến hết: không được trước ngày ban hành."]


def test_validation_messages_name_the_field(client, cast):
    client.force_login(cast.staff)
    response = client.post(
        reverse("reporting:plan_create", args=[cast.ward.pk]),
        plan_post(
            number="",
            issued_on="31/02/2025",
            last_day="01/12/2024",
            target_attendance_rate="120",
            target_materials_rate="nhiều",
        ),
    )
    html = response.content.decode()
    assert response.status_code == 200 and not Plan.objects.exists()
    assert "Số kế hoạch: không được để trống." in html
    assert "Ngày ban hành: ngày không hợp lệ" in html
    assert "Đến hết: không được trước ngày áp dụng." in html
    assert "T4 · Tỷ lệ đảng viên dự sinh hoạt thường kỳ: không được lớn hơn 100." in html
    assert "T2 · Chi bộ có tài liệu sinh hoạt trước ít nhất 1 ngày: phải là một số từ 0 đến 100." in html


@pytest.mark.parametrize("who", ["outsider", "sibling_leader"])
def test_a_sibling_organisation_gets_404(client, cast, who):
    plan = make_plan(cast.ward)
    client.force_login(getattr(cast, who))
    assert client.get(reverse("reporting:plans", args=[cast.ward.pk])).status_code == 404
    assert client.get(reverse("reporting:plan_create", args=[cast.ward.pk])).status_code == 404
    assert client.post(reverse("reporting:plan_create", args=[cast.ward.pk]), plan_post()).status_code == 404
    assert client.post(reverse("reporting:plan_edit", args=[plan.pk]), plan_post()).status_code == 404
    assert Plan.objects.count() == 1 and Plan.objects.get().number == "01-KH"


def test_readers_see_plans_but_cannot_write_them(client, cast):
    plan = make_plan(cast.ward)
    client.force_login(cast.supervisor)
    page = client.get(reverse("reporting:plans", args=[cast.ward.pk]))
    assert page.status_code == 200 and "01-KH" in page.content.decode()
    assert reverse("reporting:plan_create", args=[cast.ward.pk]) not in page.content.decode()
    assert client.post(reverse("reporting:plan_create", args=[cast.ward.pk]), plan_post()).status_code == 403
    assert client.post(reverse("reporting:plan_edit", args=[plan.pk]), plan_post()).status_code == 403
    # A cell leader writes the cell's data, but the cell follows the ward's plan.
    client.force_login(cast.leader_user)
    cell_page = client.get(reverse("reporting:plans", args=[cast.cell.pk])).content.decode()
    assert (
        "Theo kế hoạch <strong>số 01-KH</strong>" in cell_page and "của Đảng bộ phường Ba Đình" in cell_page
    )
    assert client.get(reverse("reporting:plan_create", args=[cast.cell.pk])).status_code == 403
    assert client.post(reverse("reporting:plan_edit", args=[plan.pk]), plan_post()).status_code == 404
    client.force_login(cast.member_user)
    assert client.get(reverse("reporting:plans", args=[cast.ward.pk])).status_code == 404
    assert Plan.objects.count() == 1


# --- the dashboard against the plans -------------------------------------------------------------------


@pytest.fixture
def scenario(cast, task_rules):  # noqa: F811
    orgs = build(cast, task_rules)
    run_facts_job()
    return orgs


def test_the_dashboard_shows_the_own_target_against_the_citys(client, cast, scenario):
    make_plan(
        cast.ward, number="25-KH/ĐU", targets={"attendance_rate": Decimal(95)}, issued_on=dt.date(2025, 1, 10)
    )
    client.force_login(cast.staff)
    response = dashboard(client, cast.ward)
    html = response.content.decode()
    assert "số 25-KH/ĐU" in html and "10/01/2025" in html
    attendance = row(response, "attendance_rate")
    assert (attendance.own_target_text, attendance.city_target_text) == ("95%", "90%")
    # 83,3% is far from the plan's 95% but close to the city's 90%.
    assert (attendance.status, attendance.city_status) == ("far", "close")
    assert (attendance.word, attendance.city_word) == ("Chưa đạt", "Gần đạt")
    assert row(response, "regular_meeting_rate").own_target_text == "100%"  # not set: the city's


def test_a_city_plan_is_overridden_by_the_wards_own(client, cast, scenario):
    make_plan(
        cast.city,
        number="11-KH/TU",
        targets={"attendance_rate": Decimal(80), "supervision_rate": Decimal(30)},
    )
    client.force_login(cast.staff)
    response = dashboard(client, cast.ward)
    assert "số 11-KH/TU" in response.content.decode() and "của Đảng bộ Thành phố" in response.content.decode()
    assert row(response, "attendance_rate").status == "met"  # 83,3% ≥ 80%
    assert row(response, "supervision_rate").status == "met"  # 1/3 ≥ 30%

    make_plan(cast.ward, number="25-KH/ĐU", targets={"attendance_rate": Decimal(95)})
    response = dashboard(client, cast.ward)
    assert "số 25-KH/ĐU" in response.content.decode()
    assert row(response, "attendance_rate").status == "far"
    # The ward's plan does not set supervision: back to the city's default (none), not the city plan's.
    assert row(response, "supervision_rate").own_target is None
    # Its cells follow it too.
    cell = dashboard(client, cast.cell)
    assert row(cell, "attendance_rate").own_target == Decimal(95)


def test_the_citys_child_table_uses_each_wards_own_plan(client, cast, scenario):
    from tests.factories import make_user

    make_plan(cast.city, number="11-KH/TU", targets={"attendance_rate": Decimal(80)})
    make_plan(cast.ward, number="25-KH/ĐU", targets={"attendance_rate": Decimal(95)})
    admin = make_user("thanhuy", role="staff", org=cast.city)
    client.force_login(admin)
    response = dashboard(client, cast.city)
    rows = {r.org.code: r for r in response.context["page"]}
    index = list(response.context["keys"]).index("attendance_rate")
    assert rows["BD"].cells[index].status == "far"  # 10/12 against BD's 95%
    assert rows["BD"].cells[index].fraction == "10/12 lượt"


def test_a_plan_no_longer_in_force_is_not_used(client, cast, scenario):
    make_plan(
        cast.ward,
        number="CU",
        targets={"attendance_rate": Decimal(50)},
        valid_from=dt.date(2024, 1, 1),
        valid_until=dt.date(2025, 3, 1),  # đến hết 28/02/2025
    )
    client.force_login(cast.staff)
    response = dashboard(client, cast.ward)
    assert response.context["plan"] is None and row(response, "attendance_rate").own_target == Decimal(90)
    # A plan whose last day is the first of March is in force for March.
    make_plan(
        cast.ward,
        number="MOT-NGAY",
        targets={"attendance_rate": Decimal(60)},
        valid_until=dt.date(2025, 3, 2),
    )
    response = dashboard(client, cast.ward)
    assert response.context["plan"].number == "MOT-NGAY" and row(response, "attendance_rate").own_target == 60
