"""Scoring a held meeting (issue 3 §6) and the attendance warnings of a subtree (§7, DOMAIN §5)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from chibo.common.dates import today
from chibo.common.forms import add_service_errors
from chibo.meetings import access
from chibo.meetings.forms import ScoreForm, WarningsForm
from chibo.meetings.models import MeetingStatus, Score, ScoringCriterion
from chibo.meetings.services.scoring import (
    field_name,
    score_confirm,
    score_facts,
    score_propose,
    sheet_for,
    suggestions_for,
)
from chibo.meetings.warnings import (
    EXCUSED_STREAK_LIMIT,
    REMOVAL_MONTHS,
    excused_streaks,
    removal_cases,
)
from chibo.orgs.access import get_org_for_user, visible_ancestors


def _get_scorable(request, pk: int):
    """The score page is for those who read the cell's records in full (its leaders, the committee
    staff and supervisors above); a plain member gets 403, a stranger 404."""
    meeting = access.meeting.get_for_user(request.user, pk)
    access.meeting.check_read_score(request.user, meeting)
    return meeting


def score_view(request, pk: int):
    meeting = _get_scorable(request, pk)
    if request.method == "POST":
        access.meeting.check_score(request.user, meeting)
    score = Score.objects.filter(meeting=meeting).select_related("confirmed_by", "proposed_by").first()
    sheet = score.sheet if score else sheet_for(meeting)
    criteria = list(ScoringCriterion.objects.filter(sheet=sheet).order_by("order")) if sheet else []
    held = meeting.status == MeetingStatus.HELD
    facts = score_facts(meeting) if held else None
    suggestions = suggestions_for(criteria, facts) if facts else {}
    can_propose = held and sheet is not None and access.meeting.can_score(request.user, meeting)
    locked = score is not None and score.confirmed_at is not None

    initial = {field_name(c.pk): s.points for c in criteria if (s := suggestions.get(c.pk))}
    if score is not None:
        initial = {field_name(i.criterion_id): i.points for i in score.items.all()}
    form = ScoreForm(request.POST or None, criteria=criteria, suggestions=suggestions, initial=initial)
    if request.method == "POST":
        if locked:
            # Posted again after confirmation (or by a second tab): nothing changes.
            messages.info(request, "Điểm đã được cấp trên xác nhận; không thể chấm lại.")
            return redirect("meetings:score", pk=meeting.pk)
        if form.is_valid():
            try:
                score = score_propose(meeting=meeting, points=form.points(), by=request.user)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Đã lưu điểm đề xuất: {score.total} điểm, xếp loại {score.grade}.")
                return redirect("meetings:score", pk=meeting.pk)
    return render(
        request,
        "meetings/scoring/score.html",
        {
            "meeting": meeting,
            "org": meeting.cell,
            "ancestors": visible_ancestors(request.user, meeting.cell),
            "held": held,
            "sheet": sheet,
            "score": score,
            "items": list(score.items.select_related("criterion").order_by("criterion__order"))
            if score
            else [],
            "facts": facts,
            "form": form if can_propose and not locked else None,
            "locked": locked,
            "can_confirm": score is not None
            and not locked
            and access.meeting.can_confirm_score(request.user, meeting),
        },
    )


@require_POST
def score_confirm_view(request, pk: int):
    meeting = _get_scorable(request, pk)
    score = Score.objects.filter(meeting=meeting).first()
    if score is None:
        messages.error(request, "Buổi sinh hoạt chưa có điểm đề xuất để xác nhận.")
        return redirect("meetings:score", pk=meeting.pk)
    if score.confirmed_at is not None:
        # A confirmation posted twice: already done, nothing changes.
        messages.info(request, "Điểm đã được xác nhận.")
        return redirect("meetings:score", pk=meeting.pk)
    score = score_confirm(score=score, by=request.user)  # the policy refuses the cell's own leaders (403)
    messages.success(request, f"Đã xác nhận điểm: {score.total} điểm, xếp loại {score.grade}.")
    return redirect("meetings:score", pk=meeting.pk)


# --- warnings ------------------------------------------------------------------------------------------


TABS = {
    "xoa-ten": "Vắng không lý do 3 tháng trong năm",
    "vang-lien-tiep": "Vắng có lý do quá 3 lần liên tiếp",
}


def warnings_view(request, org_pk: int):
    """Members to warn about, in the subtree: cell leaders see their cell, staff and supervisors
    their whole subtree; a plain member is refused (403), a stranger gets 404."""
    org = get_org_for_user(request.user, org_pk, read_members=True)
    form = WarningsForm(request.GET or None)
    year = today().year
    if form.is_valid() and form.cleaned_data["nam"]:
        year = form.cleaned_data["nam"]
    tab = request.GET.get("loai") if request.GET.get("loai") in TABS else "xoa-ten"
    rows = removal_cases(org=org, year=year) if tab == "xoa-ten" else excused_streaks(org=org, year=year)
    page = Paginator(rows, 50).get_page(request.GET.get("trang"))
    return render(
        request,
        "meetings/scoring/warnings.html",
        {
            "org": org,
            "ancestors": visible_ancestors(request.user, org),
            "form": form,
            "year": year,
            "tab": tab,
            "tabs": TABS,
            "page": page,
            "removal_months": REMOVAL_MONTHS,
            "streak_limit": EXCUSED_STREAK_LIMIT,
        },
    )
