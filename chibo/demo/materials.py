"""Demo materials: the city and the first wards publish a monthly material for every month of meetings
(and the next month's, scheduled), the city a thematic guidance each quarter, a ward one to a few chosen
cells. A PDF and a DOCX are generated once and shared by the rows that carry files. Cells attach their
ward's (sometimes the city's) monthly material to their regular meetings, at the time the meeting's own
materials were sent, so the T2 numbers of the core seed stay as drawn. The demo accounts have opened some.

Rows are written in bulk (a bulk load, not user edits: one summary audit entry), so the number of
queries depends on the number of months and wards, not on the number of meetings."""

import datetime as dt
import io
import random

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Max, Min
from django.utils import timezone

from chibo.audit.models import Action, AuditEntry
from chibo.common.dates import add_months, today
from chibo.common.text import fold
from chibo.demo.generator import SeedResult
from chibo.materials.files import extract_text
from chibo.materials.models import (
    Audience,
    Material,
    MaterialAttachment,
    MaterialFile,
    MaterialKind,
    MaterialOpen,
    MaterialText,
    MaterialUnit,
    material_file_upload_to,
)
from chibo.meetings.models import Meeting, MeetingKind, MeetingStatus
from chibo.orgs.models import Organisation, OrgKind, RoleKind

WARDS = 3  # bounded: the benchmark may have many wards
TOPICS = [
    "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "Chuyển đổi số trong hoạt động của chi bộ",
    "Nâng cao chất lượng sinh hoạt chi bộ theo Chỉ thị 50-CT/TW",
    "Phòng, chống tham nhũng, tiêu cực ở cơ sở",
]
MONTHLY_TEXT = (
    "Tài liệu sinh hoạt chi bộ tháng {m}. Phần I: Thông tin thời sự trong nước và quốc tế. "
    "Phần II: Quán triệt Nghị quyết của cấp ủy cấp trên về phát triển kinh tế - xã hội, "
    "xây dựng Đảng và hệ thống chính trị. Phần III: Gợi ý nội dung thảo luận tại chi bộ."
)


def _pdf(text: str) -> bytes:
    from weasyprint import HTML

    return HTML(
        string=f"<html><body><h1>Tài liệu sinh hoạt chi bộ</h1><p>{text}</p></body></html>"
    ).write_pdf()


