"""Who may see and change member records: one policy per entity (member, position, exemption), used by
the web, the API, the services and the importer alike.

A member is seen by those who read the records of an organisation where they had a membership (now or
in the past), and by themselves; changed by the writers of an organisation where they have a
membership today (`MemberPolicy.can_edit`: the one rule; dataio's importer asks it too).
A member with no membership at all yet (imported before their cell's memberships) belongs to the
organisation that registered them (`Member.registered_by`): its readers see them, its writers change
them, until a membership places them in a cell.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from chibo.common.access import SYSTEM, Policy, deny, is_system
from chibo.common.dates import today
from chibo.members.models import Exemption, Member, Membership, Position, TrainingRecord
from chibo.members.selectors import belongs_now_q, unplaced_registered_by_q
from chibo.orgs.access import (
    can_read_members_of,
    can_see_org,
    can_write_org,
    get_org_for_user,
    orgs_readable_in_full,
    orgs_writable_by,
)
from chibo.orgs.models import Organisation

__all__ = [
    "SYSTEM",
    "member",
    "position",
    "exemption",
    "members_visible_to",
    "members_current_to",
    "can_write_member",
    "get_member_for_user",
    "get_position_for_user",
    "get_exemption_for_user",
    "writable_member_ids",
    "require_write_cell",
    "require_create_member",
    "require_open_membership",
    "require_close_membership",
    "check_leave",
    "check_delete",
    "get_cell_for_write",
    "get_roster_org_for_user",
]


class MemberPolicy(Policy[Member]):
    model = Member
    not_found_message = "Không tìm thấy đảng viên."
    denied_message = "Bạn không có quyền sửa hồ sơ đảng viên này."

    def visible_qs(self, user) -> QuerySet:
        """Members with a membership (now or in the past) in an organisation whose records the user may
        read, plus the user's own record."""
        if getattr(user, "is_superuser", False):
            return Member.objects.all()
        readable = orgs_readable_in_full(user).values("pk")
        in_scope = Membership.objects.filter(member=OuterRef("pk"), cell__in=readable)
        qs = Member.objects.filter(Exists(in_scope) | unplaced_registered_by_q(readable))
        own = getattr(user, "member", None) if getattr(user, "is_authenticated", False) else None
        if own is not None:
            qs = qs | Member.objects.filter(pk=own.pk)
        return qs

    def current_qs(self, user) -> QuerySet:
        """Members whose whole record (personal data, every cell) the user sees: those who belong now to
        an organisation the user reads (a membership valid today there, or, with none valid today, their
        last membership was there), those not yet placed that it registered, and the user's own record.
        The others of `visible_qs` left the user's organisations: only their history there is shown."""
        if getattr(user, "is_superuser", False) or is_system(user):
            return Member.objects.all()
        readable = orgs_readable_in_full(user).values("pk")
        qs = Member.objects.filter(belongs_now_q(readable, today()) | unplaced_registered_by_q(readable))
        own = getattr(user, "member", None) if getattr(user, "is_authenticated", False) else None
        if own is not None:
            qs = qs | Member.objects.filter(pk=own.pk)
        return qs

    def shows_current(self, user, obj: Member) -> bool:
        return self.current_qs(user).filter(pk=obj.pk).exists()

    def history_orgs(self, user) -> QuerySet:
        """The organisations whose part of a former member's history the user sees."""
        return orgs_readable_in_full(user)

    def writable_qs(self, user, day: dt.date | None = None) -> QuerySet:
        """Members the user may change on `day` (today): a membership valid that day in a writable cell."""
        if getattr(user, "is_superuser", False):
            return Member.objects.all()
        writable = orgs_writable_by(user).values("pk")
        return Member.objects.filter(
            Exists(
                Membership.objects.valid_on(day or today()).filter(member=OuterRef("pk"), cell__in=writable)
            )
            | unplaced_registered_by_q(writable)
        )

    def can_edit(self, user, obj: Member) -> bool:
        if getattr(user, "is_superuser", False):
            return True
        return self.writable_qs(user).filter(pk=obj.pk).exists()

    def get_for_user(self, user, pk, *, write: bool = False) -> Member:
        # One query for the fetch and the visibility check (list pages call this per row).
        obj = self.visible_qs(user).filter(pk=pk).first()
        if obj is None:
            raise Http404(self.not_found_message)
        if write:
            self.check_edit(user, obj)
        return obj


class PositionPolicy(Policy[Position]):
    """A position is the cell's business: seen by those who read the cell's members, changed by its writers."""

    model = Position
    not_found_message = "Không tìm thấy chức vụ."
    denied_message = "Bạn không có quyền sửa chức vụ của chi bộ này."

    def visible_qs(self, user) -> QuerySet:
        return Position.objects.filter(cell__in=orgs_readable_in_full(user).values("pk"))

    def fetch_qs(self) -> QuerySet:
        return Position.objects.select_related("cell", "member")

    def can_view(self, user, obj: Position) -> bool:
        return is_system(user) or can_read_members_of(user, obj.cell)

    def can_edit(self, user, obj: Position) -> bool:
        return can_write_org(user, obj.cell)


