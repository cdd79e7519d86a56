"""Fast paths for large imports (bench/import_members.py: 500,000 members).

Per row, Model.__init__, the derived-name computation, bulk_create's INSERT and the audit entry's
JSON each cost microseconds that add up to minutes at Hanoi's size. Here: instances built from a
dict, derived names cached per distinct name, and PostgreSQL's COPY instead of INSERT.
"""

import datetime as dt
import json
from functools import lru_cache
from types import SimpleNamespace

from django.db import connection
from django.db.models.base import ModelState
from django.utils import timezone

from chibo.audit.models import AuditEntry
from chibo.audit.services import snapshot, user_row
from chibo.members.models import Member
from chibo.members.services import fill_derived_names

# Below this many rows, the ORM's bulk_create is fast enough and keeps every database alike.
COPY_MIN_ROWS = 5000


@lru_cache(maxsize=200_000)
def derived_names(full_name: str) -> dict:
    """The attributes fill_derived_names sets, computed once per distinct name (names repeat a lot).
    Callers copy from the returned dict and never change it."""
    return dict(vars(fill_derived_names(SimpleNamespace(full_name=full_name))))


_MEMBER_DEFAULTS: dict | None = None


def new_member(values: dict) -> Member:
    """A Member built without Model.__init__ (several times cheaper): the same attributes and state."""
    global _MEMBER_DEFAULTS
    if _MEMBER_DEFAULTS is None:
        _MEMBER_DEFAULTS = {f.attname: f.get_default() for f in Member._meta.concrete_fields}
    obj = Member.__new__(Member)
    attrs = _MEMBER_DEFAULTS.copy()
    attrs.update(values)
    attrs.update(derived_names(values["full_name"]))
    attrs["_state"] = ModelState()
    obj.__dict__ = attrs
    return obj


def use_copy(objs: list) -> bool:
    return connection.vendor == "postgresql" and len(objs) >= COPY_MIN_ROWS


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if value.__class__ is str:
        return value.translate(_ESCAPES)
    if isinstance(value, dt.date):  # dates, and aware datetimes (ISO with the offset)
        return value.isoformat()
    return str(value).translate(_ESCAPES)


def _copy(table: str, columns: list[str], rows) -> None:
    """COPY rows (lists of Python values) into table. The text lines are built here rather than with
    psycopg's write_row, which adapts value by value and was the slowest part of a 500,000-row import."""
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper: it has copy()
        with raw.copy(f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN") as copy:
            buffer = []
            for row in rows:
                buffer.append("\t".join([_text(v) for v in row]))
                if len(buffer) >= 5000:
                    copy.write("\n".join(buffer) + "\n")
                    buffer = []
            if buffer:
                copy.write("\n".join(buffer) + "\n")


def copy_members(members: list[Member]) -> None:
    """Insert new members with COPY, then read their ids back by card number (one query)."""
    fields = [f for f in Member._meta.concrete_fields if not f.primary_key]
    attnames = [f.attname for f in fields]
    _copy(
        Member._meta.db_table,
        [f.column for f in fields],
        ([m.__dict__[a] for a in attnames] for m in members),
    )
    cards = [m.card_number for m in members]
    ids = {}
    if len(cards) > 20000:
        # One pass over the table beats dozens of 10,000-value IN lists.
        ids.update(Member.objects.values_list("card_number", "pk").iterator(chunk_size=50000))
    else:
        for i in range(0, len(cards), 10000):
            part = cards[i : i + 10000]
            ids.update(Member.objects.filter(card_number__in=part).values_list("card_number", "pk"))
    for m in members:
        m.pk = ids[m.card_number]
        m._state.adding = False


def copy_audit(entries, *, user) -> int:
    """The COPY form of audit.services.audit_bulk: (action, obj, org_path, before) tuples."""
    user_id = getattr(user_row(user), "pk", None)
    now = timezone.now()
    columns = ["at", "user_id", "action", "model", "object_id", "object_repr", "org_path", "before", "after"]
    count = 0

    def rows():
        nonlocal count
        for action, obj, org_path, before in entries:
            count += 1
            yield [
                now,
                user_id,
                action,
                obj._meta.label_lower,
                str(obj.pk or ""),
                str(obj)[:255],
                org_path or "",
                None if before is None else json.dumps(before, ensure_ascii=False),
                json.dumps(snapshot(obj), ensure_ascii=False),
            ]

    _copy(AuditEntry._meta.db_table, columns, rows())
    return count
