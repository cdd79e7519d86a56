"""Allow and deny on every page: siblings get 404, those who may see but not change get 403."""

import datetime as dt

import pytest
from django.urls import reverse

from chibo.common.access import SYSTEM
from chibo.members.models import Exemption, Position, PositionKind
from chibo.members.services import exemption_create, position_assign

pytestmark = pytest.mark.django_db


@pytest.fixture
def objs(cast):
    position = position_assign(
        member=cast.secretary, cell=cast.cell, kind=PositionKind.SECRETARY, valid_from=dt.date(2022, 1, 1), by=SYSTEM
    )
    exemption = exemption_create(member=cast.member, valid_from=dt.date(2024, 1, 1), reason="Tuổi cao", by=SYSTEM)
    return {"position": position, "exemption": exemption}


def url(name, *args):
    return reverse(name, args=args)


# (page, how to build its URL from the cast) — pages about our ward's cell and its members.
READ_PAGES = {
    "org detail": lambda c, o: url("orgs:detail", c.cell.pk),
    "ward detail": lambda c, o: url("orgs:detail", c.ward.pk),
    "member detail": lambda c, o: url("members:detail", c.member.pk),
    "cell committee": lambda c, o: url("members:cell_committee", c.cell.pk),
}
MEMBER_LIST_PAGES = {
    "org members": lambda c, o: url("members:org_members", c.ward.pk),
    "org exemptions": lambda c, o: url("members:org_exemptions", c.ward.pk),
    "org trainings": lambda c, o: url("members:org_trainings", c.cell.pk),
}
WRITE_PAGES = {
    "org edit": lambda c, o: url("orgs:edit", c.cell.pk),
    "member edit": lambda c, o: url("members:edit", c.member.pk),
    "member transfer": lambda c, o: url("members:transfer", c.member.pk),
    "member temporary": lambda c, o: url("members:temporary", c.member.pk),
    "exemption create": lambda c, o: url("members:exemption_create", c.member.pk),
    "exemption end": lambda c, o: url("members:exemption_end", o["exemption"].pk),
    "training create": lambda c, o: url("members:training_create", c.member.pk),
    "position assign": lambda c, o: url("members:position_assign", c.cell.pk),
    "position end": lambda c, o: url("members:position_end", o["position"].pk),
    "member create into the cell": lambda c, o: url("members:create") + f"?chi_bo={c.cell.pk}",
}
STAFF_PAGES = {
    "ward audit": lambda c, o: url("audit:org_audit", c.ward.pk),
    "cell move": lambda c, o: url("orgs:move", c.cell2.pk),
    "org create under the ward": lambda c, o: url("orgs:create") + f"?cap_tren={c.ward.pk}",
}
ALL_PAGES = {**READ_PAGES, **MEMBER_LIST_PAGES, **WRITE_PAGES, **STAFF_PAGES}


def statuses(client, cast, objs, pages):
    """Every page's status code in one dict, so a failure lists all pages that went wrong."""
    return {name: client.get(build(cast, objs)).status_code for name, build in pages.items()}


def expect(pages, code):
    return dict.fromkeys(pages, code)


@pytest.mark.parametrize("who", ["outsider", "sibling_leader"])
def test_users_of_a_sibling_ward_or_cell_get_404_everywhere(cast, objs, as_user, who):
    assert statuses(as_user(getattr(cast, who)), cast, objs, ALL_PAGES) == expect(ALL_PAGES, 404)


def test_ward_staff_may_open_every_page(cast, objs, as_user):
    assert statuses(as_user(cast.staff), cast, objs, ALL_PAGES) == expect(ALL_PAGES, 200)


def test_supervisor_reads_the_subtree_but_may_not_change_anything(cast, objs, as_user):
    client = as_user(cast.supervisor)
    readable = {**READ_PAGES, **MEMBER_LIST_PAGES}
    assert statuses(client, cast, objs, readable) == expect(readable, 200)
    writable = {**WRITE_PAGES, **STAFF_PAGES}
    assert statuses(client, cast, objs, writable) == expect(writable, 403)


def test_cell_leader_manages_the_cell(cast, objs, as_user):
    pages = {k: ALL_PAGES[k] for k in ["org detail", "member detail", "cell committee", "org trainings"]}
    pages.update(WRITE_PAGES)
    assert statuses(as_user(cast.leader_user), cast, objs, pages) == expect(pages, 200)


def test_cell_leader_may_not_restructure_or_read_the_ward_log(cast, objs, as_user):
    # The ward and the neighbouring cell are outside the leader's subtree, so they do not exist for them.
    assert statuses(as_user(cast.leader_user), cast, objs, STAFF_PAGES) == expect(STAFF_PAGES, 404)


