"""The rights list is ordered and sliced by the database: same rows and order as the old list built in
Python, a bounded number of queries whatever the size of the subtree, pages that follow each other."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chibo.api.services import token_create
from chibo.common.access import SYSTEM
from chibo.common.dates import today
from chibo.common.people import person_name
from chibo.common.text import fold, sort_name
from chibo.members.models import Membership, MembershipKind, Position, PositionKind
from chibo.orgs.models import GRANTABLE_ROLES, Role, RoleKind
from chibo.orgs.rights import FROM_GRANT, FROM_MEMBERSHIP, FROM_POSITION, Held, rights_held_in
from tests.factories import make_member, make_org, make_user

# --- the list as it was built before: every row in Python, sorted in Python (the reference) ----------


def _period(qs, day, current):
    if current:
        return qs.filter(valid_until__isnull=True) | qs.filter(valid_until__gt=day)
    return qs.filter(valid_until__lte=day)


def old_rights_held_in(org, *, day, current=True):
    rows = []
    grants = _period(
        Role.objects.filter(organisation__path__gte=org.path, organisation__path__lt=org.path_upper),
        day,
        current,
    )
    for r in grants:
        rows.append(
            Held(
                user_id=r.user_id,
                name=person_name(r.user),
                username=r.user.get_username(),
                role=r.role,
                role_label=r.get_role_display(),
                organisation=r.organisation,
                valid_from=r.valid_from,
                valid_until=r.valid_until,
                source=FROM_GRANT,
                source_label="được trao" if r.role in GRANTABLE_ROLES else "được trao (vai trò cũ, ghi tay)",
                role_id=r.pk,
                granted_by_name=person_name(r.granted_by),
                granted_at=r.granted_at,
                reason=r.reason,
                revoked_by_name=person_name(r.revoked_by),
                revoke_reason=r.revoke_reason,
            )
        )
    in_subtree = {
        "cell__path__gte": org.path,
        "cell__path__lt": org.path_upper,
        "member__user__isnull": False,
    }
    for m in _period(Membership.objects.filter(**in_subtree), day, current):
        rows.append(
            Held(
                user_id=m.member.user_id,
                name=m.member.full_name,
                username=m.member.user.get_username(),
                role=RoleKind.MEMBER,
                role_label=RoleKind.MEMBER.label,
                organisation=m.cell,
                valid_from=m.valid_from,
                valid_until=m.valid_until,
                source=FROM_MEMBERSHIP,
                source_label=f"sinh hoạt đảng ({m.get_kind_display().lower()})",
            )
        )
    for p in _period(Position.objects.filter(**in_subtree), day, current):
        rows.append(
            Held(
                user_id=p.member.user_id,
                name=p.member.full_name,
                username=p.member.user.get_username(),
                role=RoleKind.CELL_LEADER,
                role_label=RoleKind.CELL_LEADER.label,
                organisation=p.cell,
                valid_from=p.valid_from,
                valid_until=p.valid_until,
                source=FROM_POSITION,
                source_label=f"chức vụ: {p.get_kind_display()}",
                reason=p.decision_ref,
            )
        )
    rows.sort(
        key=lambda h: (
            h.organisation.path,
            fold(sort_name(h.name)),
            h.user_id,
            h.role,
            h.valid_from or dt.date.min,
        )
    )
    return rows


@pytest.fixture
def api_as(db):
    """api_as(user) -> a test client sending a bearer token of `user` (as in tests/api)."""

    def make(user) -> Client:
        _, raw = token_create(user=user, name="thử nghiệm", by=SYSTEM)
        return Client(headers={"Authorization": f"Bearer {raw}"})

    return make


# --- a varied subtree ------------------------------------------------------------------------------


@pytest.fixture
def varied(cast):
    """Grants now, to come, ended and legacy; memberships official, temporary and ended; positions
    now and ended; names with and without accents, accounts with and without a member record."""
    day = today()
    past = day - dt.timedelta(days=400)
    cell3 = make_org("Chi bộ Tổ dân phố số 3", parent=cast.ward, code="BD-03", cell_kind="residential")
    names = ["Đỗ Văn Đức", "Nguyễn Thị Ánh", "Bùi Anh", "Trần Dung", "Lê Thị Ân", "Hoàng Văn Bình"]
    members = []
    for i, name in enumerate(names):
        cell = (cast.cell, cast.cell2, cell3)[i % 3]
        member = make_member(cell, full_name=name, joined_on=past)
        make_user(f"nguoi{i}", member=member)
        members.append(member)
    # A temporary membership in another cell, and an ended one.
    Membership.objects.create(
        member=members[0], cell=cell3, kind=MembershipKind.TEMPORARY, valid_from=past, valid_until=None
    )
    Membership.objects.create(
        member=members[1], cell=cast.cell, kind=MembershipKind.TEMPORARY, valid_from=past, valid_until=day
    )
    # Positions: current and ended.
    Position.objects.create(
        member=members[2], cell=cell3, kind=PositionKind.SECRETARY, valid_from=past, decision_ref="QĐ 5"
    )
    Position.objects.create(
        member=members[3], cell=cast.cell, kind=PositionKind.DEPUTY, valid_from=past, valid_until=day
    )
    # Grants: an account without a member record with an accented name, one named only by its login,
    # one to come, one ended and revoked, one legacy member row.
    hoa = make_user("giamsat")
    hoa.first_name, hoa.last_name = "Ánh", "Trịnh Thị"
    hoa.save()
    plain = make_user("zz_login")
    Role.objects.create(user=hoa, organisation=cast.cell2, role=RoleKind.SUPERVISOR, valid_from=past)
    Role.objects.create(user=plain, organisation=cell3, role=RoleKind.STAFF, valid_from=None)
    Role.objects.create(
        user=plain, organisation=cast.cell, role=RoleKind.STAFF, valid_from=day + dt.timedelta(days=10)
    )
    Role.objects.create(
        user=hoa,
        organisation=cell3,
        role=RoleKind.SUPERVISOR,
        valid_from=past,
        valid_until=day,
        granted_by=cast.staff,
        reason="QĐ 1",
        revoked_by=cast.staff,
        revoke_reason="Hết nhiệm vụ",
    )
    Role.objects.create(user=members[4].user, organisation=cast.cell2, role=RoleKind.MEMBER, valid_from=past)
    return cast


@pytest.mark.parametrize("current", [True, False])
def test_the_list_has_the_old_rows_in_the_old_order(varied, current):
    day = today()
    expected = old_rights_held_in(varied.ward, day=day, current=current)
    listing = rights_held_in(varied.ward, day=day, current=current)
    assert len(expected) > 10 if current else len(expected) >= 3
    assert listing.count() == len(expected)
    assert listing[:] == expected
    assert listing[2:5] == expected[2:5]
    assert list(rights_held_in(varied.city, day=day, current=current)) == old_rights_held_in(
        varied.city, day=day, current=current
    )


def _page_rows(client, url):
    body = client.get(url).content.decode()
    return body[body.index("<tbody>") : body.index("</tbody>")]


def test_the_page_shows_the_old_rows_in_the_old_order(varied, client, settings):
    settings.CHIBO_PAGE_SIZE = 500
    client.force_login(varied.staff)
    url = reverse("orgs:rights", args=[varied.ward.pk])
    for query, current in (("", True), ("?xem=truoc-day", False)):
        rows = _page_rows(client, url + query)
        expected = old_rights_held_in(varied.ward, day=today(), current=current)
        # Each row of the old list, in its order: name, login, right, organisation, then its source.
        at = 0
        for h in expected:
            cells = (
                f'{h.name} <span class="muted small">({h.username})</span></td>\n'
                f'  <td data-label="Quyền">{h.role_label}</td>\n'
                f'  <td data-label="Tổ chức">{h.organisation.name}</td>'
            )
            found = rows.index(cells, at)
            end = rows.find("<tr>", found)
            assert h.source_label in rows[found : end if end >= 0 else None]
            at = found + 1
        assert rows.count("<tr>") == len(expected)


def test_the_api_gives_the_old_rows_in_the_old_order_without_rights_to_come(varied, api_as):
    day = today()
    client = api_as(varied.staff)
    url = f"/api/v1/orgs/{varied.ward.pk}/rights"
    for query, current in (("", True), ("?ended=true", False)):
        answer = client.get(url + query + ("&" if query else "?") + "limit=500").json()
        expected = [
            h
            for h in old_rights_held_in(varied.ward, day=day, current=current)
            if not current or h.valid_from is None or h.valid_from <= day
        ]
        got = [
            (i["username"], i["role"], i["organisation_id"], i["source"], i["source_label"])
            for i in answer["items"]
        ]
        assert got == [(h.username, h.role, h.organisation.pk, h.source, h.source_label) for h in expected]
        assert answer["count"] == len(expected)
    # A page of the API is a slice of the same list.
    page = client.get(url + "?limit=3&offset=2").json()
    full = client.get(url + "?limit=500").json()
    assert page["items"] == full["items"][2:5] and page["count"] == full["count"]


def _add_members(cell, n, start):
    for i in range(n):
        member = make_member(cell, full_name=f"Nguyễn Văn Số {start + i}")
        make_user(f"so{start + i}", member=member)
        if i % 5 == 0:
            Position.objects.create(
                member=member, cell=cell, kind=PositionKind.COMMITTEE, valid_from=member.admitted_on
            )


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_page_reads_as_many_queries_for_3_members_as_for_30(cast, client, api_as, settings):
    settings.CHIBO_PAGE_SIZE = 100
    client.force_login(cast.staff)
    url = reverse("orgs:rights", args=[cast.ward.pk])
    api = api_as(cast.staff)
    api_url = f"/api/v1/orgs/{cast.ward.pk}/rights?limit=100"
    _add_members(cast.cell2, 3, 0)
    _queries(client, url), _queries(api, api_url)  # warm: the session, the token's first use
    small, small_api = _queries(client, url), _queries(api, api_url)
    _add_members(cast.cell2, 27, 3)
    _add_members(cast.cell, 3, 30)
    assert rights_held_in(cast.ward, day=today()).count() > 30
    assert _queries(client, url) == small
    assert _queries(api, api_url) == small_api


def test_page_two_shows_the_next_rows(cast, client, settings):
    settings.CHIBO_PAGE_SIZE = 5
    _add_members(cast.cell2, 12, 0)
    client.force_login(cast.staff)
    url = reverse("orgs:rights", args=[cast.ward.pk])
    listing = list(rights_held_in(cast.ward, day=today()))
    assert len(listing) > 10
    first, second = _page_rows(client, url), _page_rows(client, url + "?trang=2")
    for h in listing[:5]:
        assert f"({h.username})" in first
    for h in listing[5:10]:
        assert (
            f"({h.username})" in second
            and f'({h.username})</span></td>\n  <td data-label="Quyền">{h.role_label}' in second
        )
    assert second.count("<tr>") == 5
    assert f"Trang 2/{-(-len(listing) // 5)}" in client.get(url + "?trang=2").content.decode()


def test_only_the_rows_of_the_page_are_built(cast, client, settings, monkeypatch):
    from chibo.members import rights as member_rights
    from chibo.orgs import rights as org_rights

    built = []

    def counting(**kwargs):
        built.append(kwargs["source"])
        return Held(**kwargs)

    monkeypatch.setattr(org_rights, "Held", counting)
    monkeypatch.setattr(member_rights, "Held", counting)
    settings.CHIBO_PAGE_SIZE = 5
    _add_members(cast.cell2, 20, 0)
    client.force_login(cast.staff)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("orgs:rights", args=[cast.ward.pk]) + "?trang=3").status_code == 200
    assert len(built) == 5
    assert any("LIMIT" in q["sql"] and "UNION ALL" in q["sql"] for q in ctx.captured_queries)


def test_the_database_name_key_is_the_python_one(cast):
    from chibo.common.collation import NameKey, name_key
    from chibo.members.models import Member

    for name in ("ĐỖ THỊ Ý", "An", "Nguyễn Văn Đức", "Lê Thị Ân", "Ngô Bảo Châu", "Hồ Xuân Hương", "Ưng Ơn"):
        make_member(cast.cell2, full_name=name)
    rows = Member.objects.annotate(key=NameKey("full_name")).values_list("full_name", "key")
    assert [(name, key) for name, key in rows] == [(name, name_key(name)) for name, _ in rows]
    assert name_key("ĐỖ THỊ Ý") == "y do thi"
