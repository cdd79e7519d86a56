"""Pages of the materials app: search, a committee's and a cell's lists, publish, a material, its files,
attaching to a meeting, who opened it, and the member's view from their meeting."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from chibo.common.dates import local_midnight, today
from chibo.common.forms import add_service_errors
from chibo.common.http import open_stored
from chibo.common.paging import paginate
from chibo.materials import access, selectors, services
from chibo.materials.access import can_publish_for, materials_received_by, recipients_q
from chibo.materials.forms import AttachForm, FilesForm, PublishForm, SearchForm
from chibo.materials.models import Material, MaterialAttachment, MaterialFile
from chibo.meetings.access import get_meeting_for_user, meetings_visible_to
from chibo.meetings.models import Meeting, MeetingStatus
from chibo.orgs.access import can_write_org, get_org_for_user, orgs_writable_by, visible_ancestors
from chibo.orgs.models import Organisation, OrgKind

OPENS_PER_PAGE = 20
MAX_UNIT_CHOICES = 300


def _list_qs(qs):
    return qs.select_related("publisher").prefetch_related("files").order_by("-publish_at", "-pk")


def index(request):
    """Every material the user may see, newest first; with words, a search."""
    form = SearchForm(request.GET or None)
    qs = access.material.visible_qs(request.user)
    q = ""
    if form.is_valid():
        q = form.cleaned_data["q"]
        if q:
            qs = selectors.search(qs, q)
        if form.cleaned_data["kind"]:
            qs = qs.filter(kind=form.cleaned_data["kind"])
    page = paginate(request, _list_qs(qs))
    return render(
        request, "materials/index.html", {"form": form, "page": page, "q": q, "now": timezone.now()}
    )


def org_materials(request, pk: int):
    """A committee: what it published (with the publish button for its staff) and what reached it from
    above. A cell: what reached it, to attach to its meetings."""
    org = get_org_for_user(request.user, pk)
    received = request.GET.get("xem") == "nhan" or org.kind == OrgKind.CELL
    if received:
        qs = materials_received_by(org)
    else:
        qs = Material.objects.filter(publisher=org)
    return render(
        request,
        "materials/org.html",
        {
            "org": org,
            "ancestors": visible_ancestors(request.user, org),
            "received": received,
            "page": paginate(request, _list_qs(qs)),
            "can_publish": can_publish_for(request.user, org),
            "can_attach": org.kind == OrgKind.CELL and can_write_org(request.user, org),
            "now": timezone.now(),
        },
    )


def publish(request, pk: int):
    org = get_org_for_user(request.user, pk)
    access.require_publish_for(request.user, org)
    units = Organisation.objects.subtree_of(org, include_self=False).active_on(today()).order_by("path")
    # A city has thousands of cells: offer its direct units only (the API takes any unit below).
    if units.count() > MAX_UNIT_CHOICES:
        units = units.filter(depth=org.depth + 1)
    form = PublishForm(
        request.POST or None, request.FILES or None, units=units, initial={"audience": "subtree"}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            material = services.material_publish(
                publisher=org,
                kind=data["kind"],
                title=data["title"],
                summary=data["summary"],
                month=data["month"],
                topic=data["topic"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                publish_at=form.publish_at(),
                audience=data["audience"],
                units=list(data["units"]),
                uploads=data["files"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Đã ban hành tài liệu “{material.title}”.")
            return redirect(material)
    return render(
        request,
        "materials/publish.html",
        {"org": org, "ancestors": visible_ancestors(request.user, org), "form": form},
    )


def _attach_candidates(user, material: Material):
    """Upcoming meetings of cells the user runs that the material reaches."""
    return (
        Meeting.objects.filter(
            cell__in=orgs_writable_by(user)
            .filter(kind=OrgKind.CELL)
            .filter(recipients_q(material))
            .values("pk"),
            status__in=[MeetingStatus.PLANNED, MeetingStatus.OPEN],
            scheduled_at__gte=local_midnight(today()),
        )
        .exclude(committee_materials__material=material)
        .select_related("cell")
        .order_by("scheduled_at")[:50]
    )


def detail(request, pk: int):
    material = access.material.get_for_user(request.user, pk)
    services.material_open(material=material, user=request.user)
    return _detail_page(request, material)


def _detail_page(request, material: Material, *, attach_form=None):
    """The material's page; `attach_form` is an attachment just asked for and refused, shown as chosen."""
    meetings = _attach_candidates(request.user, material)
    attachments = (
        MaterialAttachment.objects.filter(
            material=material, meeting__in=meetings_visible_to(request.user).values("pk")
        )
        .select_related("meeting", "meeting__cell")
        .order_by("-meeting__scheduled_at")[:20]
    )
    can_edit = access.material.can_edit(request.user, material)
    can_see_opens = access.material.can_see_opens(request.user, material)
    return render(
        request,
        "materials/detail.html",
        {
            "material": material,
            "files": material.files.all(),
            "units": material.unit_rows.select_related("organisation").order_by("organisation__path"),
            "attachments": attachments,
            "attach_form": attach_form or (AttachForm(meetings=meetings) if meetings else None),
            "files_form": FilesForm() if can_edit else None,
            "can_see_opens": can_see_opens,
            "opens_total": selectors.opens_total(material) if can_see_opens else None,
        },
    )


