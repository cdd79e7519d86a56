import datetime as dt
from types import SimpleNamespace

import pytest

from chibo.notices import rules
from chibo.notices.models import Channel


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("0912 345 678", "84912345678"),
        ("+84 912.345.678", "84912345678"),
        ("84912345678", "84912345678"),
        ("024 3823 4567", None),  # ten digits after 0 but not nine: a landline is not texted
        ("12345", None),
        ("", None),
    ],
)
def test_phone_numbers_are_written_as_the_gateways_want(raw, expected):
    assert rules.phone_e164(raw) == expected


def test_the_unaccented_fallback_keeps_every_letter():
    assert rules.unaccented("Đảng bộ phường Phúc Xá: họp lúc 19:30") == "Dang bo phuong Phuc Xa: hop luc 19:30"


def test_sms_text_keeps_diacritics_when_the_gateway_sends_unicode_and_drops_them_otherwise():
    text = "Chi bộ Tổ dân phố số 1: sinh hoạt 19:30 ngày 03/04/2026"
    assert rules.sms_body(text, unicode=True) == text
    assert rules.sms_body(text, unicode=False) == "Chi bo To dan pho so 1: sinh hoat 19:30 ngay 03/04/2026"


def test_a_long_sms_is_cut_to_three_parts():
    long = "Nội dung rất dài " * 40
    assert 3 * 67 - 3 <= len(rules.sms_body(long, unicode=True)) <= 3 * 67
    assert 3 * 153 - 5 <= len(rules.sms_body(long, unicode=False)) <= 3 * 153
    assert rules.sms_body(long, unicode=True).endswith("…")


def test_retries_back_off_and_stop_after_the_last_try():
    now = dt.datetime(2026, 4, 1, 8, 0, tzinfo=dt.UTC)
    assert rules.retry_at(now, 1) == now + dt.timedelta(minutes=1)
    assert rules.retry_at(now, 2) == now + dt.timedelta(minutes=5)
    assert rules.retry_at(now, 4) == now + dt.timedelta(minutes=60)
    assert rules.retry_at(now, rules.MAX_TRIES) is None


def _member(phone="", email="", user=None):
    return SimpleNamespace(phone=phone, email=email, user=user)


def test_channels_follow_the_addresses_and_the_choice():
    both = _member(phone="0912345678", email="an@example.vn")
    assert rules.channels_for(both, None, has_account=True) == [
        (Channel.INBOX, ""),
        (Channel.SMS, "84912345678"),
        (Channel.EMAIL, "an@example.vn"),
    ]
    no_sms = SimpleNamespace(sms=False, email=True)
    assert [c for c, _ in rules.channels_for(both, no_sms, has_account=False)] == [Channel.EMAIL]
    # Nothing at all: paper is the secretary's to print, never assumed.
    assert rules.channels_for(_member(), None, has_account=False) == []
    # The account's address stands in for an empty record.
    account = SimpleNamespace(email="tk@example.vn")
    assert rules.channels_for(_member(user=account), None, has_account=True)[-1] == (Channel.EMAIL, "tk@example.vn")
