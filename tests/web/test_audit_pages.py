import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_staff_reads_the_ward_log_in_words(cast, as_user):
    client = as_user(cast.staff)
    client.post(
        reverse("orgs:edit", args=[cast.cell.pk]),
        {
            "kind": "cell",
            "cell_kind": "agency",
            "code": cast.cell.code,
            "name": "Chi bộ Cơ quan",
            "founded_on": "05/06/2001",
        },
    )
    page = client.get(reverse("audit:org_audit", args=[cast.ward.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    # Vietnamese field labels, choice labels and dd/mm/yyyy instead of column names and ISO dates.
    assert "Tên" in body and "<del>Chi bộ Tổ dân phố số 1</del> → <ins>Chi bộ Cơ quan</ins>" in body
    assert "<del>Khu dân cư (thôn, tổ dân phố)</del> → <ins>Cơ quan hành chính</ins>" in body
    assert "<ins>05/06/2001</ins>" in body and "canbo" in body
    assert "path" not in [label for row in page.context["rows"] for label, _, _ in row["changes"]]


def test_the_log_of_a_ward_does_not_show_a_sibling_wards_changes(cast, as_user):
    rows = as_user(cast.staff).get(reverse("audit:org_audit", args=[cast.ward.pk])).context["rows"]
    assert rows and all("Hoàn Kiếm" not in r["entry"].object_repr for r in rows)
    assert all("số 9" not in r["entry"].object_repr for r in rows)


def test_leaders_supervisors_and_siblings_may_not_read_the_ward_log(cast, as_user):
    url = reverse("audit:org_audit", args=[cast.ward.pk])
    assert as_user(cast.supervisor).get(url).status_code == 403
    assert as_user(cast.leader_user).get(url).status_code == 404
    assert as_user(cast.outsider).get(url).status_code == 404