class ExemptionPolicy(Policy[Exemption]):
    """An exemption goes through its member's policy, so the same 404/403 rules apply."""

    model = Exemption
    not_found_message = "Không tìm thấy quyết định miễn sinh hoạt."
    denied_message = MemberPolicy.denied_message

    def visible_qs(self, user) -> QuerySet:
        return Exemption.objects.filter(member__in=member.visible_qs(user).values("pk"))

    def fetch_qs(self) -> QuerySet:
        return Exemption.objects.select_related("member")

    def get_for_user(self, user, pk, *, write: bool = False) -> Exemption:
        obj = self.fetch_qs().filter(pk=pk).first()
        if obj is None:
            raise Http404(self.not_found_message)
        member.get_for_user(user, obj.member_id, write=write)
        return obj

    def can_view(self, user, obj: Exemption) -> bool:
        return member.can_view(user, obj.member)

    def can_edit(self, user, obj: Exemption) -> bool:
        return member.can_edit(user, obj.member)


member = MemberPolicy()
position = PositionPolicy()
exemption = ExemptionPolicy()

# The names the rest of the code has always used.
members_visible_to = member.visible_qs
members_current_to = member.current_qs
can_write_member = member.can_edit
get_member_for_user = member.get_for_user
get_position_for_user = position.get_for_user
get_exemption_for_user = exemption.get_for_user


def writable_member_ids(user, member_ids, day: dt.date | None = None) -> set[int]:
    """Which of `member_ids` the user may change (the importer's question, for a whole file at once):
    the same rule as `member.can_edit`, set-based."""
    ids = set(member_ids)
    if not ids:
        return set()
    if is_system(user):
        return ids
    return set(member.writable_qs(user, day).filter(pk__in=ids).values_list("pk", flat=True))


def require_write_cell(user, cell: Organisation, message: str | None = None) -> None:
    """Putting members into a cell, or changing its positions: the cell's writers."""
    if not (is_system(user) or can_write_org(user, cell)):
        deny(message or f"Bạn không có quyền ghi dữ liệu vào {cell.name}.")


def can_create_member(user, cell: Organisation | None) -> bool:
    """A new member is put into a cell by its writers; one without a cell only by an administrator."""
    if is_system(user) or getattr(user, "is_superuser", False):
        return True
    return cell is not None and can_write_org(user, cell)


def require_create_member(user, cell: Organisation | None) -> None:
    if not can_create_member(user, cell):
        if cell is None:
            deny("Chỉ quản trị mới thêm được đảng viên chưa có chi bộ sinh hoạt.")
        deny(f"Bạn không có quyền thêm đảng viên vào {cell.name}.")


def require_open_membership(user, person: Member, cell: Organisation) -> None:
    """A membership (official or temporary) is opened by someone who may change the member and write
    the cell they go to: a cell's writers cannot take a sibling cell's member."""
    if is_system(user):
        return
    member.check_edit(user, person)
    require_write_cell(user, cell)


def require_close_membership(user, membership: Membership) -> None:
    """A membership ends by the hand of its cell's writers."""
    require_write_cell(user, membership.cell)


def check_leave(user, person: Member) -> None:
    """Recording that a member left the party: whoever may change them. Once they have left (no
    membership today), the writers of the cell they left from still get the answer "already left";
    anybody else is refused before anything about the member is revealed."""
    if is_system(user) or member.can_edit(user, person):
        return
    if person.left_on is not None:
        last = person.memberships.select_related("cell").order_by("-valid_from").first()
        if last is not None and can_write_org(user, last.cell):
            return
    deny(member.denied_message)


def check_delete(user, obj) -> None:
    """Deleting a record of the registry (with its audit entry): the policy of the record's kind."""
    if is_system(user):
        return
    if isinstance(obj, Position):
        position.check_edit(user, obj)
    elif isinstance(obj, Exemption):
        exemption.check_edit(user, obj)
    elif isinstance(obj, TrainingRecord):
        member.check_edit(user, obj.member)
    elif isinstance(obj, Membership):
        require_close_membership(user, obj)
    else:
        deny("Bạn không có quyền xóa mục này.")


def get_roster_org_for_user(user, pk) -> Organisation:
    """An organisation's list of members: hidden (404) from those who may not read its members' records."""
    org = get_org_for_user(user, pk)
    if not can_read_members_of(user, org):
        raise Http404("Không tìm thấy danh sách đảng viên.")
    return org


def get_cell_for_write(user, pk: int, field: str) -> Organisation:
    """A cell named in a request body: unknown or invisible is bad input (422, without revealing that
    it exists); visible but not writable is a refusal (403)."""
    org = Organisation.objects.filter(pk=pk).first()
    if org is None or not can_see_org(user, org):
        raise ValidationError({field: f"Không tìm thấy chi bộ có id {pk}."})
    require_write_cell(user, org)
    return org