def download(request, pk: int, file_pk: int):
    material = access.material.get_for_user(request.user, pk)
    stored = get_object_or_404(MaterialFile, pk=file_pk, material=material)
    handle = open_stored(stored.file)  # before counting the opening: a missing file was not read
    services.material_open(material=material, user=request.user)
    response = FileResponse(handle, as_attachment=True, filename=stored.name, content_type=stored.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def add_files(request, pk: int):
    material = access.material.get_for_user(request.user, pk, write=True)
    form = FilesForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.material_file_add(material=material, uploads=form.cleaned_data["files"], by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Đã thêm tệp.")
            return redirect(material)
    return render(request, "materials/files_form.html", {"material": material, "form": form})


@require_POST
def attach(request, pk: int):
    material = access.material.get_for_user(request.user, pk)
    meetings = _attach_candidates(request.user, material)
    form = AttachForm(request.POST, meetings=Meeting.objects.filter(pk__in=[m.pk for m in meetings]))
    if form.is_valid():
        meeting = get_meeting_for_user(request.user, form.cleaned_data["meeting"].pk, write=True)
        try:
            services.material_attach(material=material, meeting=meeting, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Đã gắn tài liệu vào buổi sinh hoạt ngày {meeting.scheduled_at:%d/%m/%Y}."
            )
            return redirect(material)
    return _detail_page(request, material, attach_form=form)


@require_POST
def detach(request, pk: int):
    attachment = get_object_or_404(MaterialAttachment.objects.select_related("meeting", "material"), pk=pk)
    meeting = get_meeting_for_user(request.user, attachment.meeting_id, write=True)
    try:
        services.material_detach(attachment=attachment, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Đã gỡ tài liệu “{attachment.material.title}” khỏi buổi sinh hoạt.")
    return redirect("materials:meeting", meeting.pk)


def opens(request, pk: int):
    """The publisher's report: per cell reached, who on today's roster has and has not opened it."""
    material = access.material.get_for_user(request.user, pk)
    access.material.check_opens(request.user, material)
    page = paginate(request, selectors.recipient_cells(material), OPENS_PER_PAGE)
    rows = selectors.opens_by_cell(material, list(page.object_list))
    return render(request, "materials/opens.html", {"material": material, "page": page, "rows": rows})


def meeting_materials(request, pk: int):
    """The member's view from their meeting: the committee's materials attached to it and the cell's own
    files sent to members; the cell's leaders attach more here."""
    meeting = get_meeting_for_user(request.user, pk)
    can_write = access.can_attach(request.user, meeting)
    attachments = selectors.meeting_materials(meeting, published_only=not can_write)
    own = meeting.materials.all() if can_write else meeting.materials.filter(published_at__isnull=False)
    form = None
    if can_write and meeting.status in (MeetingStatus.PLANNED, MeetingStatus.OPEN):
        choices = (
            materials_received_by(meeting.cell)
            .exclude(attachments__meeting=meeting)
            .select_related("publisher")
            .order_by("-publish_at")[:50]
        )
        form = [(m.pk, f"{m.title} ({m.publisher.name})") for m in choices]
    return render(
        request,
        "materials/meeting.html",
        {
            "meeting": meeting,
            "cell": meeting.cell,
            "ancestors": visible_ancestors(request.user, meeting.cell),
            "attachments": attachments,
            "own": own,
            "can_write": can_write,
            "choices": form,
            "now": timezone.now(),
        },
    )


@require_POST
def meeting_attach(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    material_pk = request.POST.get("material", "")
    if not material_pk.isdigit():
        messages.error(request, "Tài liệu: hãy chọn một tài liệu.")
        return redirect("materials:meeting", meeting.pk)
    material = materials_received_by(meeting.cell).filter(pk=material_pk).first()
    if material is None:
        raise Http404("Không tìm thấy tài liệu.")
    try:
        services.material_attach(material=material, meeting=meeting, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Đã gắn tài liệu “{material.title}”.")
    return redirect("materials:meeting", meeting.pk)
