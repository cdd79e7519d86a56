"""Who may see and do what with meetings, their minutes and scores, and rule sets (the verbs of
chibo/common/access.py): through the meeting's cell (orgs.access); not visible -> 404, visible but not
allowed -> 403 with the Vietnamese message below. Views, the API and the services all ask here.

- `meeting` (MeetingPolicy): whoever sees the cell sees its meetings, and so does a member on
  temporary activity for the host cell's meetings of that period (DOMAIN §3: they attend there),
  read-only. The cell's writers (its leaders, committee staff above) edit and run them. On a visible
  meeting: the roll call, votes and score are read by those who read the cell's members in full; the
  score is proposed by the writers and confirmed by the upper level only (`can_confirm_score`).
- `minutes` (MinutesPolicy): approved minutes are read by whoever sees the meeting, a draft only by
  the cell's writers (the one draft rule of the web pages and the API); approved minutes are locked.
- `rule_set` (RuleSetPolicy): defaults are seen by everyone, a committee's rule set by whoever sees
  its subtree or works inside it (it applies to them); edited only by that committee's staff.
- Plain rules: `can_create_meeting(user, cell)`, `can_report_absence(user, meeting)`,
  `can_copy_rule_set(user)`, `can_copy_rule_set_to(user, source, owner)`, `can_reach_checkin(...)`,
  each with its `require_...` where it refuses; `check_absence_report` and `check_own_calendar` for
  what a member does for themself.
"""

from django.db.models import Q, QuerySet

from chibo.common.access import Policy, deny, is_system
from chibo.meetings.models import Meeting, Minutes, MinutesStatus, RuleSet
from chibo.meetings.selectors import member_is_on_roster, member_meetings_q
from chibo.orgs.access import (
    can_read_members_of,
    can_see_org,
    can_write_org,
    holds_role_on,
    is_staff_of,
    orgs_visible_to,
    role_paths,
    writable_parents,
)
from chibo.orgs.models import Organisation, RoleKind, in_ancestors_q, top_paths

NOT_FOUND = "Không tìm thấy buổi sinh hoạt."
EDIT_DENIED = "Bạn không có quyền sửa buổi sinh hoạt của chi bộ này."
RUN_DENIED = "Bạn không có quyền điều hành buổi sinh hoạt của chi bộ này."
ROLL_CALL_HIDDEN = (
    "Danh sách điểm danh và biểu quyết chỉ cấp ủy chi bộ, cán bộ cấp ủy và cấp ủy viên phụ trách xem được."
)
SCORE_HIDDEN = "Bạn không có quyền xem điểm buổi sinh hoạt của chi bộ này."
SCORE_DENIED = "Chỉ cấp ủy chi bộ hoặc cán bộ cấp ủy cấp trên mới chấm điểm buổi sinh hoạt."
CONFIRM_DENIED = "Chỉ đại diện cấp ủy cấp trên (cán bộ, cấp ủy viên phụ trách) mới xác nhận điểm của chi bộ."
NOT_ON_ROSTER = "Đồng chí không thuộc danh sách sinh hoạt của buổi này."
OWN_ONLY = "Đảng viên chỉ báo vắng cho chính mình."
OWN_CALENDAR_ONLY = "Chỉ đảng viên đó mới quản lý được địa chỉ lịch riêng của mình."

MINUTES_NOT_FOUND = "Buổi sinh hoạt chưa có biên bản."
MINUTES_LOCKED = "Biên bản đã được thông qua và đã khóa; muốn sửa nội dung hãy lập đính chính."
DRAFT_HIDDEN = "Biên bản đang là dự thảo, chưa được chi bộ thông qua; chỉ cấp ủy chi bộ xem được."

RULE_SET_NOT_FOUND = "Không tìm thấy bộ quy định."
RULE_SET_EDIT_DENIED = "Chỉ cán bộ của cấp ủy sở hữu bộ quy định mới sửa được; hãy sao chép để áp dụng riêng."
RULE_SET_COPY_DENIED = "Chỉ cán bộ cấp ủy mới sao chép được bộ quy định."

# Who confirms a cell's score: the upper level, i.e. a role of these kinds on a strict ancestor.
CONFIRM_ROLES = (RoleKind.STAFF, RoleKind.SUPERVISOR, RoleKind.ADMIN)


def own_member(user):
    return getattr(user, "member", None) if getattr(user, "is_authenticated", False) else None


def _all(user) -> bool:
    return is_system(user) or bool(getattr(user, "is_superuser", False))


