"""Small factories for the models with many required fields. They go through the services,
so tests build data the way the application does (paths, derived names, audit); they act as SYSTEM
(trusted setup) unless a test passes `by`."""

import datetime as dt
import itertools

from django.contrib.auth import get_user_model

from chibo.common.access import SYSTEM
from chibo.members.models import Gender, Member, WorkStatus
from chibo.members.services import member_create
from chibo.orgs.models import Organisation, OrgKind, Role, RoleKind
from chibo.orgs.services import org_create

_seq = itertools.count(1)


def make_org(
    name: str, kind: str = OrgKind.CELL, parent: Organisation | None = None, *, by=SYSTEM, **kw
) -> Organisation:
    n = next(_seq)
    return org_create(code=kw.pop("code", f"ORG{n:05d}"), name=name, kind=kind, parent=parent, by=by, **kw)


def make_member(
    cell: Organisation | None = None,
    *,
    full_name: str | None = None,
    joined_on: dt.date | None = None,  # default: 01/01/2020, or the admission if later
    admitted_on: dt.date = dt.date(2010, 1, 1),
    official_on: dt.date | None = dt.date(2011, 1, 1),
    work_status: str = WorkStatus.WORKING,
    by=SYSTEM,
    **kw,
) -> Member:
    n = next(_seq)
    return member_create(
        full_name=full_name or f"Nguyễn Văn Thử {n}",
        gender=kw.pop("gender", Gender.MALE),
        card_number=kw.pop("card_number", f"{n:08d}"),
        citizen_id=kw.pop("citizen_id", f"{n:012d}"),
        admitted_on=admitted_on,
        official_on=official_on,
        work_status=work_status,
        cell=cell,
        joined_on=joined_on or max(dt.date(2020, 1, 1), admitted_on),
        by=by,
        **kw,
    )


def make_user(
    username: str, *, role: str | None = None, org: Organisation | None = None, member: Member | None = None
):
    user = get_user_model().objects.create_user(username=username, password="matkhau-thu-123")
    if role and org:
        Role.objects.create(user=user, organisation=org, role=role)
    if member is not None:
        member.user = user
        member.save(update_fields=["user"])
    return user


__all__ = ["make_org", "make_member", "make_user", "RoleKind", "OrgKind"]
