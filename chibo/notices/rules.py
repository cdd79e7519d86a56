"""The rules of reaching a member, as plain functions."""

import datetime as dt
import re
import unicodedata

from chibo.notices.models import AttemptStatus, Channel

MAX_TRIES = 5  # an SMS or e-mail that failed this many times is given up and shown as not reached
BACKOFF_MINUTES = (1, 5, 15, 60)  # after the 1st, 2nd, 3rd and later failures
# A member is reached when a message left for them (sent/delivered), they read the inbox, or a slip was printed.
REACHING = (AttemptStatus.SENT, AttemptStatus.DELIVERED)
# GSM 7-bit holds 160 characters per SMS, UCS-2 (Vietnamese with diacritics) 70; long texts are joined
# from parts of 153 / 67. Three parts at most: a notice that needs more says "xem trên Chibo".
SMS_MAX_PARTS = 3

_PHONE = re.compile(r"^(?:\+?84|0)(\d{9})$")


def phone_e164(raw: str) -> str | None:
    """A Vietnamese mobile number as the gateways want it (84xxxxxxxxx), or None if it is not one."""
    digits = re.sub(r"[\s.\-()]", "", raw or "")
    match = _PHONE.match(digits)
    return f"84{match.group(1)}" if match else None


def unaccented(text: str) -> str:
    """Vietnamese without diacritics, for gateways that send only GSM characters ("Chi bộ" → "Chi bo")."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn"))


def is_gsm(text: str) -> bool:
    return all(ord(ch) < 128 for ch in text)


def sms_body(text: str, *, unicode: bool) -> str:
    """The text the gateway receives: with diacritics where it sends Unicode, else without; cut to
    SMS_MAX_PARTS parts."""
    body = " ".join((text or "").split())
    if not unicode:
        body = unaccented(body)
    limit = SMS_MAX_PARTS * (153 if is_gsm(body) else 67)
    if len(body) > limit:
        body = body[: limit - 1].rstrip() + "…" if not is_gsm(body) else body[: limit - 3].rstrip() + "..."
    return body


def retry_at(now: dt.datetime, tries: int) -> dt.datetime | None:
    """When to try again after `tries` failures; None once MAX_TRIES is reached."""
    if tries >= MAX_TRIES:
        return None
    return now + dt.timedelta(minutes=BACKOFF_MINUTES[min(tries, len(BACKOFF_MINUTES)) - 1])


def channels_for(member, choice, *, has_account: bool) -> list[tuple[str, str]]:
    """(channel, address) the notice goes out on: the inbox for a member with an account; SMS and e-mail
    when the member has the address and did not turn the channel off (no choice recorded: all on).
    Paper is never automatic: the secretary prints the slips of those not reached."""
    out: list[tuple[str, str]] = []
    if has_account:
        out.append((Channel.INBOX, ""))
    phone = phone_e164(member.phone)
    if phone and (choice is None or choice.sms):
        out.append((Channel.SMS, phone))
    email = member.email or (member.user.email if has_account and member.user else "")
    if email and (choice is None or choice.email):
        out.append((Channel.EMAIL, email))
    return out