# --- meetings ---------------------------------------------------------------------------------------------


class MeetingPolicy(Policy[Meeting]):
    model = Meeting
    not_found_message = NOT_FOUND
    denied_message = EDIT_DENIED

    def visible_qs(self, user) -> QuerySet[Meeting]:
        if _all(user):
            return Meeting.objects.all()
        in_scope = Q(cell__in=orgs_visible_to(user).values("pk"))
        member = own_member(user)
        return Meeting.objects.filter(in_scope | member_meetings_q(member) if member else in_scope)

    def fetch_qs(self) -> QuerySet[Meeting]:
        return Meeting.objects.select_related("cell", "rule_set")

    def can_view(self, user, obj: Meeting) -> bool:
        if _all(user) or can_see_org(user, obj.cell):
            return True
        member = own_member(user)
        return member is not None and Meeting.objects.filter(member_meetings_q(member), pk=obj.pk).exists()

    def can_edit(self, user, obj: Meeting) -> bool:
        return _all(user) or can_write_org(user, obj.cell)

    # Running it (the services of meetings.services.running): the same people, the run screen's words.
    def check_run(self, user, obj: Meeting) -> None:
        if not self.can_edit(user, obj):
            deny(RUN_DENIED)

    def can_read_roll_call(self, user, obj: Meeting) -> bool:
        """The roll call and the votes: the cell's leaders, committee staff, supervisors."""
        return _all(user) or can_read_members_of(user, obj.cell)

    def check_read_roll_call(self, user, obj: Meeting) -> None:
        if not self.can_read_roll_call(user, obj):
            deny(ROLL_CALL_HIDDEN)

    def can_read_score(self, user, obj: Meeting) -> bool:
        return self.can_read_roll_call(user, obj)

    def check_read_score(self, user, obj: Meeting) -> None:
        if not self.can_read_score(user, obj):
            deny(SCORE_HIDDEN)

    def can_score(self, user, obj: Meeting) -> bool:
        """Propose the cell's score: whoever may write the cell."""
        return self.can_edit(user, obj)

    def check_score(self, user, obj: Meeting) -> None:
        if not self.can_score(user, obj):
            deny(SCORE_DENIED)

    def can_confirm_score(self, user, obj: Meeting) -> bool:
        return can_confirm_score(user, obj.cell)

    def check_confirm_score(self, user, obj: Meeting) -> None:
        if not self.can_confirm_score(user, obj):
            deny(CONFIRM_DENIED)


meeting = MeetingPolicy()


def can_confirm_score(user, cell: Organisation) -> bool:
    """The upper level: staff, a supervisor or an administrator on a strict ancestor of the cell.
    The cell's own leaders never confirm their own score."""
    if is_system(user):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser) or holds_role_on(user, cell, CONFIRM_ROLES, strict=True)


# The verbs under the names the other apps import.
def meetings_visible_to(user) -> QuerySet[Meeting]:
    return meeting.visible_qs(user)


def get_meeting_for_user(user, pk, *, write: bool = False) -> Meeting:
    return meeting.get_for_user(user, pk, write=write)


def can_create_meeting(user, cell: Organisation) -> bool:
    return _all(user) or can_write_org(user, cell)


def require_create_meeting(user, cell: Organisation) -> None:
    if is_system(user):
        return
    if not can_create_meeting(user, cell):
        deny(f"Bạn không có quyền lập lịch sinh hoạt cho {cell.name}.")


def can_report_absence(user, obj: Meeting) -> bool:
    """A member reports their own absence, for a meeting whose roster they are on."""
    member = own_member(user)
    return member is not None and member_is_on_roster(member, obj)


def require_report_absence(user, obj: Meeting) -> None:
    if not can_report_absence(user, obj):
        deny(NOT_ON_ROSTER)


def is_own_member(user, person) -> bool:
    member = own_member(user)
    return member is not None and person is not None and member.pk == person.pk


def check_absence_report(user, obj: Meeting, person) -> None:
    """An absence report (submitted or withdrawn) is the member's own act: only their account, and
    only on a meeting they see (whether they are on its roster is the service's check)."""
    if is_system(user):
        return
    if not is_own_member(user, person):
        deny(OWN_ONLY)
    if not meeting.can_view(user, obj):
        deny(NOT_ON_ROSTER)


def check_own_calendar(user, person) -> None:
    """A member's private calendar feed (its secret address) is managed by the member alone."""
    if is_system(user):
        return
    if not is_own_member(user, person):
        deny(OWN_CALENDAR_ONLY)


