"""The login: the party card number (the user name) or, as a second login, the member's phone number."""

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Value
from django.db.models.functions import Replace

from chibo.members.models import Member

_NOT_DIGITS = re.compile(r"[^\d]")


def phone_forms(text: str) -> list[str]:
    """The ways one mobile number is written once spaces, dots and dashes are gone:
    '0912 345 678', '+84 912 345 678' and '84912345678' give the same three forms. [] if not a phone."""
    raw = (text or "").strip()
    digits = _NOT_DIGITS.sub("", raw)
    if raw.startswith("+84") or (digits.startswith("84") and len(digits) == 11):
        national = digits[2:]
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        return []
    if not 8 <= len(national) <= 10:
        return []
    return ["0" + national, "84" + national, "+84" + national]


def _stripped_phone():
    expr = "phone"
    for ch in (" ", ".", "-", "(", ")"):
        expr = Replace(expr, Value(ch), Value(""))
    return expr


def user_for_phone(text: str):
    """The account of the one member with an account whose phone is this number; None if none or several."""
    forms = phone_forms(text)
    if not forms:
        return None
    users = list(
        Member.objects.filter(user__isnull=False)
        .annotate(_phone=_stripped_phone())
        .filter(_phone__in=forms)
        .values_list("user_id", flat=True)[:2]
    )
    if len(users) != 1:
        return None  # two members share the number: only the card number identifies them
    return get_user_model()._default_manager.filter(pk=users[0]).first()


class LoginBackend(ModelBackend):
    """Logs in with the user name (a member's party card number) or the member's phone number."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        User = get_user_model()
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        username = username.strip()
        user = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
        if user is None:
            user = user_for_phone(username)
        if user is None:
            User().set_password(password)  # the same time for an unknown login (Django's timing defence)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
