import datetime as dt
from collections import defaultdict

from django.apps import apps
from django.shortcuts import render
from django.utils.text import capfirst

from chibo.audit.access import require_system_audit
from chibo.audit.models import AuditEntry
from chibo.common.paging import paginate
from chibo.orgs.access import get_org_for_user, visible_ancestors
from chibo.orgs.models import in_subtree_q

# Bookkeeping columns the services derive: showing them would only repeat the real change.
HIDDEN_FIELDS = {"id", "path", "depth", "sort_name", "search_name"}
EMPTY = "∅"
# Links declared without a Vietnamese verbose_name (Django would show the English field name).
LABELS = {"member": "Đảng viên", "organisation": "Tổ chức", "user": "Tài khoản"}


def _model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _fields(model) -> dict:
    return {f.attname: f for f in model._meta.concrete_fields} if model else {}


def _label(field) -> str:
    if field is None:
        return "?"
    return LABELS.get(field.name) or capfirst(field.verbose_name)


def _display(field, value, names: dict) -> str:
    if value is None or value == "":
        return EMPTY
    if field is None:
        return str(value)
    if field.is_relation:
        return names.get((field.related_model, value), f"#{value}")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if field.get_internal_type() == "DateField":
        try:
            return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
        except (TypeError, ValueError):
            return str(value)
    return str(value)


def describe(entries: list[AuditEntry]) -> list[dict]:
    """Entries in words: the object's kind, and each changed field by its Vietnamese label with
    before → after values as a person reads them (dates dd/mm/yyyy, choice labels, names for links)."""
    wanted = defaultdict(set)
    prepared = []
    for entry in entries:
        model = _model(entry.model)
        fields = _fields(model)
        changes = [(fields.get(k), b, a) for k, b, a in entry.changes() if k not in HIDDEN_FIELDS]
        for field, before, after in changes:
            if field is not None and field.is_relation:
                wanted[field.related_model] |= {v for v in (before, after) if v is not None}
        prepared.append((entry, model, changes))
    # One query per linked model for the whole page, not one per value.
    names = {
        (model, pk): str(obj)
        for model, pks in wanted.items()
        for pk, obj in model.objects.in_bulk(pks).items()
    }
    return [
        {
            "entry": entry,
            "kind": capfirst(model._meta.verbose_name) if model else entry.model,
            "changes": [
                (_label(field), shown_before, shown_after)
                for field, before, after in changes
                for shown_before, shown_after in [
                    (_display(field, before, names), _display(field, after, names))
                ]
                # None → "" is no change a reader would see.
                if shown_before != shown_after
            ],
        }
        for entry, model, changes in prepared
    ]


def _render_list(request, entries, context: dict):
    # The list names each person from their member record.
    page = paginate(request, entries.select_related("user", "user__member"))
    return render(request, "audit/list.html", {**context, "page": page, "rows": describe(list(page))})


def org_audit(request, org_pk: int):
    """The change log of an organisation's subtree, for its committee staff."""
    org = get_org_for_user(request.user, org_pk, staff=True)
    entries = AuditEntry.objects.filter(in_subtree_q(org, via="org_path"))
    return _render_list(request, entries, {"org": org, "ancestors": visible_ancestors(request.user, org)})


def system_audit(request):
    """Entries tied to no organisation (a failed login under an unknown name, a system-wide change):
    for administrators only, since nothing places them in anyone's subtree."""
    require_system_audit(request.user)
    return _render_list(request, AuditEntry.objects.filter(org_path=""), {"org": None})
