"""Preparation, the member's own acts (absence reports, calendar feeds) and rule sets: each service
checks its acting user (`by`) through meetings.access, whoever calls it. A sibling organisation's
user is refused and nothing is written; `by=None` is refused, leaving `by` out is a TypeError;
`SYSTEM` (trusted code) passes."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from chibo.audit.models import AuditEntry
from chibo.common.access import SYSTEM
from chibo.meetings import access
from chibo.meetings.models import AbsenceReport, CalendarFeed, Meeting, MeetingKind, MeetingMaterial, RuleSet
from chibo.meetings.services import preparation as prep
from chibo.meetings.services.planning import meeting_create
from chibo.meetings.services.rulesets import (
    criterion_update,
    ruleset_copy,
    ruleset_update,
    rulesets_switch,
    rulestep_add,
    rulestep_update,
)
from tests.meetings.test_preparation import at

pytestmark = pytest.mark.django_db

REFUSED = [
    pytest.param("sibling_leader", id="sibling-leader"),
    pytest.param("outsider", id="sibling-ward-staff"),
    pytest.param(None, id="by-None"),
]


def acting(cast, who):
    return getattr(cast, who) if who else None


@pytest.fixture
def meeting(cast):
    return meeting_create(cell=cast.cell, kind=MeetingKind.REGULAR, scheduled_at=at(2026, 4, 3), by=SYSTEM)


def pdf():
    return SimpleUploadedFile("tai-lieu.pdf", b"%PDF-1.4 xxxx", content_type="application/pdf")


@pytest.mark.parametrize("who", REFUSED)
def test_preparing_a_meeting_is_refused_outside_ones_cells(cast, meeting, who):
    by = acting(cast, who)
    material = prep.material_add(meeting=meeting, title="Dự thảo", file=pdf(), by=SYSTEM)
    before = AuditEntry.objects.count()
    calls = [
        lambda: prep.meeting_prepare(meeting=meeting, drafter=cast.secretary, prep_meeting_on=None, by=by),
        lambda: prep.meeting_send_notice(meeting=meeting, by=by),
        lambda: prep.material_add(meeting=meeting, title="Lén thêm", file=pdf(), by=by),
        lambda: prep.meeting_material_publish(material=material, by=by),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied) as refused:
            call()
        assert str(refused.value) == access.EDIT_DENIED
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert meeting.drafter is None and meeting.notice_sent_at is None
    assert meeting.materials_published_at is None
    assert list(MeetingMaterial.objects.values_list("title", flat=True)) == ["Dự thảo"]
    assert AuditEntry.objects.count() == before


def test_leaving_by_out_is_a_type_error(cast, meeting):
    with pytest.raises(TypeError):
        prep.meeting_send_notice(meeting=meeting)
    with pytest.raises(TypeError):
        prep.absence_report_submit(meeting=meeting, member=cast.member, reason="Ốm")
    with pytest.raises(TypeError):
        rulesets_switch(on=dt.date(2025, 11, 1))


def test_the_cells_leader_and_system_prepare(cast, meeting):
    prep.meeting_prepare(meeting=meeting, drafter=cast.secretary, prep_meeting_on=None, by=cast.leader_user)
    material = prep.material_add(meeting=meeting, title="Dự thảo", file=pdf(), by=cast.leader_user)
    assert material.uploaded_by == cast.leader_user
    assert prep.meeting_material_publish(material=material, by=cast.leader_user).published_at is not None
    by_system = prep.material_add(meeting=meeting, title="Báo cáo", file=pdf(), publish=True, by=SYSTEM)
    assert by_system.uploaded_by is None and by_system.published_at is not None
    prep.meeting_send_notice(meeting=meeting, by=SYSTEM)
    assert Meeting.objects.get(pk=meeting.pk).notice_sent_at is not None


@pytest.mark.parametrize("who", [*REFUSED, pytest.param("leader_user", id="the-cells-leader")])
def test_only_the_member_reports_or_withdraws_their_own_absence(cast, meeting, who):
    by = acting(cast, who)
    with pytest.raises(PermissionDenied):
        prep.absence_report_submit(meeting=meeting, member=cast.member, reason="Đi công tác", by=by)
    assert not AbsenceReport.objects.exists()
    prep.absence_report_submit(meeting=meeting, member=cast.member, reason="Đi công tác", by=cast.member_user)
    with pytest.raises(PermissionDenied):
        prep.absence_report_withdraw(meeting=meeting, member=cast.member, by=by)
    assert AbsenceReport.objects.filter(meeting=meeting, member=cast.member).exists()
    prep.absence_report_withdraw(meeting=meeting, member=cast.member, by=SYSTEM)
    assert not AbsenceReport.objects.exists()


def test_a_member_cannot_report_for_a_meeting_they_do_not_see(cast):
    other = meeting_create(cell=cast.other_cell, kind=MeetingKind.REGULAR, scheduled_at=at(2026, 4, 3), by=SYSTEM)
    with pytest.raises(PermissionDenied) as refused:
        prep.absence_report_submit(meeting=other, member=cast.member, reason="Bận", by=cast.member_user)
    assert str(refused.value) == access.NOT_ON_ROSTER


@pytest.mark.parametrize("who", [*REFUSED, pytest.param("leader_user", id="the-cells-leader")])
def test_only_the_member_manages_their_calendar_feed(cast, who):
    by = acting(cast, who)
    with pytest.raises(PermissionDenied) as refused:
        prep.calendar_feed_get_or_create(member=cast.member, by=by)
    assert str(refused.value) == access.OWN_CALENDAR_ONLY
    assert not CalendarFeed.objects.exists()
    feed = prep.calendar_feed_get_or_create(member=cast.member, by=cast.member_user)
    for call in (prep.calendar_feed_regenerate, prep.calendar_feed_revoke):
        with pytest.raises(PermissionDenied):
            call(member=cast.member, by=by)
    assert CalendarFeed.objects.get(member=cast.member).token == feed.token
    assert prep.calendar_feed_regenerate(member=cast.member, by=SYSTEM).token != feed.token
    prep.calendar_feed_revoke(member=cast.member, by=cast.member_user)
    assert not CalendarFeed.objects.exists()


@pytest.mark.parametrize("who", REFUSED)
def test_a_rule_set_is_copied_and_edited_only_by_the_owning_committees_staff(cast, who):
    by = acting(cast, who)
    hd42 = RuleSet.objects.get(code="HD42")
    with pytest.raises(PermissionDenied) as refused:
        ruleset_copy(source=hd42, owner=cast.ward, code="BD-1", name="x", valid_from=dt.date(2026, 1, 1), by=by)
    assert str(refused.value) == access.RULE_SET_COPY_DENIED
    assert not RuleSet.objects.filter(code="BD-1").exists()
    mine = ruleset_copy(
        source=hd42, owner=cast.ward, code="BD-1", name="Ba Đình", valid_from=dt.date(2026, 1, 1), by=cast.staff
    )
    step = mine.steps.first()
    criterion = mine.sheets.first().criteria.first()
    calls = [
        lambda: ruleset_update(rule_set=mine, name="Sửa trộm", by=by),
        lambda: rulestep_update(step=step, order=step.order, title="Sửa trộm", mandatory=False, by=by),
        lambda: rulestep_add(rule_set=mine, meeting_kind=MeetingKind.REGULAR, title="Thêm", mandatory=False, by=by),
        lambda: criterion_update(
            criterion=criterion, title="Sửa trộm", max_points=1, full_marks_for_good=False, by=by
        ),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied) as refused:
            call()
        assert str(refused.value) == access.RULE_SET_EDIT_DENIED
    mine.refresh_from_db()
    assert mine.name == "Ba Đình" and not mine.steps.filter(title__in=["Sửa trộm", "Thêm"]).exists()
    assert not criterion.__class__.objects.filter(title="Sửa trộm").exists()


def test_a_cells_leader_cannot_copy_a_rule_set_for_their_cell(cast):
    hd42 = RuleSet.objects.get(code="HD42")
    with pytest.raises(PermissionDenied):
        ruleset_copy(
            source=hd42, owner=cast.cell, code="C-1", name="x", valid_from=dt.date(2026, 1, 1), by=cast.leader_user
        )


def test_the_defaults_boundary_moves_only_for_system_and_administrators(cast):
    hd12 = RuleSet.objects.get(code="HD12")
    with pytest.raises(PermissionDenied):
        rulesets_switch(on=dt.date(2025, 11, 1), by=cast.staff)
    with pytest.raises(PermissionDenied):
        rulesets_switch(on=dt.date(2025, 11, 1), by=None)
    assert RuleSet.objects.get(pk=hd12.pk).valid_until == hd12.valid_until
    old, new = rulesets_switch(on=dt.date(2025, 11, 1), by=SYSTEM)
    assert old.valid_until == new.valid_from == dt.date(2025, 11, 1)
