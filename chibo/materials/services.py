"""Writes of the materials app: publish, add a file, attach to a meeting, record an opening."""

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from chibo.audit.models import Action
from chibo.audit.services import audit_log
from chibo.common.access import SYSTEM
from chibo.common.text import fold
from chibo.materials import access
from chibo.materials import files as file_rules
from chibo.materials.access import material_reaches
from chibo.materials.models import (
    Audience,
    Material,
    MaterialAttachment,
    MaterialFile,
    MaterialKind,
    MaterialOpen,
    MaterialText,
    MaterialUnit,
)
from chibo.materials.selectors import recipient_cells
from chibo.meetings.models import Meeting, MeetingStatus, Minutes, MinutesStatus
from chibo.meetings.services.preparation import meeting_materials_visible
from chibo.members.selectors import roster_on
from chibo.notices.models import NoticeKind
from chibo.notices.services import notify
from chibo.orgs.models import Organisation

log = logging.getLogger(__name__)

MAX_FILES = 10


def _read(upload) -> bytes:
    if hasattr(upload, "seek"):
        upload.seek(0)
    return upload.read()


@transaction.atomic
def material_publish(
    *,
    publisher: Organisation,
    kind: str,
    title: str,
    summary: str = "",
    month: dt.date | None = None,
    topic: str = "",
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    publish_at: dt.datetime | None = None,
    audience: str = Audience.SUBTREE,
    units: list[Organisation] | None = None,
    uploads: list | None = None,
    by,
) -> Material:
    """A committee publishes a material to its subtree or to chosen units below it; members see it from
    `publish_at` (now when empty). Every file is checked before anything is stored (all or nothing).
    `by` must publish for the committee (access.require_publish_for)."""
    if not publisher.is_cell:
        access.require_publish_for(by, publisher)
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    topic = (topic or "").strip()
    if publisher.is_cell:
        errors.setdefault("publisher", []).append("Chi bộ không ban hành tài liệu cho cấp dưới.")
    if kind not in MaterialKind.values:
        errors.setdefault("kind", []).append("Loại tài liệu: lựa chọn không hợp lệ.")
    if not title:
        errors.setdefault("title", []).append("Tiêu đề: không được để trống.")
    if kind == MaterialKind.MONTHLY and month is None:
        errors.setdefault("month", []).append("Tháng: tài liệu sinh hoạt tháng phải ghi tháng (mm/yyyy).")
    if kind == MaterialKind.THEMATIC and not topic:
        errors.setdefault("topic", []).append("Chuyên đề: hướng dẫn chuyên đề phải ghi chuyên đề.")
    if period_start and period_end and period_end < period_start:
        errors.setdefault("period_end", []).append("Dùng đến ngày: phải sau hoặc cùng ngày bắt đầu.")
    units = list(units or [])
    if audience not in Audience.values:
        errors.setdefault("audience", []).append("Gửi đến: lựa chọn không hợp lệ.")
    elif audience == Audience.UNITS:
        if not units:
            errors.setdefault("units", []).append("Đơn vị nhận: hãy chọn ít nhất một đơn vị.")
        outside = [u.name for u in units if u.pk == publisher.pk or not publisher.contains(u)]
        if outside:
            errors.setdefault("units", []).append(
                "Đơn vị nhận: " + ", ".join(outside) + " không trực thuộc " + publisher.name + "."
            )
    checked = _check_uploads(uploads or [], errors)
    if errors:
        raise ValidationError(errors)
    material = Material.objects.create(
        publisher=publisher,
        kind=kind,
        title=title,
        summary=(summary or "").strip(),
        month=month.replace(day=1) if month else None,
        topic=topic,
        period_start=period_start,
        period_end=period_end,
        publish_at=publish_at or timezone.now(),
        audience=audience,
        created_by=by if getattr(by, "pk", None) else None,
    )
    if audience == Audience.UNITS:
        MaterialUnit.objects.bulk_create(MaterialUnit(material=material, organisation=u) for u in units)
    MaterialText.objects.create(material=material, text=fold(f"{material.title}\n{material.summary}"))
    audit_log(user=by, action=Action.CREATE, obj=material, org_path=publisher.path)
    for name, data in checked:
        _store_file(material, name, data, by)
    transaction.on_commit(lambda: _enqueue_notify(material))
    return material


