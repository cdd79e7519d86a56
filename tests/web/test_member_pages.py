import datetime as dt

import pytest
from django.urls import reverse

from chibo.audit.models import AuditEntry
from chibo.common.dates import today
from chibo.members.models import Member, Membership, MembershipKind
from chibo.members.selectors import current_membership
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def member_data(**extra):
    return {
        "full_name": "  Phạm   Thị Hoa ",
        "gender": "female",
        "birth_date": "15/08/1980",
        "card_number": "99000001",
        "citizen_id": "001180000001",
        "phone": "0912345678",
        "email": "",
        "admitted_on": "03/02/2005",
        "official_on": "03/02/2006",
        "work_status": "working",
        **extra,
    }


def test_leader_adds_a_member_to_the_cell_with_the_official_membership(cast, as_user):
    client = as_user(cast.leader_user)
    response = client.post(reverse("members:create"), member_data(cell=cast.cell.pk, joined_on="01/01/2024"))
    member = Member.objects.get(card_number="99000001")
    assert response.status_code == 302 and response.url == member.get_absolute_url()
    assert member.full_name == "Phạm Thị Hoa" and member.birth_date == dt.date(1980, 8, 15)
    ms = Membership.objects.get(member=member)
    assert (ms.cell, ms.kind, ms.valid_from) == (cast.cell, MembershipKind.OFFICIAL, dt.date(2024, 1, 1))
    assert AuditEntry.objects.filter(model="members.member", object_id=str(member.pk), user=cast.leader_user)
    assert AuditEntry.objects.filter(model="members.membership", object_id=str(ms.pk), action="create")


def test_adding_the_same_member_twice_reports_the_card_number(cast, as_user):
    client = as_user(cast.leader_user)
    client.post(reverse("members:create"), member_data(cell=cast.cell.pk))
    again = client.post(reverse("members:create"), member_data(cell=cast.cell.pk))
    assert again.status_code == 200
    assert "Số thẻ đảng viên" in again.context["form"].errors["card_number"][0]
    assert Member.objects.filter(card_number="99000001").count() == 1


def test_leader_cannot_add_a_member_into_the_neighbouring_cell(cast, as_user):
    response = as_user(cast.leader_user).post(reverse("members:create"), member_data(cell=cast.cell2.pk))
    assert response.status_code == 200
    assert "không có quyền quản lý chi bộ này" in response.context["form"].errors["cell"][0]
    assert not Member.objects.filter(card_number="99000001").exists()


def test_citizen_id_must_have_twelve_digits(cast, as_user):
    response = as_user(cast.staff).post(
        reverse("members:create"), member_data(cell=cast.cell.pk, citizen_id="12345")
    )
    assert "12 chữ số" in response.context["form"].errors["citizen_id"][0]


def test_leader_edits_a_member_and_the_log_has_before_and_after(cast, as_user):
    client = as_user(cast.leader_user)
    data = member_data(card_number=cast.member.card_number, citizen_id=cast.member.citizen_id)
    response = client.post(reverse("members:edit", args=[cast.member.pk]), {**data, "full_name": "Lê Văn Ân"})
    assert response.status_code == 302
    cast.member.refresh_from_db()
    assert cast.member.full_name == "Lê Văn Ân" and cast.member.search_name == "le van an"
    entry = AuditEntry.objects.filter(model="members.member", action="update").latest("id")
    assert entry.before["full_name"] == "Lê Văn An" and entry.after["full_name"] == "Lê Văn Ân"


def test_staff_transfers_a_member_between_cells_of_the_ward(cast, as_user):
    client = as_user(cast.staff)
    url = reverse("members:transfer", args=[cast.member.pk])
    response = client.post(url, {"to_cell": cast.cell2.pk, "on": "01/06/2025"})
    assert response.status_code == 302
    again = client.post(url, {"to_cell": cast.cell2.pk, "on": "01/06/2025"})
    assert "đã sinh hoạt tại chi bộ này" in again.context["form"].errors["to_cell"][0]
    assert current_membership(cast.member, dt.date(2025, 6, 1)).cell == cast.cell2
    assert current_membership(cast.member, dt.date(2025, 5, 31)).cell == cast.cell
    # The closed membership and the new one are both in the log, under the user who did it.
    logged = AuditEntry.objects.filter(model="members.membership", user=cast.staff)
    assert sorted(logged.values_list("action", flat=True)) == ["create", "update"]


@pytest.mark.parametrize("who", ["staff", "leader_user"])
def test_transfer_into_a_cell_of_a_sibling_ward_is_refused(cast, as_user, who):
    response = as_user(getattr(cast, who)).post(
        reverse("members:transfer", args=[cast.member.pk]),
        {"to_cell": cast.other_cell.pk, "on": "01/06/2025"},
    )
    assert response.status_code == 200
    assert "Chuyển đến chi bộ: bạn không có quyền quản lý chi bộ này" in response.content.decode()
    assert Membership.objects.filter(member=cast.member).count() == 1


