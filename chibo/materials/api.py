"""/api/v1/materials: list and search, read, publish, add files, attach to a meeting, who opened it.

Same access path and services as the web pages: a material is visible to those it reached once published
(its publisher's committee and those above at any time); publishing needs staff of a committee (403),
attaching needs the meeting's cell leaders (403); the "opened" report is for the publisher's staff and
supervisors (403).
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from chibo.common.api.schemas import (
    MAX_ID,
    READ_ERRORS,
    WRITE_ERRORS,
    Day,
    ErrorOut,
    Id,
    InputSchema,
    Pagination,
    PathId,
    Text,
)
from chibo.materials import access, selectors, services
from chibo.materials.models import Audience, Material, MaterialKind
from chibo.meetings.access import get_meeting_for_user
from chibo.meetings.api import LocalTime, PersonOut
from chibo.orgs.access import get_org_for_user
from chibo.orgs.models import Organisation

router = Router()

READ_ERRORS_403 = {**READ_ERRORS, 403: ErrorOut}


class FileOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    download_url: str

    @staticmethod
    def resolve_download_url(obj) -> str:
        return reverse("materials:download", args=[obj.material_id, obj.pk])


class MaterialOut(Schema):
    id: int
    publisher_id: int
    publisher_name: str = Field(alias="publisher.name")
    kind: MaterialKind
    title: str
    summary: str
    month: dt.date | None = Field(description="Ngày đầu tháng (tài liệu sinh hoạt tháng).")
    topic: str
    period_start: dt.date | None
    period_end: dt.date | None
    publish_at: LocalTime
    audience: Audience
    unit_ids: list[int]
    files: list[FileOut]

    @staticmethod
    def resolve_unit_ids(obj) -> list[int]:
        return sorted(u.organisation_id for u in obj.unit_rows.all())

    @staticmethod
    def resolve_files(obj) -> list:
        return list(obj.files.all())


class MaterialIn(InputSchema):
    publisher_id: Id = Field(description="Cấp ủy ban hành (không phải chi bộ).")
    kind: MaterialKind
    title: Text = Field(min_length=1, max_length=255)
    summary: Text = ""
    month: Day | None = Field(None, description="Tháng (ngày bất kỳ trong tháng), bắt buộc với `monthly`.")
    topic: Text = Field("", max_length=255, description="Bắt buộc với `thematic`.")
    period_start: Day | None = None
    period_end: Day | None = None
    publish_at: dt.datetime | None = Field(None, description="Hẹn giờ công bố; mặc định ngay.")
    audience: Audience = Audience.SUBTREE
    unit_ids: list[Id] = Field([], max_length=500, description="Đơn vị nhận khi `audience` là `units`.")


class AttachIn(InputSchema):
    meeting_id: Id
    sent_at: dt.datetime | None = Field(
        None,
        description="Ghi sau cho buổi đã họp: thời điểm tài liệu thực sự đến đảng viên (bắt buộc khi buổi đã "
        "họp; không sau khi buổi kết thúc). T2 tính theo thời điểm này.",
    )


class AttachmentOut(Schema):
    id: int
    material_id: int
    meeting_id: int
    attached_at: LocalTime
    sent_at: LocalTime | None


class OpenerOut(PersonOut):
    first_at: LocalTime
    last_at: LocalTime
    count: int


class CellOpensOut(Schema):
    cell_id: int
    cell_code: str
    cell_name: str
    members: int = Field(description="Đảng viên trong danh sách sinh hoạt hôm nay.")
    opened_count: int
    opened: list[OpenerOut]
    not_opened: list[PersonOut]


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    # A time without an offset is Vietnam's local time, as everywhere in the API.
    if moment is not None and timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


def _qs():
    return Material.objects.select_related("publisher").prefetch_related("files", "unit_rows")


@router.get("", response={200: list[MaterialOut], **READ_ERRORS})
@paginate(Pagination)
def material_list(
    request,
    q: str | None = Query(
        None, max_length=200, pattern=r"^[^\x00]*$", description="Tìm có dấu hoặc không dấu."
    ),
    kind: MaterialKind | None = None,
    publisher: int | None = Query(None, ge=1, le=MAX_ID, description="Id cấp ủy ban hành."),
):
    """Materials the caller sees, newest first; `q` searches title, summary and PDF/DOCX text."""
    qs = access.material.visible_qs(request.user)
    if q:
        qs = selectors.search(qs, q)
    if kind is not None:
        qs = qs.filter(kind=kind)
    if publisher is not None:
        qs = qs.filter(publisher_id=publisher)
    return _qs().filter(pk__in=qs.values("pk")).order_by("-publish_at", "-pk")


@router.get("/{material_id}", response={200: MaterialOut, **READ_ERRORS})
def material_detail(request, material_id: PathId):
    """One material with its files (download links); the reading is recorded as an opening."""
    material = access.material.get_for_user(request.user, material_id)
    services.material_open(material=material, user=request.user)
    return _qs().get(pk=material.pk)


@router.post("", response={201: MaterialOut, **WRITE_ERRORS})
def material_publish(request, payload: MaterialIn):
    """Publish a material (files are added next with `POST /materials/{id}/files`)."""
    publisher = get_org_for_user(request.user, payload.publisher_id)
    access.require_publish_for(request.user, publisher)
    units = list(Organisation.objects.filter(pk__in=payload.unit_ids))
    missing = sorted(set(payload.unit_ids) - {u.pk for u in units})
    if missing:
        raise ValidationError({"unit_ids": f"Không tìm thấy đơn vị id {', '.join(map(str, missing))}."})
    material = services.material_publish(
        publisher=publisher,
        kind=payload.kind,
        title=payload.title,
        summary=payload.summary,
        month=payload.month,
        topic=payload.topic,
        period_start=payload.period_start,
        period_end=payload.period_end,
        publish_at=_aware(payload.publish_at),
        audience=payload.audience,
        units=units,
        by=request.user,
    )
    return Status(201, _qs().get(pk=material.pk))


@router.post("/{material_id}/files", response={201: MaterialOut, **WRITE_ERRORS})
def material_file_upload(request, material_id: PathId, files: File[list[UploadedFile]]):
    """Add files (multipart, field `files`): PDF, DOCX or images, checked by content, 20 MB each."""
    material = access.material.get_for_user(request.user, material_id, write=True)
    services.material_file_add(material=material, uploads=files, by=request.user)
    return Status(201, _qs().get(pk=material.pk))


@router.post("/{material_id}/attachments", response={201: AttachmentOut, **WRITE_ERRORS})
def material_attach(request, material_id: PathId, payload: AttachIn):
    """Attach the material to a meeting of a cell it reached (the cell's leaders)."""
    material = access.material.get_for_user(request.user, material_id)
    meeting = get_meeting_for_user(request.user, payload.meeting_id, write=True)
    return Status(
        201,
        services.material_attach(
            material=material, meeting=meeting, by=request.user, sent_at=_aware(payload.sent_at)
        ),
    )


@router.get("/{material_id}/opens", response={200: list[CellOpensOut], **READ_ERRORS_403})
@paginate(Pagination)
def material_opens(request, material_id: PathId):
    """Per cell reached: members on today's roster who have and have not opened the material."""
    material = access.material.get_for_user(request.user, material_id)
    access.material.check_opens(request.user, material)
    return _OpensPage(material)


class _OpensPage:
    """Sliced by the paginator: the roster queries run only for the cells of the page."""

    def __init__(self, material):
        self.material = material
        self.cells = selectors.recipient_cells(material)

    def count(self):
        return self.cells.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, item):
        rows = selectors.opens_by_cell(self.material, list(self.cells[item]))
        return [
            {
                "cell_id": r.cell.pk,
                "cell_code": r.cell.code,
                "cell_name": r.cell.name,
                "members": r.total,
                "opened_count": len(r.opened),
                "opened": [
                    {
                        "id": m.pk,
                        "full_name": m.full_name,
                        "first_at": o.first_at,
                        "last_at": o.last_at,
                        "count": o.count,
                    }
                    for m, o in r.opened
                ],
                "not_opened": [{"id": m.pk, "full_name": m.full_name} for m in r.not_opened],
            }
            for r in rows
        ]