def _check_uploads(uploads, errors) -> list[tuple[str, bytes]]:
    checked = []
    if len(uploads) > MAX_FILES:
        errors.setdefault("files", []).append(f"Tệp: tối đa {MAX_FILES} tệp một lần.")
        return []
    for upload in uploads:
        name = getattr(upload, "name", "") or ""
        size = getattr(upload, "size", None)
        # A file over the limit is refused without reading it.
        too_large = size is not None and size > file_rules.MATERIAL_MAX_BYTES
        data = b"" if too_large else _read(upload)
        problem = file_rules.file_problem(name, data, size if too_large else None)
        if problem:
            errors.setdefault("files", []).append(problem)
        else:
            checked.append((name, data))
    return checked


def _store_file(material: Material, name: str, data: bytes, by) -> MaterialFile:
    short = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stored = MaterialFile(
        material=material,
        name=short[:255],
        content_type=file_rules.content_type(short),
        size=len(data),
        uploaded_by=by if getattr(by, "pk", None) else None,
    )
    stored.file.save(short, ContentFile(data), save=False)
    stored.save()
    text = fold(file_rules.extract_text(short, data))
    if text:
        MaterialText.objects.create(material=material, file=stored, text=text)
    audit_log(user=by, action=Action.CREATE, obj=stored, org_path=material.publisher.path)
    return stored


@transaction.atomic
def material_file_add(*, material: Material, uploads: list, by) -> list[MaterialFile]:
    access.material.check_edit(by, material)
    errors: dict[str, list[str]] = {}
    if not uploads:
        errors["files"] = ["Tệp: hãy chọn tệp tài liệu."]
    elif material.files.count() + len(uploads) > MAX_FILES:
        errors["files"] = [f"Tệp: mỗi tài liệu tối đa {MAX_FILES} tệp."]
    checked = _check_uploads(uploads, errors) if not errors else []
    if errors:
        raise ValidationError(errors)
    return [_store_file(material, name, data, by) for name, data in checked]


def visible_at(material: Material, attachment: MaterialAttachment) -> dt.datetime:
    """When members of the meeting see an attached material: the recorded time it reached them, else
    once attached and published."""
    if attachment.sent_at is not None:
        return attachment.sent_at
    return max(material.publish_at, attachment.attached_at)


def _attach_problem(meeting: Meeting, sent_at: dt.datetime | None) -> tuple[str, str] | None:
    """(field, message) when the material cannot be attached (with this sent time)."""
    if meeting.status == MeetingStatus.CANCELLED:
        return "meeting", "Buổi sinh hoạt đã hủy: không gắn thêm tài liệu được."
    if sent_at is None:
        if meeting.status != MeetingStatus.HELD:
            return None
        # Never dated "now" silently: T2 would count it as late for a meeting already held.
        return "sent_at", (
            "Buổi sinh hoạt đã họp: để ghi tài liệu đã gửi cho buổi này, hãy ghi thời điểm tài liệu đến "
            "đảng viên."
        )
    if sent_at > timezone.now():
        return "sent_at", "Thời điểm tài liệu đến đảng viên: chưa tới."
    end = meeting.ended_at or meeting.started_at
    if meeting.status == MeetingStatus.HELD and end is not None and sent_at > end:
        return "sent_at", "Thời điểm tài liệu đến đảng viên: sau khi buổi sinh hoạt kết thúc."
    if Minutes.objects.filter(meeting=meeting, status=MinutesStatus.APPROVED).exists():
        return "meeting", "Biên bản buổi sinh hoạt đã được thông qua: không ghi thêm tài liệu được."
    return None


