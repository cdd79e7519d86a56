"""The first screen per role: the portal for anonymous readers, the unit's dashboard for committee staff,
the next meeting, overdue tasks and notices for a cell's leaders and members."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from chibo.common.access import SYSTEM
from chibo.materials import services as material_services
from chibo.materials.models import Audience, MaterialKind
from chibo.meetings.models import AbsenceReport, MeetingStatus
from chibo.resolutions.models import Task, TaskStatus
from tests.meetings.conftest import *  # noqa: F403  (the rule_set fixture)
from tests.meetings.conftest import make_meeting


def url(name, *args):
    return reverse(name, args=args)


def soon(days=7):
    return timezone.localtime().replace(hour=19, minute=30, second=0, microsecond=0) + dt.timedelta(days=days)


def test_anonymous_readers_get_the_portal_at_the_root_with_a_login_link(client, cast):
    response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 200 and "portal/home.html" in [t.name for t in response.templates]
    assert f'href="{url("login")}"' in page


def test_committee_staff_land_on_their_units_dashboard(cast, as_user):
    assert as_user(cast.staff).get("/").url == url("reporting:dashboard", cast.ward.pk)
    assert as_user(cast.supervisor).get("/").url == url("reporting:dashboard", cast.ward.pk)
    assert as_user(cast.outsider).get("/").url == url("reporting:dashboard", cast.ward2.pk)


def test_a_secretary_sees_the_next_meeting_its_checklist_a_run_button_and_overdue_tasks(
    cast, as_user, rule_set
):
    past = make_meeting(cast.cell, rule_set, when=soon(-30), status=MeetingStatus.HELD)
    make_meeting(cast.cell, rule_set, when=soon(40), place="Hội trường xa")
    nxt = make_meeting(cast.cell, rule_set, when=soon(7), place="Nhà văn hóa tổ 1")
    make_meeting(cast.other_cell, rule_set, when=soon(2), place="Nhà văn hóa tổ 9")
    Task.objects.create(
        cell=cast.cell,
        meeting=past,
        member=cast.member,
        text="Vận động hội viên",
        due_on=dt.date.today() - dt.timedelta(days=3),
    )
    Task.objects.create(
        cell=cast.cell,
        meeting=past,
        member=cast.member,
        text="Việc chưa đến hạn",
        due_on=dt.date.today() + dt.timedelta(days=3),
    )
    Task.objects.create(
        cell=cast.cell,
        meeting=past,
        member=cast.member,
        text="Việc đã xong",
        due_on=dt.date.today() - dt.timedelta(days=3),
        status=TaskStatus.DONE,
    )

    response = as_user(cast.leader_user).get("/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nhà văn hóa tổ 1" in page and "Hội trường xa" not in page and "Nhà văn hóa tổ 9" not in page
    assert nxt.scheduled_at.astimezone(timezone.get_current_timezone()).strftime("%d/%m/%Y") in page
    assert f'href="{url("meetings:run", nxt.pk)}"' in page and "Điều hành buổi sinh hoạt" in page
    assert "Phân công người chuẩn bị dự thảo" in page and "Công tác chuẩn bị" in page
    assert "Vận động hội viên" in page and "Việc chưa đến hạn" not in page and "Việc đã xong" not in page
    assert "Nhiệm vụ quá hạn của chi bộ (1)" in page


def test_an_open_meeting_comes_before_the_planned_one(cast, as_user, rule_set):
    make_meeting(cast.cell, rule_set, when=soon(7), place="Sắp tới")
    running = make_meeting(
        cast.cell,
        rule_set,
        when=soon(-1),
        place="Đang họp đây",
        status=MeetingStatus.OPEN,
        started_at=soon(-1),
    )
    page = as_user(cast.leader_user).get("/").content.decode()
    leading = page.partition('class="card my-next"')[0]  # the secretary's own member card comes after
    assert "Đang họp đây" in leading and "Sắp tới" not in leading and "Tiếp tục điều hành" in leading
    assert f'href="{url("meetings:run", running.pk)}"' in page


def test_a_sibling_cells_secretary_sees_only_their_cell(cast, as_user, rule_set):
    make_meeting(cast.cell, rule_set, when=soon(3), place="Nhà văn hóa tổ 1")
    page = as_user(cast.sibling_leader).get("/").content.decode()
    assert (
        "Chi bộ Tổ dân phố số 9" in page
        and "Nhà văn hóa tổ 1" not in page
        and "Chi bộ Tổ dân phố số 1" not in page
    )


def test_a_member_sees_the_next_meeting_an_absence_button_open_tasks_and_unread_notices(
    cast, as_user, rule_set
):
    nxt = make_meeting(cast.cell, rule_set, when=soon(5), place="Nhà văn hóa tổ 1")
    Task.objects.create(
        cell=cast.cell,
        meeting=nxt,
        member=cast.member,
        text="Thăm hộ nghèo",
        due_on=dt.date.today() + dt.timedelta(days=10),
    )
    Task.objects.create(
        cell=cast.cell,
        meeting=nxt,
        member=cast.secretary,
        text="Việc của bí thư",
        due_on=dt.date.today() + dt.timedelta(days=10),
    )
    material = material_services.material_publish(
        publisher=cast.ward,
        title="Thông báo lịch tiêm chủng",
        kind=MaterialKind.MONTHLY,
        month=dt.date.today().replace(day=1),
        audience=Audience.SUBTREE,
        by=SYSTEM,
    )
    material_services.material_publish(
        publisher=cast.ward2,
        title="Tài liệu phường khác",
        kind=MaterialKind.MONTHLY,
        month=dt.date.today().replace(day=1),
        audience=Audience.SUBTREE,
        by=SYSTEM,
    )
    client = as_user(cast.member_user)
    page = client.get("/").content.decode()
    assert "Nhà văn hóa tổ 1" in page and f'href="{url("meetings:absence", nxt.pk)}"' in page
    assert "Điều hành buổi sinh hoạt" not in page  # not a leader
    assert "Thăm hộ nghèo" in page and "Việc của bí thư" not in page
    assert "Thông báo lịch tiêm chủng" in page and "Tài liệu phường khác" not in page
    # Opened once, it is no longer news.
    material_services.material_open(material=material, user=cast.member_user)
    assert "Thông báo lịch tiêm chủng" not in client.get("/").content.decode()


def test_an_excused_absence_is_one_tap_on_a_common_reason(cast, as_user, rule_set):
    nxt = make_meeting(cast.cell, rule_set, when=soon(5))
    client = as_user(cast.member_user)
    form = client.get(url("meetings:absence", nxt.pk)).content.decode()
    assert 'name="quick" value="Ốm đau"' in form
    response = client.post(url("meetings:absence", nxt.pk), {"quick": "Ốm đau"})
    assert response.status_code == 302
    assert AbsenceReport.objects.get(meeting=nxt, member=cast.member).reason == "Ốm đau"
    # A value that is not one of the common reasons is not taken as one: the free text is asked for.
    other = make_meeting(cast.cell, rule_set, when=soon(35))
    refused = client.post(url("meetings:absence", other.pk), {"quick": "<b>x</b>"})
    assert refused.status_code == 200 and not AbsenceReport.objects.filter(meeting=other).exists()


def test_a_user_with_no_role_is_told_whom_to_ask(client, db):
    from tests.factories import make_user

    client.force_login(make_user("moi"))
    assert "chưa được giao vai trò" in client.get("/").content.decode()


def test_the_cell_schedule_shows_the_next_meeting_above_the_year(cast, as_user, rule_set):
    make_meeting(cast.cell, rule_set, when=soon(3), place="Buổi tới đây")
    page = as_user(cast.leader_user).get(url("meetings:cell_schedule", cast.cell.pk)).content.decode()
    head, _, year_list = page.partition('class="plain meeting-list"')
    assert "Buổi sinh hoạt tới" in head and "Buổi tới đây" in head
