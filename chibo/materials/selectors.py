"""Reads of the materials app: search, a meeting's materials, and the publisher's "who opened it" report."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from chibo.common.dates import today
from chibo.common.text import fold
from chibo.materials.access import material as material_policy
from chibo.materials.access import recipients_q
from chibo.materials.models import Material, MaterialAttachment, MaterialOpen, MaterialText
from chibo.meetings.models import Meeting
from chibo.members.selectors import roster_on
from chibo.orgs.models import Organisation


def search(qs: QuerySet, text: str) -> QuerySet:
    """Title, summary and the text of PDF and DOCX files, with or without diacritics: every word must
    appear (in any of them)."""
    for word in fold(text).split()[:10]:
        qs = qs.filter(Exists(MaterialText.objects.filter(material=OuterRef("pk"), text__contains=word)))
    return qs


def meeting_materials(meeting: Meeting, *, published_only: bool):
    """Committee materials attached to a meeting, with their files; members see the published ones."""
    qs = (
        MaterialAttachment.objects.filter(meeting=meeting)
        .select_related("material", "material__publisher")
        .prefetch_related("material__files")
        .order_by("attached_at")
    )
    if published_only:
        qs = qs.filter(material__publish_at__lte=timezone.now())
    return qs


def recipient_cells(material: Material) -> QuerySet:
    """Cells the material reaches that are active today, in tree order."""
    return Organisation.objects.cells().active_on(today()).filter(recipients_q(material)).order_by("path")


@dataclass
class CellOpens:
    cell: Organisation
    opened: list = field(default_factory=list)  # (member, MaterialOpen)
    not_opened: list = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.opened) + len(self.not_opened)


def opens_by_cell(material: Material, cells: list[Organisation]) -> list[CellOpens]:
    """For each cell, its members on today's roster who have and have not opened the material (an
    opening by one of its editors, say a ward's staff member who is also on a roster, is not counted).
    One roster query per cell plus one for the openings: callers pass a page of cells."""
    day = today()
    rows = []
    member_ids: set[int] = set()
    for cell in cells:
        roster = list(roster_on(cell, day))
        rows.append((cell, roster))
        member_ids.update(m.pk for m in roster)
    opens = {o.member_id: o for o in counted_opens(material).filter(member_id__in=member_ids)}
    result = []
    for cell, roster in rows:
        entry = CellOpens(cell=cell)
        for member in roster:
            if member.pk in opens:
                entry.opened.append((member, opens[member.pk]))
            else:
                entry.not_opened.append(member)
        result.append(entry)
    return result


def counted_opens(material: Material) -> QuerySet:
    """Openings by readers: the publisher's own staff (and its creator) opening it are not counted."""
    return MaterialOpen.objects.filter(material=material).exclude(
        user__in=material_policy.editors_qs(material).values("pk")
    )


def opens_total(material: Material) -> int:
    return counted_opens(material).count()


UNREAD_DAYS = 45  # a notice older than a month and a half is no longer news on the home screen


def unread_for(user, *, now=None) -> QuerySet:
    """Materials that reached the user and that they have not opened yet, published in the last weeks,
    newest first (the member's home: "Thông báo, tài liệu mới")."""
    now = now or timezone.now()
    return (
        material_policy.visible_qs(user, now=now)
        .filter(publish_at__lte=now, publish_at__gte=now - dt.timedelta(days=UNREAD_DAYS))
        .exclude(Exists(MaterialOpen.objects.filter(material=OuterRef("pk"), user=user)))
        .select_related("publisher")
        .order_by("-publish_at", "-pk")
    )
