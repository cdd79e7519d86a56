"""The policies of issue 12 on their own: the sibling organisation's user is refused (404 where they
cannot see, 403 where they see but may not change), SYSTEM passes, and the messages are the pages'."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from chibo.accounts.access import require_issue_slip, require_manage_accounts
from chibo.common.access import SYSTEM
from chibo.members import access as members_access
from chibo.orgs import access as orgs_access
from chibo.orgs.models import RoleKind
from chibo.reporting.access import require_create_plan

pytestmark = pytest.mark.django_db


def test_org_policy_hides_the_sibling_and_refuses_the_reader(cast):
    with pytest.raises(Http404):
        orgs_access.organisations.get_for_user(cast.outsider, cast.cell.pk)
    with pytest.raises(PermissionDenied, match="Bạn không có quyền sửa dữ liệu của tổ chức này."):
        orgs_access.organisations.get_for_user(cast.supervisor, cast.cell.pk, write=True)
    assert orgs_access.organisations.get_for_user(SYSTEM, cast.cell.pk, write=True) == cast.cell


def test_member_policy_is_the_same_for_web_and_services(cast):
    member = cast.member
    assert members_access.member.can_edit(cast.leader_user, member)
    assert not members_access.member.can_edit(cast.sibling_leader, member)
    with pytest.raises(Http404):
        members_access.get_member_for_user(cast.sibling_leader, member.pk, write=True)
    with pytest.raises(PermissionDenied, match="Bạn không có quyền sửa hồ sơ đảng viên này."):
        members_access.get_member_for_user(cast.supervisor, member.pk, write=True)
    assert members_access.writable_member_ids(cast.leader_user, [member.pk]) == {member.pk}
    assert members_access.writable_member_ids(cast.sibling_leader, [member.pk]) == set()
    assert members_access.writable_member_ids(SYSTEM, [member.pk]) == {member.pk}


def test_accounts_grant_and_plan_rules(cast):
    with pytest.raises(PermissionDenied, match="mới tạo tài khoản và in phiếu"):
        require_manage_accounts(cast.outsider, cast.ward)
    require_manage_accounts(cast.staff, cast.ward)
    require_manage_accounts(SYSTEM, cast.ward)
    with pytest.raises(PermissionDenied):
        require_issue_slip(cast.sibling_leader, cast.member)
    with pytest.raises(Http404):
        orgs_access.check_grant(cast.outsider, cast.ward, RoleKind.STAFF)
    with pytest.raises(PermissionDenied, match="cao hơn quyền của bạn"):
        orgs_access.check_grant(cast.staff, cast.ward, RoleKind.ADMIN)
    orgs_access.check_grant(SYSTEM, cast.ward, RoleKind.ADMIN)
    with pytest.raises(PermissionDenied, match="chỉ cấp ủy mới ban hành kế hoạch"):
        require_create_plan(cast.leader_user, cast.cell)
    with pytest.raises(PermissionDenied, match="Bạn không có quyền sửa dữ liệu"):
        require_create_plan(cast.outsider, cast.ward)
