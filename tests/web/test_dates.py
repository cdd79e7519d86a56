import pytest
from django.urls import reverse

from chibo.members.models import Exemption

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["31/02/2024", "2024-13-01", "2024-01-13", "hôm qua"])
def test_impossible_or_foreign_dates_get_a_vietnamese_error_naming_the_field(cast, as_user, typed):
    response = as_user(cast.leader_user).post(
        reverse("members:exemption_create", args=[cast.member.pk]), {"valid_from": typed, "reason": "Ốm"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["valid_from"] == [
        "Từ ngày: ngày không hợp lệ; hãy nhập theo dạng dd/mm/yyyy, ví dụ 31/01/2024."
    ]
    assert not Exemption.objects.exists()


def test_date_boxes_are_text_inputs_with_a_dd_mm_yyyy_placeholder(cast, as_user):
    body = as_user(cast.leader_user).get(reverse("members:edit", args=[cast.member.pk])).content.decode()
    assert 'type="date"' not in body
    assert 'placeholder="dd/mm/yyyy"' in body
    assert 'value="01/01/2010"' in body  # the stored admission date, shown dd/mm/yyyy


def test_a_bad_date_keeps_what_was_typed_in_the_other_fields(cast, as_user):
    response = as_user(cast.staff).post(
        reverse("orgs:create"),
        {
            "parent": cast.ward.pk,
            "kind": "cell",
            "cell_kind": "agency",
            "code": "BD-X",
            "name": "Chi bộ X",
            "founded_on": "31/02/2024",
        },
    )
    body = response.content.decode()
    assert "Ngày thành lập: ngày không hợp lệ" in body and 'value="Chi bộ X"' in body
