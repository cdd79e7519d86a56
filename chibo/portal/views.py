"""Pages of the portal. The public ones (home, article with its comment form, images, the captcha image)
are marked login_not_required; the committee's pages (articles, moderation) and members' questions need
a login and go through portal.access."""

import mimetypes
from pathlib import Path

from captcha.image import ImageCaptcha
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from chibo.common.forms import add_service_errors, submit_form
from chibo.common.http import client_address, open_stored
from chibo.common.paging import paginate
from chibo.meetings.access import get_meeting_for_user
from chibo.orgs.models import Organisation
from chibo.portal import access, rules, selectors, services
from chibo.portal.access import (
    articles_managed_by,
    can_manage_article,
    comments_moderated_by,
    get_meeting_for_questions,
    get_public_article,
    own_member,
    publishers_for,
)
from chibo.portal.forms import AnswerForm, ArticleForm, CommentForm, ImageForm, QuestionForm
from chibo.portal.models import ArticleImage, CommentStatus, MeetingQuestion

NEWEST = 5
SEEN_COOKIE = "ctt_da_xem"
SEEN_MAX = 50
SENT = "Cảm ơn bạn! Bình luận đã được gửi và đang chờ duyệt; bình luận sẽ hiện sau khi cán bộ cấp ủy duyệt."


# --- public pages -----------------------------------------------------------------------------------------


@login_not_required
def home(request):
    articles = selectors.published_articles()
    publisher = None
    if request.GET.get("cap-uy", "").isdigit():
        # Only a committee that has published is named to an anonymous visitor: the filter must not
        # read out the organisation tree by trying numbers.
        publisher = Organisation.objects.filter(
            pk=request.GET["cap-uy"], pk__in=articles.values("publisher")
        ).first()
        if publisher is None:
            raise Http404("Không tìm thấy cấp ủy này trên cổng thông tin.")
        articles = articles.filter(publisher=publisher)
    newest = list(articles[:NEWEST])
    page = paginate(request, articles[NEWEST:] if newest else articles.none(), per_page=20)
    return render(request, "portal/home.html", {"newest": newest, "page": page, "publisher": publisher})


def _seen(request) -> list[str]:
    return [p for p in request.COOKIES.get(SEEN_COOKIE, "").split(".") if p.isdigit()]


def _article_page(request, article, form=None, status=200):
    seen = _seen(request)
    first_visit = str(article.pk) not in seen
    if first_visit and request.method == "GET":
        services.article_viewed(article=article)
        article.view_count += 1
    key = rules.captcha_new_key()
    token = rules.captcha_token(key)
    form = form or CommentForm()
    form.initial["captcha_token"] = token
    if form.is_bound:
        # A new captcha for each showing: the data of a refused attempt goes back, the old code does not.
        form.data = form.data.copy()
        form.data["captcha_token"] = token
        form.data["captcha"] = ""
    context = {
        "article": article,
        "images": list(article.images.all()),
        "comments": list(selectors.approved_comments(article)),
        "newer": list(
            selectors.published_articles().filter(published_at__gt=article.published_at).reverse()[:NEWEST]
        ),
        "older": list(selectors.published_articles().filter(published_at__lt=article.published_at)[:10]),
        "form": form,
        "captcha_token": token,
        "can_manage": can_manage_article(request.user, article),
    }
    response = render(request, "portal/article.html", context, status=status)
    if first_visit and request.method == "GET":
        # One count per visitor and article, remembered by the browser: no session row per reader.
        response.set_cookie(
            SEEN_COOKIE,
            ".".join([*seen, str(article.pk)][-SEEN_MAX:]),
            max_age=365 * 24 * 3600,
            samesite="Lax",
        )
    return response


@login_not_required
@never_cache
def article(request, pk: int, slug: str = ""):
    article = get_public_article(pk)
    if request.method != "POST":
        if slug != article.slug:
            return redirect(article, permanent=True)
        return _article_page(request, article)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _article_page(request, article, form)
    data = form.cleaned_data
    try:
        services.comment_submit(
            article=article,
            name=data["name"],
            phone=data["phone"],
            title=data["title"],
            content=data["content"],
            address=client_address(request),
            captcha_token=data["captcha_token"],
            captcha_answer=data["captcha"],
        )
    except services.RateLimited as limited:
        form.add_error(None, str(limited))
        return _article_page(request, article, form, status=429)
    except ValidationError as error:
        add_service_errors(form, error)
        return _article_page(request, article, form)
    messages.success(request, SENT)
    return redirect(article.get_absolute_url() + "#binh-luan")


