import pytest

from chibo.orgs.models import OrgKind
from tests.factories import make_org


def codes(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {o["code"] for o in response.json()["items"]}


def test_org_list_is_scoped_to_the_callers_subtree(cast, api_as):
    assert codes(api_as(cast.staff).get("/api/v1/orgs")) == {"BD", "BD-01", "BD-02"}
    assert codes(api_as(cast.outsider).get("/api/v1/orgs")) == {"HK", "HK-09"}
    assert codes(api_as(cast.sibling_leader).get("/api/v1/orgs")) == {"HK-09"}
    assert codes(api_as(cast.member_user).get("/api/v1/orgs")) == {"BD-01"}


def test_org_list_filters_by_parent_kind_and_text(cast, api_as):
    client = api_as(cast.staff)
    assert codes(client.get(f"/api/v1/orgs?parent={cast.ward.pk}")) == {"BD-01", "BD-02"}
    assert codes(client.get("/api/v1/orgs?kind=grassroots")) == {"BD"}
    assert codes(client.get("/api/v1/orgs?q=số 2")) == {"BD-02"}
    assert codes(client.get("/api/v1/orgs?q=bd-01")) == {"BD-01"}


def test_org_list_paginates_with_limit_and_offset(cast, api_as):
    for n in range(3, 8):
        make_org(f"Chi bộ Tổ dân phố số {n}", parent=cast.ward, code=f"BD-0{n}", cell_kind="residential")
    client = api_as(cast.staff)
    first = client.get("/api/v1/orgs?kind=cell&limit=4").json()
    second = client.get("/api/v1/orgs?kind=cell&limit=4&offset=4").json()
    assert first["count"] == second["count"] == 7
    assert len(first["items"]) == 4 and len(second["items"]) == 3
    assert {o["id"] for o in first["items"]}.isdisjoint({o["id"] for o in second["items"]})


def test_page_size_above_the_maximum_is_a_422_naming_limit(cast, api_as):
    response = api_as(cast.staff).get("/api/v1/orgs?limit=100000")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "limit"


def test_org_detail_tells_what_the_caller_may_do(cast, api_as):
    body = api_as(cast.supervisor).get(f"/api/v1/orgs/{cast.cell.pk}").json()
    assert body["code"] == "BD-01"
    assert body["kind"] == OrgKind.CELL and body["cell_kind"] == "residential"
    assert body["parent_id"] == cast.ward.pk
    assert body["can_read_members"] is True and body["can_write"] is False


@pytest.mark.parametrize("who", ["outsider", "sibling_leader"])
@pytest.mark.parametrize("suffix", ["", "/children", "/roster"])
def test_sibling_organisations_users_get_404(cast, api_as, who, suffix):
    response = api_as(getattr(cast, who)).get(f"/api/v1/orgs/{cast.ward.pk}{suffix}")
    assert response.status_code == 404
    assert response.json()["detail"] == "Không tìm thấy tổ chức."


def test_unknown_org_gets_404_and_a_non_number_id_422(cast, api_as):
    client = api_as(cast.staff)
    assert client.get("/api/v1/orgs/987654").status_code == 404
    # Beyond bigint: bad input on both databases, not an overflow in the database driver.
    for url, field in [
        ("/api/v1/orgs/99999999999999999999999", "org_id"),
        ("/api/v1/members/99999999999999999999999", "member_id"),
        ("/api/v1/orgs?parent=99999999999999999999999", "parent"),
        ("/api/v1/orgs/0/roster", "org_id"),
    ]:
        response = client.get(url)
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == field
    response = client.get("/api/v1/orgs/abc")
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "org_id", "message": "Phải là một số nguyên."}]


def test_children_lists_the_units_directly_below(cast, api_as):
    client = api_as(cast.staff)
    assert codes(client.get(f"/api/v1/orgs/{cast.ward.pk}/children")) == {"BD-01", "BD-02"}
    assert codes(client.get(f"/api/v1/orgs/{cast.cell.pk}/children")) == set()
    assert codes(api_as(cast.outsider).get(f"/api/v1/orgs/{cast.ward2.pk}/children")) == {"HK-09"}
