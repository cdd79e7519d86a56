"""The meetings policies (meetings/access.py) on their own: a sibling's leader refused (404 where they
see nothing, 403 where they see but may not write), the draft-minutes rule answering alike on the web
and in the API, and the rule-set list showing every rule set a user may see."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.urls import reverse

from chibo.api.services import token_create
from chibo.common.access import SYSTEM
from chibo.meetings import access
from chibo.meetings.models import Minutes, MinutesStatus, RuleSet
from chibo.meetings.services.minutes import minutes_approve, minutes_build
from chibo.meetings.services.running import attendance_mark_all_present, meeting_close
from chibo.meetings.services.scoring import score_propose
from chibo.orgs.models import Role, RoleKind
from tests.factories import make_member, make_org, make_user
from tests.meetings.conftest import make_meeting
from tests.meetings.running_fixtures import *  # noqa: F403
from tests.meetings.running_fixtures import local, opened
from tests.meetings.scoring_data import make_sheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def cell2_leader(cast):
    """The leader of the sibling cell under the same ward (sees only their own cell)."""
    return make_user("bithu_cb2", role=RoleKind.CELL_LEADER, org=cast.cell2, member=make_member(cast.cell2))


def held(cast, rules):
    meeting = opened(cast, rules)
    attendance_mark_all_present(meeting=meeting, by=cast.leader_user)
    return meeting_close(meeting=meeting, ended_at=local(2025, 3, 5, 21, 30), by=cast.leader_user)


# --- meetings ---------------------------------------------------------------------------------------------


def test_a_sibling_cells_leader_gets_404_and_finds_nothing_in_the_list(cast, rule_set, cell2_leader):
    meeting = make_meeting(cast.cell, rule_set)
    for user in (cell2_leader, cast.sibling_leader):
        assert not access.meeting.can_view(user, meeting)
        assert not access.meeting.visible_qs(user).filter(pk=meeting.pk).exists()
        with pytest.raises(Http404, match="Không tìm thấy buổi sinh hoạt."):
            access.meeting.get_for_user(user, meeting.pk)
        with pytest.raises(Http404):
            access.meeting.get_for_user(user, meeting.pk, write=True)


def test_who_sees_a_meeting_but_may_not_write_gets_403_with_the_cells_message(cast, rule_set):
    meeting = make_meeting(cast.cell, rule_set)
    for user in (cast.member_user, cast.supervisor):
        assert access.meeting.get_for_user(user, meeting.pk) == meeting
        assert not access.meeting.can_edit(user, meeting)
        with pytest.raises(PermissionDenied, match="Bạn không có quyền sửa buổi sinh hoạt của chi bộ này."):
            access.meeting.get_for_user(user, meeting.pk, write=True)
    for user in (cast.leader_user, cast.staff, SYSTEM):
        assert access.meeting.get_for_user(user, meeting.pk, write=True) == meeting


def test_running_the_roll_call_and_the_score_have_their_own_answers(cast, rule_set):
    meeting = make_meeting(cast.cell, rule_set)
    # The supervisor reads the roll call and the score but neither runs nor scores the meeting.
    assert access.meeting.can_read_roll_call(cast.supervisor, meeting)
    assert access.meeting.can_read_score(cast.supervisor, meeting)
    with pytest.raises(PermissionDenied, match="điều hành"):
        access.meeting.check_run(cast.supervisor, meeting)
    with pytest.raises(PermissionDenied, match="mới chấm điểm"):
        access.meeting.check_score(cast.supervisor, meeting)
    # A plain member reads neither.
    with pytest.raises(PermissionDenied, match="Danh sách điểm danh"):
        access.meeting.check_read_roll_call(cast.member_user, meeting)
    with pytest.raises(PermissionDenied, match="xem điểm"):
        access.meeting.check_read_score(cast.member_user, meeting)
    # The cell's leaders never confirm their own score; the upper level does.
    with pytest.raises(PermissionDenied, match="cấp ủy cấp trên"):
        access.meeting.check_confirm_score(cast.leader_user, meeting)
    assert access.meeting.can_confirm_score(cast.supervisor, meeting)
    assert access.meeting.can_confirm_score(cast.staff, meeting)
    assert access.meeting.can_confirm_score(SYSTEM, meeting)


def test_the_services_ask_the_same_policy_whoever_calls(cast, run_rules, cell2_leader):
    meeting = held(cast, run_rules)
    sheet = make_sheet(run_rules)
    points = {c.pk: c.max_points for c in sheet.criteria.all()}
    # No one, the sibling cell's leader, a supervisor: refused (None is no longer "the system").
    for user in (cell2_leader, cast.supervisor, None):
        with pytest.raises(PermissionDenied, match="điều hành"):
            meeting_close(meeting=meeting, ended_at=local(2025, 3, 5, 21, 45), by=user)
        with pytest.raises(PermissionDenied, match="mới chấm điểm"):
            score_propose(meeting=meeting, points=points, by=user)
    assert score_propose(meeting=meeting, points=points, by=SYSTEM).proposed_by is None


def test_creating_a_meeting_is_for_the_cells_writers(cast):
    assert access.can_create_meeting(cast.leader_user, cast.cell)
    assert access.can_create_meeting(cast.staff, cast.cell)
    with pytest.raises(PermissionDenied, match=f"lập lịch sinh hoạt cho {cast.cell.name}"):
        access.require_create_meeting(cast.sibling_leader, cast.cell)
    with pytest.raises(PermissionDenied):
        access.require_create_meeting(cast.supervisor, cast.cell)


def test_only_a_member_on_the_roster_reports_an_absence(cast, rule_set, cell2_leader):
    meeting = make_meeting(cast.cell, rule_set)
    assert access.can_report_absence(cast.member_user, meeting)
    for user in (cell2_leader, cast.staff):
        with pytest.raises(PermissionDenied, match="không thuộc danh sách sinh hoạt"):
            access.require_report_absence(user, meeting)


# --- minutes: one draft rule for the web and the API -----------------------------------------------------


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(user) -> Client:
    _, raw = token_create(user=user, name="thử nghiệm", by=SYSTEM)
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_the_draft_minutes_rule_answers_alike_on_the_web_and_in_the_api(cast, run_rules, cell2_leader):
    meeting = held(cast, run_rules)
    minutes = minutes_build(meeting=meeting, by=cast.leader_user)
    assert minutes.status == MinutesStatus.DRAFT
    web = reverse("meetings:minutes", args=[meeting.pk])
    pdf = reverse("meetings:minutes_download", args=[meeting.pk, "docx"])
    api = f"/api/v1/meetings/{meeting.pk}/minutes"

    def answers(user):
        return (
            _web(user).get(web).status_code,
            _web(user).get(pdf).status_code,
            _api(user).get(api).status_code,
            access.minutes.can_read(user, minutes),
        )

    assert answers(cast.leader_user) == (200, 200, 200, True)
    assert answers(cast.staff) == (200, 200, 200, True)
    # Sees the meeting, not the draft: 403 everywhere, with the one message.
    assert answers(cast.member_user) == (403, 403, 403, False)
    assert answers(cast.supervisor) == (403, 403, 403, False)
    assert _api(cast.member_user).get(api).json() == {"detail": access.DRAFT_HIDDEN}
    assert access.DRAFT_HIDDEN in _web(cast.member_user).get(web).content.decode()
    # Does not see the meeting: 404 everywhere.
    assert answers(cell2_leader)[:3] == (404, 404, 404)

    minutes_approve(minutes=minutes, confirmed=True, by=cast.leader_user)
    minutes = Minutes.objects.get(pk=minutes.pk)
    assert answers(cast.member_user) == (200, 200, 200, True)
    # Approved minutes are locked: the edit page refuses even the cell's leader.
    with pytest.raises(PermissionDenied, match="đã khóa"):
        access.minutes.check_edit(cast.leader_user, minutes)
    assert _web(cast.leader_user).get(reverse("meetings:minutes_edit", args=[meeting.pk])).status_code == 403


# --- rule sets --------------------------------------------------------------------------------------------


def _rule_set(code: str, owner=None) -> RuleSet:
    return RuleSet.objects.create(
        code=code,
        name=f"Quy định {code}",
        document_number=f"{code}-HD",
        document_date=dt.date(2024, 1, 1),
        valid_from=dt.date(2024, 1, 1),
        owner=owner,
    )


def test_rule_sets_are_seen_where_they_apply_and_edited_by_the_owners_staff(cast, cell2_leader):
    default = _rule_set("MAC-DINH")
    ours = _rule_set("BD", owner=cast.ward)
    theirs = _rule_set("HK", owner=cast.ward2)
    # The cell leader under the ward sees the defaults and the ward's own (it applies to the cell).
    for user in (cast.leader_user, cell2_leader):
        assert set(access.rule_set.visible_qs(user).filter(pk__in=[default.pk, ours.pk, theirs.pk])) == {
            default,
            ours,
        }
        with pytest.raises(Http404, match="Không tìm thấy bộ quy định."):
            access.rule_set.get_for_user(user, theirs.pk)
        # Visible, not theirs to change: 403 with the copy hint.
        with pytest.raises(PermissionDenied, match="hãy sao chép"):
            access.rule_set.get_for_user(user, ours.pk, write=True)
        with pytest.raises(PermissionDenied, match="sao chép được"):
            access.require_copy_rule_set(user)
    assert access.rule_set.get_for_user(cast.staff, ours.pk, write=True) == ours
    assert access.can_copy_rule_set(cast.staff)
    # The defaults are copied, never edited, even by staff.
    assert not access.rule_set.can_edit(cast.staff, default)
    # The sibling ward's staff sees its own, not ours.
    assert access.rule_set.can_view(cast.outsider, theirs) and not access.rule_set.can_view(
        cast.outsider, ours
    )


def test_the_rule_set_list_leaves_nobody_out(cast, client, settings):
    """A user with roles in more than 200 units sees the rule sets above every one of them (the list
    once kept only the first 200 units' ancestors, without saying so), in pages, with the count."""
    settings.CHIBO_PAGE_SIZE = 50
    user = make_user("nhieu_don_vi")
    owners = []
    for n in range(205):
        ward = make_org(f"Đảng bộ {n}", kind=cast.ward.kind, parent=cast.city)
        cell = make_org(f"Chi bộ {n}", parent=ward)
        Role.objects.create(user=user, organisation=cell, role=RoleKind.CELL_LEADER)
        owners.append(_rule_set(f"DB{n:03d}", owner=ward))
    visible = access.rule_set.visible_qs(user)
    assert set(visible.filter(owner__isnull=False)) == set(owners)
    client.force_login(user)
    url = reverse("meetings:rulesets")
    first = client.get(url)
    total = visible.count()
    assert first.context["page"].paginator.count == total
    assert f"{total} bộ quy định" in first.content.decode()
    seen = set()
    for n in range(1, first.context["page"].paginator.num_pages + 1):
        seen |= {rs.pk for rs in client.get(url, {"trang": n}).context["page"]}
    assert seen == set(visible.values_list("pk", flat=True))
