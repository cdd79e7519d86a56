"""The rights page of an organisation, the grant form and the revoke confirmation."""

import datetime as dt

import pytest
from django.urls import reverse

from chibo.audit.models import Action, AuditEntry
from chibo.common.access import SYSTEM
from chibo.members.models import PositionKind
from chibo.members.services import position_assign
from chibo.orgs.models import Role, RoleKind
from chibo.orgs.services import role_grant
from tests.factories import make_member, make_user


@pytest.fixture
def granted(cast):
    user = make_user("giamsat")
    user.first_name, user.last_name = "Hoa", "Trịnh Thị"
    user.save()
    return role_grant(
        user=user,
        organisation=cast.cell2,
        role=RoleKind.SUPERVISOR,
        valid_from=dt.date(2024, 1, 1),
        reason="Quyết định 9-QĐ/ĐU",
        by=cast.staff,
    )


def test_the_page_shows_each_source_and_vietnamese_names(cast, granted, client):
    leader = make_member(cast.cell, full_name="Phan Thanh Kiên")
    make_user("kien", member=leader)
    position_assign(
        member=leader, cell=cast.cell, kind=PositionKind.SECRETARY, valid_from=dt.date(2024, 1, 1), by=SYSTEM
    )
    client.force_login(cast.staff)
    body = client.get(reverse("orgs:rights", args=[cast.ward.pk])).content.decode()
    assert "chức vụ: Bí thư" in body
    assert "sinh hoạt đảng" in body
    assert "được trao" in body and "Quyết định 9-QĐ/ĐU" in body
    assert "Phan Thanh Kiên" in body and "Trịnh Thị Hoa" in body  # family name first
    assert "Thu hồi" in body
    # The organisation page links to it.
    assert (
        reverse("orgs:rights", args=[cast.ward.pk])
        in client.get(reverse("orgs:detail", args=[cast.ward.pk])).content.decode()
    )


def test_past_rights_are_on_the_second_tab(cast, granted, client):
    from chibo.orgs.services import role_revoke

    role_revoke(role=granted, reason="Chuyển công tác", by=cast.staff)
    client.force_login(cast.staff)
    now = client.get(reverse("orgs:rights", args=[cast.ward.pk])).content.decode()
    assert "Quyết định 9-QĐ/ĐU" not in now
    past = client.get(reverse("orgs:rights", args=[cast.ward.pk]) + "?xem=truoc-day").content.decode()
    assert "Quyết định 9-QĐ/ĐU" in past and "Chuyển công tác" in past


def test_supervisors_read_the_page_without_granting(cast, client):
    client.force_login(cast.supervisor)
    response = client.get(reverse("orgs:rights", args=[cast.ward.pk]))
    assert response.status_code == 200 and "+ Trao quyền" not in response.content.decode()
    assert client.get(reverse("orgs:rights_grant", args=[cast.ward.pk])).status_code == 403


def test_a_cell_leader_and_a_member_are_refused(cast, client):
    for user in (cast.leader_user, cast.member_user):
        client.force_login(user)
        assert client.get(reverse("orgs:rights", args=[cast.cell.pk])).status_code == 403


def test_a_sibling_organisations_staff_is_refused_on_the_page_the_form_and_the_revoke(cast, granted, client):
    client.force_login(cast.outsider)
    assert client.get(reverse("orgs:rights", args=[cast.ward.pk])).status_code == 404
    assert client.get(reverse("orgs:rights_grant", args=[cast.ward.pk])).status_code == 404
    response = client.post(
        reverse("orgs:rights_grant", args=[cast.ward.pk]),
        {"account": "canbo_hk", "role": "staff", "valid_from": "01/01/2025", "reason": "x"},
    )
    assert response.status_code == 404
    assert client.get(reverse("orgs:role_revoke", args=[granted.pk])).status_code == 404
    assert client.post(reverse("orgs:role_revoke", args=[granted.pk])).status_code == 404
    granted.refresh_from_db()
    assert granted.valid_until is None
    assert not Role.objects.filter(user=cast.outsider, organisation=cast.ward).exists()


def test_granting_through_the_form_by_card_number_and_name_search(cast, client):
    member = make_member(cast.cell2, full_name="Đặng Quốc Bảo", card_number="77770001")
    user = make_user("bao", member=member)
    client.force_login(cast.staff)
    url = reverse("orgs:rights_grant", args=[cast.ward.pk])
    page = client.get(url, {"tim": "quoc bao"}).content.decode()
    assert "Đặng Quốc Bảo" in page and "tai_khoan=bao" in page
    assert "Quản trị" not in page  # staff cannot give admin
    response = client.post(
        url, {"account": "77770001", "role": "supervisor", "valid_from": "01/01/2025", "reason": "QĐ 3"}
    )
    assert response.status_code == 302
    role = Role.objects.get(user=user)
    assert (role.organisation, role.role, role.granted_by) == (cast.ward, RoleKind.SUPERVISOR, cast.staff)
    assert AuditEntry.objects.filter(action=Action.GRANT, org_path=cast.ward.path).exists()


def test_the_form_refuses_admin_for_staff_and_an_unknown_account_in_vietnamese(cast, client):
    client.force_login(cast.staff)
    url = reverse("orgs:rights_grant", args=[cast.ward.pk])
    body = client.post(
        url, {"account": "khongco", "role": "admin", "valid_from": "01/01/2025", "reason": "x"}
    ).content.decode()
    assert "không tìm thấy tài khoản" in body
    assert "Quyền: lựa chọn không hợp lệ." in body
    assert not Role.objects.filter(role=RoleKind.ADMIN).exists()


def test_revoking_asks_for_confirmation_then_the_page_stops_working(cast, granted, client):
    holder = granted.user
    client.force_login(holder)
    assert client.get(reverse("orgs:detail", args=[cast.cell2.pk])).status_code == 200
    client.force_login(cast.staff)
    url = reverse("orgs:role_revoke", args=[granted.pk])
    assert "Xác nhận thu hồi" in client.get(url).content.decode()
    granted.refresh_from_db()
    assert granted.valid_until is None
    assert client.post(url, {"reason": "Hết nhiệm vụ"}).status_code == 302
    client.force_login(holder)
    assert client.get(reverse("orgs:detail", args=[cast.cell2.pk])).status_code == 404


def test_the_list_is_in_vietnamese_order_by_given_name(cast):
    from chibo.common.dates import today
    from chibo.orgs.rights import rights_held_in

    for name, login in (("Nguyễn Văn Toàn", "toan"), ("Trần Thị An", "an2"), ("Lê Bảo", "bao2")):
        make_user(login, member=make_member(cast.cell2, full_name=name))
    names = [h.name for h in rights_held_in(cast.cell2, day=today())]
    assert names == ["Trần Thị An", "Lê Bảo", "Nguyễn Văn Toàn"]