def test_cell_leader_may_not_move_their_own_cell(cast, as_user):
    assert as_user(cast.leader_user).get(url("orgs:move", cast.cell.pk)).status_code == 403


def test_cell_leader_does_not_see_the_neighbouring_cell(cast, as_user):
    client = as_user(cast.leader_user)
    assert client.get(url("orgs:detail", cast.cell2.pk)).status_code == 404
    assert client.get(url("members:org_members", cast.cell2.pk)).status_code == 404


def test_plain_member_sees_own_record_and_own_cell_page(cast, objs, as_user):
    client = as_user(cast.member_user)
    assert client.get(url("members:detail", cast.member.pk)).status_code == 200
    assert client.get(url("orgs:detail", cast.cell.pk)).status_code == 200
    committee = client.get(url("members:cell_committee", cast.cell.pk))
    assert committee.status_code == 200 and "Trần Thị Bình" in committee.content.decode()


def test_plain_member_gets_404_for_another_member_and_403_for_the_cell_lists(cast, objs, as_user):
    client = as_user(cast.member_user)
    assert client.get(url("members:detail", cast.secretary.pk)).status_code == 404
    assert client.get(url("members:org_members", cast.cell.pk)).status_code == 403
    assert client.get(url("members:org_trainings", cast.cell.pk)).status_code == 403


def test_plain_member_may_not_change_even_their_own_record(cast, objs, as_user):
    # A term's record belongs to the cell's files, which a plain member does not read: 404 there.
    expected = {**expect(WRITE_PAGES, 403), "position end": 404}
    assert statuses(as_user(cast.member_user), cast, objs, WRITE_PAGES) == expected


def test_plain_member_list_shows_only_themselves(cast, as_user):
    body = as_user(cast.member_user).get(url("members:list")).content.decode()
    assert "Lê Văn An" in body and "Trần Thị Bình" not in body


def test_sibling_staff_list_pages_show_nothing_of_our_ward(cast, as_user):
    client = as_user(cast.outsider)
    orgs = client.get(url("orgs:list")).content.decode()
    members = client.get(url("members:list")).content.decode()
    assert "Ba Đình" not in orgs and "Hoàn Kiếm" in orgs
    assert "Lê Văn An" not in members and "Trần Thị Bình" not in members


def test_sibling_staff_posts_are_refused_and_change_nothing(cast, objs, as_user):
    client = as_user(cast.outsider)
    assert client.post(url("members:edit", cast.member.pk), {"full_name": "Bị sửa"}).status_code == 404
    assert (
        client.post(url("members:position_end", objs["position"].pk), {"on": "01/01/2025"}).status_code == 404
    )
    assert client.post(url("orgs:edit", cast.cell.pk), {"name": "Bị sửa"}).status_code == 404
    cast.member.refresh_from_db()
    assert cast.member.full_name == "Lê Văn An"
    assert Position.objects.get(pk=objs["position"].pk).valid_until is None
    assert Exemption.objects.filter(member=cast.member).count() == 1


def test_anonymous_visitors_are_sent_to_the_login_page(cast, client):
    response = client.get(url("members:detail", cast.member.pk))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_refusals_are_explained_in_vietnamese(cast, as_user):
    forbidden = as_user(cast.supervisor).get(reverse("members:edit", args=[cast.member.pk]))
    assert (
        forbidden.status_code == 403
        and "Bạn không có quyền sửa hồ sơ đảng viên này" in forbidden.content.decode()
    )
    missing = as_user(cast.outsider).get(reverse("members:detail", args=[cast.member.pk]))
    assert missing.status_code == 404 and "Không tìm thấy trang" in missing.content.decode()


def test_home_opens_what_each_user_acts_on(cast, as_user, client):
    # Committee staff: their unit's dashboard; a cell's leader: their first screen (tests/web/test_home.py).
    assert as_user(cast.staff).get(reverse("home")).url == url("reporting:dashboard", cast.ward.pk)
    assert as_user(cast.outsider).get(reverse("home")).url == url("reporting:dashboard", cast.ward2.pk)
    assert cast.cell.name in as_user(cast.leader_user).get(reverse("home")).content.decode()


def test_the_import_link_is_shown_to_those_who_manage_data_only(client, cast):
    client.force_login(cast.leader_user)
    assert "Nhập, xuất" in client.get(reverse("orgs:detail", args=[cast.cell.pk])).content.decode()
    client.force_login(cast.member_user)
    assert "Nhập, xuất" not in client.get(reverse("orgs:detail", args=[cast.cell.pk])).content.decode()