def _docx(text: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Hướng dẫn sinh hoạt chuyên đề", level=1)
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _store(name: str, data: bytes) -> str:
    return default_storage.save(material_file_upload_to(None, name), ContentFile(data))


def _months() -> list[dt.date]:
    span = Meeting.objects.aggregate(first=Min("scheduled_at"), last=Max("scheduled_at"))
    this_month = today().replace(day=1)
    first = timezone.localtime(span["first"]).date().replace(day=1) if span["first"] else this_month
    last = timezone.localtime(span["last"]).date().replace(day=1) if span["last"] else this_month
    last = max(last, this_month)
    months = []
    month = max(first, add_months(last, -14))
    while month <= add_months(last, 1):
        months.append(month)
        month = add_months(month, 1)
    return months


def _at(day: dt.date, hour: int = 8) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def seed(result: SeedResult, users: dict) -> None:
    rng = random.Random(6)
    by = users.get(RoleKind.STAFF) or users.get(RoleKind.ADMIN)
    city = Organisation.objects.get(pk=result.root_id)
    wards = list(Organisation.objects.filter(pk__in=result.ward_ids[:WARDS]).order_by("path"))
    months = _months()

    pdf_text = MONTHLY_TEXT.format(m="này")
    pdf_name, docx_name = "tai-lieu-sinh-hoat-thang.pdf", "huong-dan-chuyen-de.docx"
    pdf_data, docx_data = _pdf(pdf_text), _docx(" ".join(TOPICS))
    pdf_path, docx_path = _store(pdf_name, pdf_data), _store(docx_name, docx_data)
    pdf_search, docx_search = fold(extract_text(pdf_name, pdf_data)), fold(extract_text(docx_name, docx_data))

    materials: list[Material] = []
    files: list[tuple[int, str]] = []  # (index in materials, "pdf" | "docx")
    units: list[tuple[int, list[Organisation]]] = []
    monthly: dict[tuple[int, dt.date], int] = {}
    for month in months:
        label = f"{month:%m/%Y}"
        # Published on the 25th of the month before: the next month's one may still be scheduled.
        publish_at = _at(add_months(month, -1).replace(day=25))
        for publisher in [city, *wards]:
            monthly[(publisher.pk, month)] = len(materials)
            if publisher.pk == city.pk or rng.random() < 0.6:
                files.append((len(materials), "pdf"))
            materials.append(
                Material(
                    publisher=publisher,
                    kind=MaterialKind.MONTHLY,
                    title=f"Tài liệu sinh hoạt chi bộ tháng {label} của {publisher.name}",
                    summary=MONTHLY_TEXT.format(m=label),
                    month=month,
                    period_start=month,
                    period_end=add_months(month, 1) - dt.timedelta(days=1),
                    publish_at=publish_at,
                    audience=Audience.SUBTREE,
                    created_by=by,
                )
            )
        if month.month in (1, 4, 7, 10):
            topic = TOPICS[(month.month // 3) % len(TOPICS)]
            files.append((len(materials), "docx"))
            materials.append(
                Material(
                    publisher=city,
                    kind=MaterialKind.THEMATIC,
                    title=f"Hướng dẫn sinh hoạt chuyên đề quý {(month.month - 1) // 3 + 1}/{month.year}: {topic}",
                    summary=f"Gợi ý nội dung, cách tổ chức sinh hoạt chuyên đề “{topic}”.",
                    topic=topic,
                    publish_at=_at(month.replace(day=2)),
                    audience=Audience.SUBTREE,
                    created_by=by,
                )
            )
    if wards:
        cells = list(Organisation.objects.subtree_of(wards[0]).filter(kind=OrgKind.CELL).order_by("path")[:8])
        if cells:
            units.append((len(materials), cells))
            materials.append(
                Material(
                    publisher=wards[0],
                    kind=MaterialKind.UPPER,
                    title="Kế hoạch thực hiện Đề án 11 tại các chi bộ khu dân cư",
                    summary="Gửi các chi bộ được chọn làm điểm nâng cao chất lượng sinh hoạt chi bộ.",
                    publish_at=_at(months[0].replace(day=10)),
                    audience=Audience.UNITS,
                    created_by=by,
                )
            )
    Material.objects.bulk_create(materials, batch_size=500)
    if any(m.pk is None for m in materials):  # a backend that does not return ids
        stored = {(m.publisher_id, m.title): m.pk for m in Material.objects.filter(created_by=by)}
        for m in materials:
            m.pk = stored[(m.publisher_id, m.title)]

    texts = [MaterialText(material=m, text=fold(f"{m.title}\n{m.summary}")) for m in materials]
    file_rows = []
    for index, kind in files:
        name, path, size = (
            (pdf_name, pdf_path, len(pdf_data)) if kind == "pdf" else (docx_name, docx_path, len(docx_data))
        )
        content_type = (
            "application/pdf"
            if kind == "pdf"
            else "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        file_rows.append(
            MaterialFile(
                material=materials[index],
                file=path,
                name=name,
                content_type=content_type,
                size=size,
                uploaded_by=by,
            )
        )
    MaterialFile.objects.bulk_create(file_rows, batch_size=500)
    stored_files = MaterialFile.objects.filter(material__in=[m.pk for m in materials]).only(
        "pk", "material", "name"
    )
    for stored in stored_files:
        text = pdf_search if stored.name == pdf_name else docx_search
        texts.append(MaterialText(material_id=stored.material_id, file=stored, text=text))
    MaterialText.objects.bulk_create(texts, batch_size=500)
    MaterialUnit.objects.bulk_create(
        MaterialUnit(material=materials[i], organisation=cell) for i, cells in units for cell in cells
    )

    attachments = _attachments(rng, city, wards, materials, monthly)
    MaterialAttachment.objects.bulk_create(attachments, batch_size=2000)
    opens = _opens(rng, users, wards, materials, monthly, months)
    MaterialOpen.objects.bulk_create(opens)
    AuditEntry.objects.create(
        action=Action.CREATE,
        model="demo.materials",
        object_id=str(city.pk),
        object_repr=(
            f"Dữ liệu mẫu: {len(materials)} tài liệu, {len(file_rows)} tệp, {len(attachments)} lần gắn vào buổi sinh hoạt"
        ),
        org_path=city.path,
    )


def _attachments(rng, city, wards, materials, monthly) -> list[MaterialAttachment]:
    """The ward's monthly material (sometimes the city's) on each regular meeting whose own materials
    were sent, attached at that same time when the material was out by then (T2 stays as drawn)."""
    ward_paths = {w.path: w.pk for w in wards}
    rows = []
    meetings = Meeting.objects.filter(
        kind=MeetingKind.REGULAR,
        status__in=[MeetingStatus.PLANNED, MeetingStatus.OPEN, MeetingStatus.HELD],
        materials_published_at__isnull=False,
    ).values_list("pk", "cell__path", "scheduled_at", "materials_published_at")
    for pk, cell_path, scheduled_at, visible in meetings.iterator(chunk_size=2000):
        ward_pk = next((w for path, w in ward_paths.items() if cell_path.startswith(path)), None)
        if ward_pk is None:
            continue
        month = timezone.localtime(scheduled_at).date().replace(day=1)
        publisher = city.pk if rng.random() < 0.25 else ward_pk
        index = monthly.get((publisher, month))
        if index is None or materials[index].publish_at > visible:
            continue
        rows.append(MaterialAttachment(material=materials[index], meeting_id=pk, attached_at=visible))
    return rows


def _opens(rng, users, wards, materials, monthly, months) -> list[MaterialOpen]:
    now = timezone.now()
    rows = []
    readers = [users.get(RoleKind.CELL_LEADER), users.get(RoleKind.MEMBER)]
    for user in readers:
        if user is None or not wards:
            continue
        member = getattr(user, "member", None)
        for month in months:
            index = monthly.get((wards[0].pk, month))
            if index is None:
                continue
            material = materials[index]
            if material.publish_at > now or rng.random() < 0.3:
                continue
            first = min(now, material.publish_at + dt.timedelta(hours=rng.randint(2, 96)))
            rows.append(
                MaterialOpen(
                    material=material,
                    user=user,
                    member=member,
                    first_at=first,
                    last_at=min(now, first + dt.timedelta(hours=rng.randint(0, 48))),
                    count=rng.randint(1, 4),
                )
            )
    return rows
