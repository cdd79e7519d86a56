"""Every write of domain data leaves an entry: who, when, before -> after."""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from chibo.audit.models import Action, AuditEntry


def snapshot(obj: models.Model) -> dict:
    """The concrete field values of a row, in JSON-friendly form (dates as ISO strings)."""
    data = {}
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname)
        if isinstance(value, dt.date | dt.datetime):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        elif isinstance(value, FieldFile):
            value = value.name or ""
        data[field.attname] = value
    return data


def user_row(user):
    """The account to store as the actor: None for anonymous visitors and for SYSTEM (trusted code)."""
    return (
        user if getattr(user, "is_authenticated", False) and getattr(user, "pk", None) is not None else None
    )


def _entry(*, user, action, obj, org_path, before, after) -> AuditEntry:
    return AuditEntry(
        user=user_row(user),
        action=action,
        model=obj._meta.label_lower,
        object_id=str(obj.pk or ""),
        object_repr=str(obj)[:255],
        org_path=org_path or "",
        before=before,
        after=after,
    )


def audit_log(
    *, user, action: str, obj: models.Model, org_path: str = "", before: dict | None = None
) -> AuditEntry:
    after = None if action == Action.DELETE else snapshot(obj)
    entry = _entry(user=user, action=action, obj=obj, org_path=org_path, before=before, after=after)
    entry.save()
    return entry


def audit_bulk(entries: Iterable[tuple[str, models.Model, str, dict | None]], *, user) -> int:
    """Bulk variant for imports and generators: (action, obj, org_path, before) tuples."""
    rows = [
        _entry(
            user=user,
            action=action,
            obj=obj,
            org_path=org_path,
            before=before,
            after=None if action == Action.DELETE else snapshot(obj),
        )
        for action, obj, org_path, before in entries
    ]
    AuditEntry.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


# Reads of personal data are logged once per reader, object and hour: enough to answer "who looked at
# this record" (Decree 13/2023) without one row per page view.
READ_WINDOW = dt.timedelta(hours=1)


def audit_read(
    *, user, model: str, object_id: str, what: str, org_path: str, detail: dict | None = None
) -> bool:
    """Log that `user` read personal data (a member's record, a printed roster, a bulk API read).
    Returns False when the same reader already read the same thing within the hour."""
    account = user_row(user)
    if account is None:
        return False
    object_id = object_id[:40]
    since = timezone.now() - READ_WINDOW
    seen = AuditEntry.objects.filter(
        user=account, action=Action.READ, model=model, object_id=object_id, at__gte=since
    )
    if seen.exists():
        return False
    AuditEntry.objects.create(
        user=account,
        action=Action.READ,
        model=model,
        object_id=object_id,
        object_repr=what[:255],
        org_path=org_path or "",
        after=detail,
    )
    return True
