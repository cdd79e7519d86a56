import datetime as dt

import pytest
from django.urls import reverse

from chibo.audit.models import AuditEntry
from chibo.orgs.models import Organisation, OrgParentPeriod

pytestmark = pytest.mark.django_db


def new_cell(parent, **extra):
    return {
        "parent": parent.pk,
        "kind": "cell",
        "cell_kind": "residential",
        "code": "BD-03",
        "name": "Chi bộ Tổ dân phố số 3",
        "founded_on": "01/03/2024",
        "dissolved_on": "",
        "address": "",
        **extra,
    }


def test_staff_creates_a_cell_under_the_ward_with_an_audit_entry(cast, as_user):
    response = as_user(cast.staff).post(reverse("orgs:create"), new_cell(cast.ward))
    cell = Organisation.objects.get(code="BD-03")
    assert response.status_code == 302 and response.url == cell.get_absolute_url()
    assert cell.parent == cast.ward and cell.founded_on == dt.date(2024, 3, 1)
    entry = AuditEntry.objects.get(model="orgs.organisation", object_id=str(cell.pk), action="create")
    assert entry.user == cast.staff and entry.org_path == cell.path


def test_creating_the_same_unit_twice_is_refused_with_a_message_on_the_code(cast, as_user):
    client = as_user(cast.staff)
    client.post(reverse("orgs:create"), new_cell(cast.ward))
    response = client.post(reverse("orgs:create"), new_cell(cast.ward))
    assert response.status_code == 200
    assert "Mã đã tồn tại" in " ".join(response.context["form"].errors["code"])
    assert Organisation.objects.filter(code="BD-03").count() == 1


def test_a_cell_needs_a_cell_kind_and_a_committee_drops_it(cast, as_user):
    client = as_user(cast.staff)
    response = client.post(reverse("orgs:create"), new_cell(cast.ward, cell_kind=""))
    assert "Loại hình chi bộ" in response.context["form"].errors["cell_kind"][0]
    client.post(reverse("orgs:create"), new_cell(cast.ward, kind="partial", code="BD-BP"))
    assert Organisation.objects.get(code="BD-BP").cell_kind == ""


def test_creating_under_a_sibling_ward_is_refused(cast, as_user):
    response = as_user(cast.staff).post(reverse("orgs:create"), new_cell(cast.ward2))
    assert response.status_code == 200
    assert "không có quyền" in response.context["form"].errors["parent"][0]
    assert not Organisation.objects.filter(code="BD-03").exists()


def test_sibling_staff_cannot_open_the_create_page_under_our_ward(cast, as_user):
    url = reverse("orgs:create") + f"?cap_tren={cast.ward.pk}"
    assert as_user(cast.outsider).get(url).status_code == 404


def test_staff_edits_a_cell_and_the_log_keeps_before_and_after(cast, as_user):
    data = new_cell(cast.ward, code=cast.cell.code, name="Chi bộ TDP số 1 (mới)", founded_on="02/01/2000")
    response = as_user(cast.staff).post(reverse("orgs:edit", args=[cast.cell.pk]), data)
    assert response.status_code == 302
    cast.cell.refresh_from_db()
    assert cast.cell.name == "Chi bộ TDP số 1 (mới)" and cast.cell.parent == cast.ward
    entry = AuditEntry.objects.filter(model="orgs.organisation", action="update").latest("id")
    assert entry.before["name"] == "Chi bộ Tổ dân phố số 1"
    assert entry.after["name"] == "Chi bộ TDP số 1 (mới)"


def test_dissolution_before_founding_is_refused(cast, as_user):
    data = new_cell(cast.ward, code=cast.cell.code, founded_on="01/01/2020", dissolved_on="01/01/2019")
    response = as_user(cast.leader_user).post(reverse("orgs:edit", args=[cast.cell.pk]), data)
    assert "Ngày giải thể" in response.context["form"].errors["dissolved_on"][0]


def test_supervisor_may_read_but_not_edit(cast, as_user):
    client = as_user(cast.supervisor)
    assert client.get(reverse("orgs:detail", args=[cast.cell.pk])).status_code == 200
    assert client.post(reverse("orgs:edit", args=[cast.cell.pk]), new_cell(cast.ward)).status_code == 403


def test_staff_moves_a_cell_within_the_ward_and_the_history_shows_on_the_page(cast, as_user, cast_partial):
    client = as_user(cast.staff)
    response = client.post(
        reverse("orgs:move", args=[cast.cell2.pk]),
        {"new_parent": cast_partial.pk, "on": "01/07/2025", "note": "Sắp xếp lại"},
    )
    assert response.status_code == 302
    cast.cell2.refresh_from_db()
    assert cast.cell2.parent == cast_partial
    assert OrgParentPeriod.objects.filter(organisation=cast.cell2).count() == 2
    assert AuditEntry.objects.filter(object_id=str(cast.cell2.pk), action="update", user=cast.staff).exists()
    page = client.get(reverse("orgs:detail", args=[cast.cell2.pk])).content.decode()
    assert "Lịch sử trực thuộc" in page and "đến 01/07/2025" in page and "từ 01/07/2025" in page
    # Posted twice: refused, nothing changes.
    again = client.post(
        reverse("orgs:move", args=[cast.cell2.pk]), {"new_parent": cast_partial.pk, "on": "01/07/2025"}
    )
    assert again.status_code == 200 and OrgParentPeriod.objects.filter(organisation=cast.cell2).count() == 2


def test_moving_into_a_sibling_ward_is_refused(cast, as_user):
    response = as_user(cast.staff).post(
        reverse("orgs:move", args=[cast.cell2.pk]), {"new_parent": cast.ward2.pk, "on": "01/07/2025"}
    )
    assert response.status_code == 200
    assert "không có quyền" in response.context["form"].errors["new_parent"][0]
    cast.cell2.refresh_from_db()
    assert cast.cell2.parent == cast.ward


def test_breadcrumb_shows_only_the_visible_part_of_the_tree(cast, as_user):
    staff_page = as_user(cast.staff).get(reverse("orgs:detail", args=[cast.cell.pk]))
    crumbs = [a.name for a in staff_page.context["ancestors"]]
    assert crumbs == ["Đảng bộ phường Ba Đình", "Chi bộ Tổ dân phố số 1"]


def test_detail_counts_active_cells_and_links_the_log_for_staff_only(cast, as_user):
    staff_page = as_user(cast.staff).get(reverse("orgs:detail", args=[cast.ward.pk]))
    assert staff_page.context["cells_below"] == 2
    assert reverse("audit:org_audit", args=[cast.ward.pk]) in staff_page.content.decode()
    supervisor_page = as_user(cast.supervisor).get(reverse("orgs:detail", args=[cast.ward.pk]))
    assert reverse("audit:org_audit", args=[cast.ward.pk]) not in supervisor_page.content.decode()


def test_org_list_is_paginated(cast, as_user, settings):
    settings.CHIBO_PAGE_SIZE = 2  # the ward and its two cells
    page = as_user(cast.staff).get(reverse("orgs:list")).content.decode()
    assert "Trang 1/2" in page and "trang=2" in page