@login_not_required
def image(request, pk: int):
    found = ArticleImage.objects.select_related("article__publisher").filter(pk=pk).first()
    if found is None or not (found.article.is_published or can_manage_article(request.user, found.article)):
        raise Http404("Không tìm thấy ảnh.")
    content_type = mimetypes.guess_type(found.file.name)[0] or "application/octet-stream"
    if content_type not in rules.IMAGE_FORMATS.values():
        raise Http404("Không tìm thấy ảnh.")
    response = FileResponse(open_stored(found.file), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    response["Content-Disposition"] = f'inline; filename="{Path(found.file.name).name}"'
    return response


@login_not_required
@never_cache
def captcha_image(request, token: str):
    key = rules.captcha_key(token)
    if key is None:
        raise Http404("Mã xác nhận đã hết hạn.")
    data = ImageCaptcha(width=180, height=64).generate(rules.captcha_answer(key)).getvalue()
    return HttpResponse(data, content_type="image/png")


# --- the committee's pages ------------------------------------------------------------------------------------


def manage(request):
    articles = articles_managed_by(request.user).select_related("publisher").order_by("-created_at", "-pk")
    page = paginate(request, articles)
    return render(
        request,
        "portal/manage.html",
        {"page": page, "can_write": publishers_for(request.user).exists()},
    )


def article_new(request):
    publishers = publishers_for(request.user).order_by("path")
    if not publishers.exists():
        raise Http404("Bạn không phải cán bộ của cấp ủy nào.")
    form = ArticleForm(request.POST or None, publishers=publishers)
    created = {}

    def action(data):
        created["article"] = services.article_create(
            publisher=data["publisher"],
            title=data["title"],
            summary=data["summary"],
            body=data["body"],
            author_name=data["author_name"],
            by=request.user,
        )

    if request.method == "POST" and form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Đã lưu bản nháp. Thêm ảnh nếu cần, rồi bấm “Đăng bài”.")
            return redirect("portal:edit", created["article"].pk)
    return render(request, "portal/article_form.html", {"form": form, "article": None})


def article_edit(request, pk: int):
    article = access.article.get_for_user(request.user, pk)
    form = ArticleForm(request.POST or None, instance=article, publishers=publishers_for(request.user))
    done = submit_form(
        request,
        form,
        lambda data: services.article_update(article=article, by=request.user, **data),
        success="Đã lưu bài viết.",
        then=request.path,
    )
    return done or _edit_page(request, article, form)


def _edit_page(request, article, form, image_form=None):
    """The article's edit page; `image_form` is an image just sent and refused, its caption kept."""
    context = {
        "form": form,
        "article": article,
        "images": article.images.all(),
        "image_form": image_form or ImageForm(),
    }
    return render(request, "portal/article_form.html", context)


@require_POST
def article_image_add(request, pk: int):
    article = access.article.get_for_user(request.user, pk)
    form = ImageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.article_image_add(
                article=article,
                file=form.cleaned_data["file"],
                caption=form.cleaned_data["caption"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Đã tải ảnh lên; chép đường dẫn ảnh vào nội dung để chèn ảnh.")
            return redirect("portal:edit", article.pk)
    article_form = ArticleForm(instance=article, publishers=publishers_for(request.user))
    return _edit_page(request, article, article_form, image_form=form)


@require_POST
def article_publish(request, pk: int):
    article = access.article.get_for_user(request.user, pk)
    if request.POST.get("action") == "unpublish":
        services.article_unpublish(article=article, by=request.user)
        messages.success(request, "Đã gỡ bài viết khỏi cổng thông tin (trở về bản nháp).")
    else:
        services.article_publish(article=article, by=request.user)
        messages.success(request, "Đã đăng bài viết lên cổng thông tin.")
    return redirect("portal:edit", article.pk)


MODERATION_FILTERS = {
    "cho-duyet": CommentStatus.PENDING,
    "da-duyet": CommentStatus.APPROVED,
    "khong-duyet": CommentStatus.REJECTED,
}


def moderation(request):
    current = request.GET.get("trang-thai", "cho-duyet")
    status = MODERATION_FILTERS.get(current, CommentStatus.PENDING)
    comments = (
        comments_moderated_by(request.user)
        .filter(status=status)
        .select_related("article", "article__publisher", "moderated_by")
        .order_by("created_at", "pk")
    )
    page = paginate(request, comments)
    return render(
        request, "portal/moderation.html", {"page": page, "current": current, "filters": MODERATION_FILTERS}
    )


@require_POST
def comment_moderate(request, pk: int):
    comment = access.comment.get_for_user(request.user, pk)
    approve = request.POST.get("decision") == "approve"
    services.comment_moderate(comment=comment, approve=approve, by=request.user)
    if approve:
        messages.success(
            request, f"Đã duyệt bình luận “{comment.title}”: bình luận hiện trên cổng thông tin."
        )
    else:
        messages.success(request, f"Đã không duyệt bình luận “{comment.title}”.")
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("portal:moderation")


# --- members' questions on their meeting's materials ----------------------------------------------------------


def questions(request, meeting_pk: int):
    meeting = get_meeting_for_questions(request.user, meeting_pk)
    member = own_member(request.user)
    form = QuestionForm(request.POST or None)
    if request.method == "POST":
        if member is None:
            raise Http404("Không tìm thấy buổi sinh hoạt.")
        done = submit_form(
            request,
            form,
            lambda data: services.question_ask(
                meeting=meeting, member=member, text=data["text"], by=request.user
            ),
            success="Đã gửi câu hỏi; cấp ủy chi bộ sẽ trả lời trước hoặc trong buổi sinh hoạt.",
            then=meeting.get_absolute_url() + "#cau-hoi",
        )
        if done:
            return done
    return render(request, "portal/questions.html", {"meeting": meeting, "question_form": form})


@require_POST
def question_answer(request, pk: int):
    question = MeetingQuestion.objects.select_related("meeting__cell").filter(pk=pk).first()
    if question is None:
        raise Http404("Không tìm thấy câu hỏi.")
    meeting = get_meeting_for_user(request.user, question.meeting_id, write=True)
    form = AnswerForm(request.POST)
    if form.is_valid():
        services.question_answer(question=question, answer=form.cleaned_data["answer"], by=request.user)
        messages.success(request, "Đã ghi câu trả lời.")
    else:
        messages.error(request, "Trả lời: không được để trống.")
    return redirect(meeting.get_absolute_url() + "#cau-hoi")