@transaction.atomic
def material_attach(
    *, material: Material, meeting: Meeting, by, sent_at: dt.datetime | None = None
) -> MaterialAttachment:
    """A cell attaches a material that reached it to one of its meetings. The meeting's T2 time becomes
    the moment its members can see it: now (or the scheduled publication if later), or, recording a
    material for a meeting already held, `sent_at`, the time it really reached them (required then)."""
    access.require_attach(by, meeting)
    problem = _attach_problem(meeting, sent_at)
    if problem:
        raise ValidationError({problem[0]: problem[1]})
    if not material_reaches(material, meeting.cell):
        raise ValidationError({"meeting": f"Tài liệu này không được gửi đến {meeting.cell.name}."})
    existing = MaterialAttachment.objects.filter(material=material, meeting=meeting).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            attachment = MaterialAttachment.objects.create(
                material=material,
                meeting=meeting,
                attached_by=by if getattr(by, "pk", None) else None,
                sent_at=sent_at,
            )
    except IntegrityError:  # the same attach sent twice at once
        return MaterialAttachment.objects.get(material=material, meeting=meeting)
    audit_log(user=by, action=Action.CREATE, obj=attachment, org_path=meeting.cell.path)
    meeting_materials_visible(meeting=meeting, at=visible_at(material, attachment))
    return attachment


@transaction.atomic
def material_detach(*, attachment: MaterialAttachment, by) -> None:
    meeting = attachment.meeting
    access.require_attach(by, meeting)
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError("Buổi sinh hoạt đã bắt đầu: không gỡ tài liệu được nữa.")
    audit_log(user=by, action=Action.DELETE, obj=attachment, org_path=meeting.cell.path)
    attachment.delete()


def material_open(*, material: Material, user) -> MaterialOpen | None:
    """Record that `user` opened the material (its page or a file): one row per user, counted.
    Not audited: it is a read, kept for the publisher's report."""
    if not getattr(user, "is_authenticated", False):
        return None
    now = timezone.now()
    updated = MaterialOpen.objects.filter(material=material, user=user).update(
        last_at=now, count=F("count") + 1
    )
    if updated:
        return MaterialOpen.objects.get(material=material, user=user)
    member = getattr(user, "member", None)
    try:
        with transaction.atomic():
            return MaterialOpen.objects.create(
                material=material, user=user, member=member, first_at=now, last_at=now, count=1
            )
    except IntegrityError:  # opened twice at the same moment
        MaterialOpen.objects.filter(material=material, user=user).update(last_at=now, count=F("count") + 1)
        return MaterialOpen.objects.get(material=material, user=user)


def material_notify(material_id: int, *, now=None) -> int:
    """Tell the members of every cell the material reaches, once it is visible (chibo.notices; the worker
    runs this at `publish_at`). Returns the members told now; a second run tells nobody twice."""
    material = Material.objects.select_related("publisher").get(pk=material_id)
    now = now or timezone.now()
    if material.publish_at > now:
        return 0
    day = timezone.localdate(now)
    told = 0
    for cell in recipient_cells(material):
        members = list(roster_on(cell, day))
        notice = notify(
            key=f"material:{material.pk}",
            kind=NoticeKind.MATERIAL,
            subject=f"{material.get_kind_display()}: {material.title}"[:200],
            body=f"{material.publisher.name} ban hành {material.get_kind_display().lower()}: {material.title}."
            + (f"\n{material.summary}" if material.summary else ""),
            sms_text=f"{material.publisher.name} gửi tài liệu: {material.title[:70]}. Xem trên Chibo.",
            link=material.get_absolute_url(),
            members=members,
            by=SYSTEM,
        )
        told += notice.deliveries.filter(member__in=members).count()
    return told


def _enqueue_notify(material: Material) -> None:
    from django_tasks.exceptions import InvalidTaskError

    from chibo.materials.tasks import material_notify_task

    when = material.publish_at if material.publish_at > timezone.now() else None
    try:
        (material_notify_task.using(run_after=when) if when else material_notify_task).enqueue(material.pk)
    except InvalidTaskError:
        log.warning("Hàng đợi không hẹn giờ được: tài liệu %s sẽ không được báo lúc %s.", material.pk, when)
