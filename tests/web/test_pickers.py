"""The searchable pickers' search endpoints: scoped to what the user sees, accents ignored, bounded."""

import pytest
from django.test import Client
from django.urls import reverse

from chibo.common.pickers import PICK_LIMIT
from tests.factories import make_member, make_org

pytestmark = pytest.mark.django_db


def client_of(user):
    # One client per user: the shared `as_user` client would switch accounts under an earlier name.
    client = Client()
    client.force_login(user)
    return client


def labels(response):
    assert response.status_code == 200
    return [r["label"] for r in response.json()["results"]]


def test_organisations_are_found_without_accents_and_only_inside_the_user_s_tree(cast):
    make_org("Chi bộ Phúc Xá 3", parent=cast.ward, code="BD-PX3", cell_kind="residential")
    url = reverse("orgs:search")
    staff = client_of(cast.staff)
    assert labels(staff.get(url, {"q": "phuc xa"})) == ["BD-PX3 · Chi bộ Phúc Xá 3"]
    assert labels(staff.get(url, {"q": "PHÚC xá 3"})) == ["BD-PX3 · Chi bộ Phúc Xá 3"]
    # The sibling ward's staff and the sibling cell's secretary see none of it.
    assert labels(client_of(cast.outsider).get(url, {"q": "phuc xa"})) == []
    assert labels(client_of(cast.sibling_leader).get(url, {"q": "to dan pho so 1"})) == []
    assert "HK-09 · Chi bộ Tổ dân phố số 9" not in labels(staff.get(url, {"q": "to dan pho"}))


def test_cells_only_and_at_most_the_limit(cast):
    for i in range(PICK_LIMIT + 5):
        make_org(f"Chi bộ Khu {i}", parent=cast.ward, code=f"BD-K{i:02d}", cell_kind="residential")
    url = reverse("orgs:search")
    found = labels(client_of(cast.staff).get(url, {"q": "chi bo", "loai": "chi-bo"}))
    assert len(found) == PICK_LIMIT
    assert not any(
        "Đảng bộ" in label
        for label in labels(client_of(cast.staff).get(url, {"q": "ba dinh", "loai": "chi-bo"}))
    )
    assert labels(client_of(cast.staff).get(url, {"q": ""})) == []


def test_members_are_found_by_name_without_accents_only_within_scope(cast):
    make_member(cast.other_cell, full_name="Lê Văn Anh")  # the sibling ward's cell
    url = reverse("members:search")
    found = labels(client_of(cast.leader_user).get(url, {"q": "le van an"}))
    assert any(label.startswith("Lê Văn An (") for label in found)
    assert not any(label.startswith("Lê Văn Anh") for label in found)
    assert not any(
        "Lê Văn An (" in label
        for label in labels(client_of(cast.sibling_leader).get(url, {"q": "le van an"}))
    )
    # The sibling ward's staff find their own member, never ours.
    assert [label.split(" (")[0] for label in labels(client_of(cast.outsider).get(url, {"q": "le van"}))] == [
        "Lê Văn Anh"
    ]


def test_anonymous_readers_are_refused(client):
    for name in ("orgs:search", "members:search"):
        response = client.get(reverse(name), {"q": "chi bo"})
        assert response.status_code == 302 and "/dang-nhap/" in response["Location"]
