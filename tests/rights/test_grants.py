"""Granting and revoking staff, supervisor and administrator rights (orgs.services)."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from chibo.audit.models import Action, AuditEntry
from chibo.common.dates import today
from chibo.orgs import access
from chibo.orgs.models import Role, RoleKind
from chibo.orgs.services import role_grant, role_revoke
from tests.factories import make_user

D = dt.date(2025, 1, 1)


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def newcomer(db):
    return make_user("moi")


def grant(by, user, org, role=RoleKind.STAFF, **kw):
    kw.setdefault("valid_from", D)
    kw.setdefault("reason", "Quyết định số 12-QĐ/ĐU")
    return role_grant(user=user, organisation=org, role=role, by=by, **kw)


def nothing_written(before_roles: int):
    assert Role.objects.count() == before_roles
    assert not AuditEntry.objects.filter(action__in=[Action.GRANT, Action.REVOKE]).exists()


def test_staff_grant_staff_and_supervisor_in_their_subtree_with_an_audit_entry(cast, newcomer):
    role = grant(cast.staff, newcomer, cast.cell2, RoleKind.SUPERVISOR)
    assert (role.granted_by, role.reason, role.valid_from) == (cast.staff, "Quyết định số 12-QĐ/ĐU", D)
    entry = AuditEntry.objects.get(action=Action.GRANT)
    assert entry.org_path == cast.cell2.path
    grant(cast.staff, newcomer, cast.ward, RoleKind.STAFF)
    assert access.is_staff_of(fresh(newcomer), cast.cell)


@pytest.mark.parametrize("who", ["outsider", "sibling_leader"])
def test_a_grant_outside_the_granters_subtree_is_refused_and_writes_nothing(cast, newcomer, who):
    before = Role.objects.count()
    with pytest.raises(Http404):
        grant(getattr(cast, who), newcomer, cast.cell)
    nothing_written(before)


@pytest.mark.parametrize(
    ("who", "role"),
    [
        ("staff", RoleKind.ADMIN),
        ("supervisor", RoleKind.SUPERVISOR),
        ("leader_user", RoleKind.SUPERVISOR),
        ("member_user", RoleKind.STAFF),
    ],
)
def test_a_grant_above_the_granters_own_right_is_refused_and_writes_nothing(cast, newcomer, who, role):
    before = Role.objects.count()
    with pytest.raises(PermissionDenied):
        grant(getattr(cast, who), newcomer, cast.cell, role)
    nothing_written(before)


def test_an_administrator_grants_admin_and_a_superuser_anything(cast, newcomer):
    admin = make_user("quantri", role=RoleKind.ADMIN, org=cast.ward)
    grant(admin, newcomer, cast.cell, RoleKind.ADMIN)
    root = get_user_model().objects.create_superuser("root", password="x-123-abc")
    grant(root, newcomer, cast.city, RoleKind.ADMIN)
    with pytest.raises(Http404):
        grant(admin, newcomer, cast.other_cell, RoleKind.STAFF)


@pytest.mark.parametrize("role", [RoleKind.MEMBER, RoleKind.CELL_LEADER])
def test_registry_rights_are_not_granted(cast, newcomer, role):
    with pytest.raises(ValidationError) as exc:
        grant(cast.staff, newcomer, cast.cell, role)
    assert "role" in exc.value.message_dict
    assert not Role.objects.filter(user=newcomer).exists()


def test_bad_dates_reason_and_overlap_are_refused_in_vietnamese(cast, newcomer):
    with pytest.raises(ValidationError) as exc:
        grant(cast.staff, newcomer, cast.cell, valid_until=D, reason=" ")
    assert exc.value.message_dict["valid_until"] == ["Ngày kết thúc phải sau ngày bắt đầu."]
    assert "lý do" in exc.value.message_dict["reason"][0]
    grant(cast.staff, newcomer, cast.cell, valid_until=dt.date(2025, 6, 1))
    with pytest.raises(ValidationError) as exc:
        grant(cast.staff, newcomer, cast.cell, valid_from=dt.date(2025, 5, 1))
    assert "valid_from" in exc.value.message_dict
    assert Role.objects.filter(user=newcomer).count() == 1
    grant(cast.staff, newcomer, cast.cell, valid_from=dt.date(2025, 6, 1))  # the next period: history kept
    assert Role.objects.filter(user=newcomer).count() == 2


def test_a_revoked_grant_stops_working_on_the_next_request(cast, newcomer, client):
    role = grant(cast.staff, newcomer, cast.cell2)
    client.force_login(newcomer)
    page = reverse("orgs:edit", args=[cast.cell2.pk])
    assert client.get(page).status_code == 200
    role_revoke(role=role, reason="Chuyển công tác", by=cast.staff)
    assert client.get(page).status_code == 404
    role.refresh_from_db()
    assert role.valid_until == today() and role.revoked_by == cast.staff
    assert AuditEntry.objects.filter(action=Action.REVOKE, org_path=cast.cell2.path).count() == 1
    assert Role.objects.filter(pk=role.pk).exists()  # history stays
    with pytest.raises(ValidationError):
        role_revoke(role=role, by=cast.staff)  # already ended


def test_an_expired_grant_stops_working_on_the_next_request(cast, newcomer, client, monkeypatch):
    grant(cast.staff, newcomer, cast.cell2, valid_until=dt.date(2025, 6, 1))
    client.force_login(newcomer)
    page = reverse("orgs:edit", args=[cast.cell2.pk])
    monkeypatch.setattr("chibo.orgs.access.today", lambda: dt.date(2025, 5, 31))
    assert client.get(page).status_code == 200
    monkeypatch.setattr("chibo.orgs.access.today", lambda: dt.date(2025, 6, 1))
    assert client.get(page).status_code == 404


def test_revoking_is_refused_outside_the_subtree_or_above_ones_rank(cast, newcomer):
    admin = make_user("quantri", role=RoleKind.ADMIN, org=cast.city)
    role = grant(admin, newcomer, cast.cell, RoleKind.ADMIN)
    with pytest.raises(PermissionDenied):
        role_revoke(role=role, by=cast.staff)
    with pytest.raises(Http404):
        role_revoke(role=role, by=cast.outsider)
    role.refresh_from_db()
    assert role.valid_until is None
    assert not AuditEntry.objects.filter(action=Action.REVOKE).exists()