def test_leader_may_not_transfer_into_the_neighbouring_cell(cast, as_user):
    response = as_user(cast.leader_user).post(
        reverse("members:transfer", args=[cast.member.pk]), {"to_cell": cast.cell2.pk, "on": "01/06/2025"}
    )
    assert "không có quyền quản lý chi bộ này" in response.context["form"].errors["to_cell"][0]


def test_transfer_dates_outside_the_current_membership_show_the_service_errors(cast, as_user):
    client = as_user(cast.staff)
    url = reverse("members:transfer", args=[cast.member.pk])
    same_day = client.post(url, {"to_cell": cast.cell2.pk, "on": "01/05/2021"})
    assert "Ngày chuyển phải sau" in same_day.context["form"].errors["on"][0]
    before_joining = client.post(url, {"to_cell": cast.cell2.pk, "on": "01/01/2021"})
    assert "không sinh hoạt chính thức" in before_joining.context["form"].non_field_errors()[0]
    assert Membership.objects.filter(member=cast.member).count() == 1


def test_temporary_membership_in_a_host_cell(cast, as_user):
    client = as_user(cast.staff)
    url = reverse("members:temporary", args=[cast.member.pk])
    too_long = client.post(
        url, {"cell": cast.cell2.pk, "valid_from": "01/01/2025", "valid_until": "01/06/2027"}
    )
    assert "3 đến 12 tháng" in too_long.context["form"].errors["valid_until"][0]
    ok = client.post(url, {"cell": cast.cell2.pk, "valid_from": "01/01/2025", "valid_until": "01/07/2025"})
    assert ok.status_code == 302
    assert Membership.objects.filter(
        member=cast.member, kind=MembershipKind.TEMPORARY, cell=cast.cell2
    ).exists()


def test_member_list_is_sorted_the_vietnamese_way_by_given_name(cast, as_user):
    given = ["An", "Anh", "Ánh", "Ăn", "Ân", "Bình", "Dũng", "Đạt", "Đức"]
    cell = cast.cell2
    # Family names in reverse alphabetical order, so sorting on the full name would give another order.
    families = ["Vũ", "Trương", "Phan", "Ngô", "Lý", "Hồ", "Đỗ", "Bùi", "Âu"]
    for family, name in zip(families, reversed(given), strict=True):
        make_member(cell, full_name=f"{family} Văn {name}")
    page = as_user(cast.staff).get(reverse("members:org_members", args=[cell.pk]))
    assert [m.full_name.split()[-1] for m in page.context["page"]] == given
    body = page.content.decode()
    positions = [body.index(f"Văn {name}<") for name in given]
    assert positions == sorted(positions)


def test_search_without_diacritics_through_the_page(cast, as_user):
    make_member(cast.cell2, full_name="Nguyễn Văn An")
    make_member(cast.cell2, full_name="Nguyễn Văn Anh")
    make_member(cast.cell2, full_name="Nguyễn Thị Bình")
    response = as_user(cast.staff).get(reverse("members:list"), {"q": "nguyen van an"})
    names = [m.full_name for m in response.context["page"]]
    assert names == ["Nguyễn Văn An", "Nguyễn Văn Anh"]


def test_long_member_lists_are_paginated_and_keep_the_search(cast, as_user, settings):
    settings.CHIBO_PAGE_SIZE = 5
    for i in range(7):
        make_member(cast.cell2, full_name=f"Hoàng Văn Tư {i}")
    client = as_user(cast.staff)
    first = client.get(reverse("members:org_members", args=[cast.cell2.pk]), {"q": "hoang"})
    body = first.content.decode()
    assert "Trang 1/2" in body and "q=hoang&amp;trang=2" in body
    second = client.get(reverse("members:org_members", args=[cast.cell2.pk]), {"q": "hoang", "trang": 2})
    assert len(second.context["page"]) == 2


def test_member_detail_shows_dates_as_dd_mm_yyyy_and_the_breadcrumb(cast, as_user):
    body = as_user(cast.staff).get(reverse("members:detail", args=[cast.member.pk])).content.decode()
    assert "01/05/2021" in body and "2021-05-01" not in body
    assert "Đảng bộ phường Ba Đình" in body and "Chi bộ Tổ dân phố số 1" in body


def test_the_web_form_names_the_field(cast, as_user):
    client = as_user(cast.staff)
    early = client.post(
        reverse("members:create"),
        member_data(cell=cast.cell.pk, admitted_on="03/02/2005", joined_on="01/01/2005"),
    )
    assert early.status_code == 200
    assert "trước ngày vào Đảng 03/02/2005" in early.context["form"].errors["joined_on"][0]
    future = (today() + dt.timedelta(days=30)).strftime("%d/%m/%Y")
    later = client.post(
        reverse("members:create"), member_data(cell=cast.cell.pk, admitted_on=future, official_on="")
    )
    assert later.status_code == 200
    assert "trong tương lai" in later.context["form"].errors["admitted_on"][0]
    assert not Member.objects.filter(card_number="99000001").exists()
