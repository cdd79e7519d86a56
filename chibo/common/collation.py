"""Vietnamese collation ("vi") on both databases.

PostgreSQL gets an ICU collation from a migration; SQLite gets the same ICU rules registered on
every new connection, so `Collate(field, "vi")` orders alike on both.
"""

from functools import cache

import icu
from django.db.models import CharField, F, Func
from django.db.models.functions import Collate

from chibo.common.text import fold, sort_name

VI = "vi"


@cache
def collator() -> "icu.Collator":
    return icu.Collator.createInstance(icu.Locale("vi_VN"))


def sort_key(text: str) -> bytes:
    return collator().getSortKey(text or "")


def _compare(a: str, b: str) -> int:
    return collator().compare(a, b)


def name_key(text: str | None) -> str:
    """The accent-free key of the Vietnamese name order, given name first: fold(sort_name(text))."""
    return fold(sort_name(text or ""))


def register_sqlite_collation(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_collation(VI, _compare)
        connection.connection.create_function("chibo_name_key", 1, name_key, deterministic=True)


# Python's fold drops every combining mark (category Mn) after NFD; these blocks hold them all for
# Vietnamese and the usual Latin text.
_MARKS = "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"


class NameKey(Func):
    """`name_key(text)` in the database, to ORDER BY and slice there: SQLite calls the Python function
    registered on each connection; PostgreSQL computes the same key in SQL (đ -> d, NFD, marks dropped,
    lower case, single spaces, last word first), compared byte by byte (COLLATE "C", like Python)."""

    function = "chibo_name_key"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        folded = (
            f"btrim(regexp_replace(lower(regexp_replace(normalize(translate(COALESCE(({sql}), ''), %s, %s), NFD),"
            " %s, '', 'g')), %s, ' ', 'g'))"
        )
        return (
            f'(regexp_replace({folded}, %s, %s) COLLATE "C")',
            [*params, "đĐ", "dd", _MARKS, "\\s+", "^(.*) (\\S+)$", "\\2 \\1"],
        )


def vi_order(field: str):
    return Collate(F(field), VI)


def name_order(prefix: str = "") -> list:
    """Vietnamese name order: the given name in full (with its tones) first, then the family and
    middle names. Two keys, because in one string a later letter outweighs an earlier tone mark."""
    return [vi_order(f"{prefix}given_name"), vi_order(f"{prefix}sort_name"), f"{prefix}pk"]
