import pytest
from django.contrib.auth import authenticate
from django.urls import reverse

from chibo.accounts.backends import phone_forms
from chibo.members.models import Member
from tests.factories import make_member, make_user

pytestmark = pytest.mark.django_db
PASSWORD = "matkhau-thu-123"


def test_phone_forms():
    assert phone_forms("0912 345 678") == ["0912345678", "84912345678", "+84912345678"]
    assert phone_forms("+84 912.345.678") == phone_forms("0912-345-678")
    assert phone_forms("79000001") == [] and phone_forms("") == []


def test_login_by_card_number_or_phone(client, cast):
    Member.objects.filter(pk=cast.member.pk).update(phone="0912 345 678")
    assert authenticate(username="dangvien", password=PASSWORD) == cast.member_user
    assert authenticate(username="+84912345678", password=PASSWORD) == cast.member_user
    assert authenticate(username=" 0912.345.678 ", password=PASSWORD) == cast.member_user
    assert authenticate(username="0912345678", password="sai-mat-khau") is None
    response = client.post(reverse("login"), {"username": "+84 912 345 678", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(cast.member_user.pk)


def test_an_ambiguous_phone_is_no_login(cast):
    Member.objects.filter(pk=cast.member.pk).update(phone="0912345678")
    other = make_member(cast.cell, full_name="Lê Thị Chung", phone="+84 912 345 678")
    make_user("79000050", member=other)
    assert authenticate(username="0912345678", password=PASSWORD) is None
    # A member without an account does not make the phone ambiguous.
    Member.objects.filter(pk=other.pk).update(user=None)
    assert authenticate(username="0912345678", password=PASSWORD) == cast.member_user
