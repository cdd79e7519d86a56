"""Vietnamese collation ("vi") on both databases.

PostgreSQL gets an ICU collation from a migration; SQLite gets the same ICU rules registered on
every new connection, so `Collate(field, "vi")` orders alike on both.
"""

from functools import cache

import icu
from django.db.models import F
from django.db.models.functions import Collate

VI = "vi"


@cache
def collator() -> "icu.Collator":
    return icu.Collator.createInstance(icu.Locale("vi_VN"))


def sort_key(text: str) -> bytes:
    return collator().getSortKey(text or "")


def _compare(a: str, b: str) -> int:
    return collator().compare(a, b)


def register_sqlite_collation(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_collation(VI, _compare)


def vi_order(field: str):
    return Collate(F(field), VI)


def name_order(prefix: str = "") -> list:
    """Vietnamese name order: the given name in full (with its tones) first, then the family and
    middle names. Two keys, because in one string a later letter outweighs an earlier tone mark."""
    return [vi_order(f"{prefix}given_name"), vi_order(f"{prefix}sort_name"), f"{prefix}pk"]
