"""Activation codes: short, typed from paper, stored only as a keyed hash."""

import secrets

from django.utils.crypto import constant_time_compare, salted_hmac

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: what a member reads off a slip is what they type.
ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
LENGTH = 8


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(code: str) -> str:
    """What the member typed, upper-case, without the spaces and dashes of the printed 'ABCD-EFGH'."""
    return "".join(ch for ch in (code or "").upper() if ch not in " -._")


def shown(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def code_hash(user_id: int, code: str) -> str:
    # Keyed with SECRET_KEY and bound to the user: a leaked table alone does not give the codes, and
    # Argon2 per code would cost a minute for a ward's 1,200 slips.
    return salted_hmac("chibo.accounts.activation", f"{user_id}:{normalise(code)}").hexdigest()


def matches(user_id: int, code: str, hashed: str) -> bool:
    return constant_time_compare(code_hash(user_id, code), hashed)