def can_reach_checkin(user, obj: Meeting, *, on_roll: bool, holds_code: bool) -> bool:
    """The check-in page: those who see the meeting, those on its roll call (a member here on
    temporary activity may have no role on the host cell) and whoever holds its valid QR code (they
    are in the room: they get a clear "not on the roll call" rather than a 404)."""
    return on_roll or holds_code or _all(user) or can_see_org(user, obj.cell)


# --- minutes ----------------------------------------------------------------------------------------------


class MinutesPolicy(Policy[Minutes]):
    """Seen with the meeting (404 with it); read, while a draft, by the cell's writers only (403);
    edited by them until approved, then locked (403: amend instead)."""

    model = Minutes
    not_found_message = MINUTES_NOT_FOUND
    denied_message = EDIT_DENIED

    def visible_qs(self, user) -> QuerySet[Minutes]:
        return Minutes.objects.filter(meeting__in=meeting.visible_qs(user).values("pk"))

    def fetch_qs(self) -> QuerySet[Minutes]:
        return Minutes.objects.select_related("meeting__cell", "approved_by")

    def can_view(self, user, obj: Minutes) -> bool:
        return meeting.can_view(user, obj.meeting)

    def can_read(self, user, obj: Minutes) -> bool:
        """The draft rule: approved minutes for whoever sees the meeting, a draft for its writers."""
        return obj.status == MinutesStatus.APPROVED or meeting.can_edit(user, obj.meeting)

    def check_read(self, user, obj: Minutes) -> None:
        if not self.can_read(user, obj):
            deny(DRAFT_HIDDEN)

    def can_edit(self, user, obj: Minutes) -> bool:
        return obj.status != MinutesStatus.APPROVED and meeting.can_edit(user, obj.meeting)

    def edit_denied_message(self, user, obj: Minutes) -> str:
        return MINUTES_LOCKED if obj.status == MinutesStatus.APPROVED else EDIT_DENIED


minutes = MinutesPolicy()


# --- rule sets --------------------------------------------------------------------------------------------


class RuleSetPolicy(Policy[RuleSet]):
    model = RuleSet
    not_found_message = RULE_SET_NOT_FOUND
    denied_message = RULE_SET_EDIT_DENIED

    def visible_qs(self, user) -> QuerySet[RuleSet]:
        """The defaults, those owned inside the user's subtrees, and those of the committees above
        them (they apply to the user's cells): the ancestors of the roots of the user's roles."""
        if _all(user):
            return RuleSet.objects.all()
        above = Q(pk__in=[])
        for root in top_paths(role_paths(user)):
            above |= in_ancestors_q(root, via="owner")
        return RuleSet.objects.filter(
            Q(owner__isnull=True) | Q(owner__in=orgs_visible_to(user).values("pk")) | above
        )

    def fetch_qs(self) -> QuerySet[RuleSet]:
        return RuleSet.objects.select_related("owner")

    def can_edit(self, user, obj: RuleSet) -> bool:
        """Only the owning committee's staff; the defaults are copied, never edited."""
        if is_system(user):
            return True
        return obj.owner is not None and is_staff_of(user, obj.owner)


rule_set = RuleSetPolicy()


def can_copy_rule_set(user) -> bool:
    """Committee staff copy a rule set for the committee they manage."""
    return _all(user) or writable_parents(user).exists()


def require_copy_rule_set(user) -> None:
    if not can_copy_rule_set(user):
        deny(RULE_SET_COPY_DENIED)


def can_copy_rule_set_to(user, source: RuleSet, owner: Organisation) -> bool:
    """A copy of a rule set the user sees, for a committee they manage (not a cell)."""
    if is_system(user):
        return True
    return (
        rule_set.can_view(user, source)
        and not owner.is_cell
        and (_all(user) or writable_parents(user).filter(pk=owner.pk).exists())
    )


def require_copy_rule_set_to(user, source: RuleSet, owner: Organisation) -> None:
    if not can_copy_rule_set_to(user, source, owner):
        deny(RULE_SET_COPY_DENIED)


def require_switch_default_rule_sets(user) -> None:
    """Moving the boundary between the shipped defaults changes every cell's rules: administrators
    (and the command line) only."""
    if not (is_system(user) or getattr(user, "is_superuser", False)):
        deny("Chỉ quản trị mới đổi được ngày chuyển giữa hai bộ quy định mặc định.")
