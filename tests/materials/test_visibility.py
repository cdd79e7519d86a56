"""Publishing to a subtree or to chosen units, and who sees what (a sibling ward sees nothing; a cell outside
the chosen units sees nothing; before the publication time nobody below sees it)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from chibo.common.access import SYSTEM
from chibo.materials.access import material as material_policy
from chibo.materials.models import Audience, Material, MaterialKind
from chibo.orgs.models import RoleKind
from tests.factories import make_user
from tests.materials.conftest import PNG, publish, upload

PASSWORD = "matkhau-thu-123"


def visible(user, material) -> bool:
    return material_policy.visible_qs(user).filter(pk=material.pk).exists()


def test_ward_material_to_its_subtree_reaches_its_cells_not_the_sibling_ward(cast):
    material = publish(cast.ward, by=cast.staff)
    for user in (cast.staff, cast.supervisor, cast.leader_user, cast.member_user):
        assert visible(user, material), user
    for user in (cast.outsider, cast.sibling_leader):
        assert not visible(user, material), user


def test_city_material_to_chosen_units_reaches_only_them(cast):
    cell2_leader = make_user("bithu2", role=RoleKind.CELL_LEADER, org=cast.cell2)
    material = publish(cast.city, by=SYSTEM, audience=Audience.UNITS, units=[cast.cell])
    assert visible(cast.leader_user, material) and visible(cast.member_user, material)
    # The ward's staff see what was sent to one of their cells.
    assert visible(cast.staff, material)
    assert not visible(cell2_leader, material)
    assert not visible(cast.outsider, material) and not visible(cast.sibling_leader, material)


def test_a_chosen_ward_passes_the_material_to_its_cells(cast):
    material = publish(cast.city, by=SYSTEM, audience=Audience.UNITS, units=[cast.ward2])
    assert visible(cast.sibling_leader, material) and visible(cast.outsider, material)
    assert not visible(cast.leader_user, material) and not visible(cast.staff, material)


def test_before_the_publication_time_only_the_publisher_sees_it(cast):
    later = timezone.now() + dt.timedelta(days=2)
    material = publish(cast.ward, by=cast.staff, publish_at=later)
    assert visible(cast.staff, material)
    assert not visible(cast.leader_user, material) and not visible(cast.member_user, material)
    assert material_policy.visible_qs(cast.member_user, now=later).filter(pk=material.pk).exists()


def test_units_must_be_below_the_publisher(cast):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        publish(cast.ward, by=cast.staff, audience=Audience.UNITS, units=[cast.other_cell])
    assert "không trực thuộc" in str(error.value.message_dict["units"])
    with pytest.raises(ValidationError) as error:
        publish(cast.ward, by=cast.staff, month=None)
    assert "Tháng" in error.value.message_dict["month"][0]
    assert not Material.objects.exists()


def test_cells_do_not_publish(cast):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        publish(cast.cell, by=cast.leader_user)


# --- pages ---------------------------------------------------------------------------------------------


def test_staff_publish_through_the_form_with_a_file_to_chosen_units(client, cast, media):
    client.force_login(cast.staff)
    url = f"/tai-lieu/to-chuc/{cast.ward.pk}/ban-hanh/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "kind": MaterialKind.THEMATIC,
            "title": "Hướng dẫn học tập chuyên đề năm 2025",
            "summary": "Chuyên đề về phong cách làm việc",
            "topic": "Học tập và làm theo tư tưởng Hồ Chí Minh",
            "audience": Audience.UNITS,
            "units": [cast.cell.pk],
            "publish_on": "",
            "files": [upload("anh.png", PNG)],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    material = Material.objects.get()
    assert response["Location"] == f"/tai-lieu/{material.pk}/"
    assert list(material.unit_rows.values_list("organisation", flat=True)) == [cast.cell.pk]
    assert material.files.get().content_type == "image/png"


def test_a_monthly_material_without_month_gets_a_named_error(client, cast):
    client.force_login(cast.staff)
    response = client.post(
        f"/tai-lieu/to-chuc/{cast.ward.pk}/ban-hanh/",
        {
            "kind": MaterialKind.MONTHLY,
            "title": "Tài liệu tháng",
            "audience": Audience.SUBTREE,
            "month": "13/2025",
        },
    )
    assert response.status_code == 200
    assert "Tháng (mm/yyyy): hãy nhập theo dạng mm/yyyy" in response.content.decode()
    assert not Material.objects.exists()


def test_publish_page_refuses_sibling_and_cell_leader(client, cast):
    client.force_login(cast.outsider)
    assert client.get(f"/tai-lieu/to-chuc/{cast.ward.pk}/ban-hanh/").status_code == 404
    client.force_login(cast.sibling_leader)
    assert client.get(f"/tai-lieu/to-chuc/{cast.ward.pk}/ban-hanh/").status_code == 404
    client.force_login(cast.leader_user)
    assert client.get(f"/tai-lieu/to-chuc/{cast.cell.pk}/ban-hanh/").status_code == 403


def test_material_page_for_the_cell_member_and_404_for_siblings(client, cast):
    material = publish(cast.ward, by=cast.staff, summary="Nội dung sinh hoạt tháng 3")
    client.force_login(cast.member_user)
    response = client.get(f"/tai-lieu/{material.pk}/")
    assert response.status_code == 200 and "Nội dung sinh hoạt tháng 3" in response.content.decode()
    for user in (cast.outsider, cast.sibling_leader):
        client.force_login(user)
        assert client.get(f"/tai-lieu/{material.pk}/").status_code == 404


def test_lists_show_only_what_reached_the_user(client, cast):
    ours = publish(cast.ward, by=cast.staff, title="Tài liệu phường Ba Đình")
    theirs = publish(cast.ward2, by=cast.outsider, title="Tài liệu phường Hoàn Kiếm")
    client.force_login(cast.leader_user)
    html = client.get("/tai-lieu/").content.decode()
    assert ours.title in html and theirs.title not in html
    html = client.get(f"/tai-lieu/to-chuc/{cast.cell.pk}/").content.decode()
    assert ours.title in html and theirs.title not in html
    client.force_login(cast.staff)
    html = client.get(f"/tai-lieu/to-chuc/{cast.ward.pk}/").content.decode()
    assert ours.title in html and "+ Ban hành tài liệu" in html
    client.force_login(cast.outsider)
    assert client.get(f"/tai-lieu/to-chuc/{cast.cell.pk}/").status_code == 404
    assert client.get(f"/tai-lieu/to-chuc/{cast.ward.pk}/").status_code == 404


def test_org_page_panel_and_nav_link(client, cast):
    material = publish(cast.ward, by=cast.staff, title="Tài liệu phường Ba Đình")
    client.force_login(cast.leader_user)
    html = client.get(reverse("orgs:detail", args=[cast.cell.pk])).content.decode()
    assert material.title in html and 'href="/tai-lieu/"' in html


def test_list_and_panel_queries_do_not_grow_with_the_materials(client, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    publish(cast.ward, by=cast.staff, title="Một")
    client.force_login(cast.leader_user)

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    pages = ["/tai-lieu/", f"/tai-lieu/to-chuc/{cast.cell.pk}/", reverse("orgs:detail", args=[cast.cell.pk])]
    first = [count(url) for url in pages]
    for n in range(6):
        publish(cast.ward, by=cast.staff, title=f"Tài liệu {n}", uploads=[])
    assert [count(url) for url in pages] == first
