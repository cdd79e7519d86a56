import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet

from chibo.common.collation import name_order
from chibo.common.dated import overlapping_q
from chibo.common.dates import today
from chibo.common.text import fold
from chibo.members.models import Exemption, Member, Membership, MembershipKind, Position
from chibo.orgs.models import Organisation, Role


def unplaced_registered_by_q(orgs) -> Q:
    """Members with no membership at all yet, registered by one of `orgs` (a queryset of organisation
    pks): they belong to that organisation until a membership places them (members.access)."""
    return Q(registered_by__in=orgs) & ~Q(Exists(Membership.objects.filter(member=OuterRef("pk"))))


def _memberships_on(day: dt.date) -> QuerySet:
    return Membership.objects.valid_on(day)


def roster_on(cell: Organisation, day: dt.date) -> QuerySet:
    """Members expected at `cell` on `day` (DOMAIN §3).

    Official members of the cell, except those on temporary activity in another cell that day,
    plus members on temporary activity here. Each row carries `is_temporary` (here as a guest
    member) and `is_exempt` (exempted that day: on the roster, out of attendance counts).

    Twin: reporting.facts.roster_at, the set-based form for thousands of cells (tests/reporting/
    test_roster_twins.py proves they agree).
    """
    # Starts from the cell's memberships of the day (not the whole members table).
    in_cell = _memberships_on(day).filter(cell=cell).values("member_id")
    here = _memberships_on(day).filter(cell=cell, member=OuterRef("pk"))
    temporary_elsewhere = (
        _memberships_on(day).filter(kind=MembershipKind.TEMPORARY, member=OuterRef("pk")).exclude(cell=cell)
    )
    return (
        Member.objects.filter(pk__in=in_cell)
        .annotate(
            _official_here=Exists(here.filter(kind=MembershipKind.OFFICIAL)),
            is_temporary=Exists(here.filter(kind=MembershipKind.TEMPORARY)),
            _away=Exists(temporary_elsewhere),
            is_exempt=Exists(Exemption.objects.valid_on(day).filter(member=OuterRef("pk"))),
        )
        .filter(Q(_official_here=True, _away=False) | Q(is_temporary=True))
        .order_by(*name_order())
    )


def official_count_on(cell: Organisation, day: dt.date) -> int:
    """Official (not probationary) members whose official cell this is on `day`: DOMAIN §3 size rules."""
    return (
        _memberships_on(day)
        .filter(cell=cell, kind=MembershipKind.OFFICIAL, member__official_on__lte=day)
        .values("member")
        .distinct()
        .count()
    )


def members_of(org: Organisation, day: dt.date) -> QuerySet:
    """Members with an official or temporary membership in `org`'s subtree on `day`."""
    cells = Organisation.objects.subtree_of(org).values("pk")
    return Member.objects.filter(Exists(_memberships_on(day).filter(member=OuterRef("pk"), cell__in=cells)))


def search_members(qs: QuerySet, text: str, *, identity_within: QuerySet | None = None) -> QuerySet:
    """Accent-free, case-free search on the name, or an exact card number / citizen id. The citizen id
    finds only members of `identity_within` (those whose personal data the searcher sees): a search
    must not confirm the CCCD of someone who has left."""
    text = (text or "").strip()
    if not text:
        return qs
    key = fold(text)
    by_id = Q(citizen_id=text)
    if identity_within is not None:
        by_id &= Q(pk__in=identity_within.values("pk"))
    return qs.filter(Q(search_name__contains=key) | Q(card_number=text) | by_id)


def current_membership(member: Member, day: dt.date) -> Membership | None:
    return (
        _memberships_on(day)
        .filter(member=member, kind=MembershipKind.OFFICIAL)
        .select_related("cell")
        .first()
    )


def positions_on(cell: Organisation, day: dt.date) -> QuerySet:
    return Position.objects.valid_on(day).filter(cell=cell).select_related("member")


def member_history(member: Member, orgs: QuerySet | None = None) -> dict[str, QuerySet]:
    """A member's memberships, positions, exemptions and training records, newest first. With `orgs`
    (for someone who reads a cell the member has left, members.access.MemberPolicy.current_qs): only
    the memberships and positions in those organisations, and the exemptions and training records that
    fall within those memberships — not where the member went, nor what happened there."""
    memberships = member.memberships.select_related("cell").order_by("-valid_from", "-pk")
    positions = member.positions.select_related("cell").order_by("-valid_from", "-pk")
    exemptions = member.exemptions.order_by("-valid_from", "-pk")
    trainings = member.trainings.order_by("-started_on", "-pk")
    if orgs is not None:
        memberships = memberships.filter(cell__in=orgs.values("pk"))
        positions = positions.filter(cell__in=orgs.values("pk"))
        spans = list(memberships.values_list("valid_from", "valid_until"))
        exempt_q, training_q = Q(pk__in=[]), Q(pk__in=[])
        for start, end in spans:
            exempt_q |= overlapping_q(start, end)
            training_q |= Q(started_on__gte=start, **({"started_on__lt": end} if end else {}))
        exemptions = exemptions.filter(exempt_q)
        trainings = trainings.filter(training_q)
    return {"memberships": memberships, "positions": positions, "exemptions": exemptions, "trainings": trainings}


def belongs_now_q(orgs, day: dt.date) -> Q:
    """Members who belong on `day` to one of `orgs` (a queryset of organisation pks): a membership valid
    that day there, or, with none valid that day (they left the party, or are between cells), their
    last membership was there. Someone who moved on belongs to the new cell only."""
    valid = Membership.objects.valid_on(day).filter(member=OuterRef("pk"))
    later = Membership.objects.filter(member=OuterRef("member"), valid_from__gt=OuterRef("valid_from"))
    last_here = Membership.objects.filter(member=OuterRef("pk"), cell__in=orgs).filter(~Exists(later))
    return Exists(valid.filter(cell__in=orgs)) | (~Exists(valid) & Exists(last_here))


def user_org_paths(user) -> tuple[str, list[str]]:
    """(the member's current cell path or "", the paths of the user's roles, oldest first)."""
    cell_path = ""
    member = getattr(user, "member", None) if user.pk else None
    if member is not None:
        membership = current_membership(member, today())
        if membership is not None:
            cell_path = membership.cell.path
    paths = list(Role.objects.filter(user=user).order_by("pk").values_list("organisation__path", flat=True))
    return cell_path, paths


def user_org_path(user) -> str:
    """Where a user's audit entries belong: their member's cell, else their first role's organisation."""
    cell_path, paths = user_org_paths(user)
    return cell_path or (paths[0] if paths else "")


def member_org_path(member: Member) -> str:
    """Where entries about a member belong: the cell of their latest membership, else the organisation
    that registered them."""
    latest = member.memberships.select_related("cell").order_by("-valid_from").first()
    if latest is not None:
        return latest.cell.path
    return member.registered_by.path if member.registered_by is not None else ""
