"""The demo cast: one account per role, with passwords printed by `chibo demo` and `chibo seed-demo`."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from chibo.common.dates import today
from chibo.demo.generator import SeedResult
from chibo.members.models import Member
from chibo.orgs.models import GRANTABLE_ROLES, Organisation, RoleKind
from chibo.orgs.services import role_grant
from chibo.resolutions.models import Resolution, Task, TaskNote


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str
    label: str  # what the account is for, in Vietnamese


DEMO_ACCOUNTS = [
    DemoAccount("quantri", "quantri-chibo-2021", RoleKind.ADMIN, "Quản trị hệ thống"),
    DemoAccount("canbo", "canbo-chibo-2021", RoleKind.STAFF, "Cán bộ Văn phòng Đảng ủy phường"),
    DemoAccount("phutrach", "phutrach-chibo-2021", RoleKind.SUPERVISOR, "Cấp ủy viên phụ trách phường"),
    DemoAccount("bithu", "bithu-chibo-2021", RoleKind.CELL_LEADER, "Bí thư chi bộ"),
    DemoAccount("dangvien", "dangvien-chibo-2021", RoleKind.MEMBER, "Đảng viên"),
]


def accounts_exist() -> bool:
    return get_user_model().objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS]).exists()


@transaction.atomic
def create_demo_accounts(result: SeedResult) -> list[DemoAccount]:
    """The administrator on the root, staff and supervisor on the first ward (granted, as on the rights
    page), the secretary and an ordinary member of the showcase cell: linked to their member records,
    they get their rights from the registry (the secretary's Position, the member's membership)."""
    User = get_user_model()
    root = Organisation.objects.get(pk=result.root_id)
    ward = Organisation.objects.get(pk=result.ward_ids[0])
    cell = Organisation.objects.get(pk=result.showcase_cell_id)
    members = {
        RoleKind.CELL_LEADER: Member.objects.get(pk=result.showcase_secretary_id),
        RoleKind.MEMBER: Member.objects.get(pk=result.showcase_member_id),
    }
    where = {
        RoleKind.ADMIN: root,
        RoleKind.STAFF: ward,
        RoleKind.SUPERVISOR: ward,
        RoleKind.CELL_LEADER: cell,
        RoleKind.MEMBER: cell,
    }
    granter = None
    since = today().replace(month=1, day=1)
    for account in DEMO_ACCOUNTS:
        admin = account.role == RoleKind.ADMIN
        user = User(username=account.username, is_superuser=admin, is_staff=admin)
        member = members.get(account.role)
        if member is not None:
            family, _, given = member.full_name.rpartition(" ")
            user.first_name, user.last_name = given, family
        user.set_password(account.password)
        user.save()
        if account.role in GRANTABLE_ROLES:
            granter = granter or user  # the administrator comes first and grants the committee's rights
            role_grant(
                user=user,
                organisation=where[account.role],
                role=account.role,
                valid_from=since,
                reason="Tài khoản mẫu của bản trình diễn",
                by=granter,
            )
        if member is not None:
            Member.objects.filter(pk=member.pk).update(user=user)
        if account.role == RoleKind.CELL_LEADER:
            # The generator wrote no users: the showcase cell's records now name its secretary.
            Task.objects.filter(cell=cell).update(created_by=user)
            Task.objects.filter(cell=cell).exclude(evaluated_at=None).update(evaluated_by=user)
            Resolution.objects.filter(cell=cell).exclude(approved_at=None).update(approved_by=user)
        elif account.role == RoleKind.MEMBER:
            TaskNote.objects.filter(task__member=member, author=None).update(author=user)
    return DEMO_ACCOUNTS
