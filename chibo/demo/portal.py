"""Demo articles of the committee's public portal: the city's and the first ward's, with readers'
comments approved, pending and rejected, and a member's question on the showcase cell's next meeting."""

import datetime as dt

from django.utils import timezone

from chibo.common.access import SYSTEM
from chibo.demo.generator import SeedResult
from chibo.meetings.models import Meeting, MeetingStatus
from chibo.meetings.services.preparation import member_is_on_roster
from chibo.members.models import Member
from chibo.orgs.models import Organisation, RoleKind
from chibo.portal import services
from chibo.portal.models import Article, Comment

CITY_ARTICLES = [
    (
        "Nâng cao chất lượng sinh hoạt chi bộ thuộc Đảng bộ thành phố Hà Nội trong tình hình mới",
        "Ban Thường vụ Thành ủy Hà Nội ban hành Đề án số 11-ĐA/TU về nâng cao chất lượng sinh hoạt chi bộ.",
        "Đề án xác định rõ mục tiêu, yêu cầu, phạm vi, đối tượng áp dụng và nguyên tắc thực hiện.\n\n"
        "**Mục tiêu:** 100% chi bộ thực hiện nghiêm túc chế độ sinh hoạt thường kỳ hằng tháng và sinh hoạt "
        "chuyên đề theo quy định; các chi bộ có đầy đủ tài liệu phục vụ sinh hoạt chi bộ; tỷ lệ đảng viên "
        "tham gia sinh hoạt chi bộ định kỳ hằng tháng đạt từ 90% trở lên.\n\n"
        "- 100% chi bộ thực hiện đầy đủ nội dung, đúng quy trình các bước tổ chức sinh hoạt chi bộ.\n"
        "- 100% đảng viên đang công tác được chi bộ phân công nhiệm vụ cụ thể.\n"
        "- 100% bí thư, phó bí thư chi bộ, chi ủy viên được bồi dưỡng kỹ năng, nghiệp vụ công tác Đảng.",
        "Thu Hằng",
    ),
    (
        "Sơ kết việc thực hiện Đề án 11-ĐA/TU: nhiều chi bộ đổi mới nội dung sinh hoạt",
        "Các đảng bộ trực thuộc báo cáo kết quả thực hiện các chỉ tiêu của Đề án sau một năm.",
        "Nhiều chi bộ đã gửi tài liệu sinh hoạt cho đảng viên trước ít nhất một ngày, tỷ lệ đảng viên dự "
        "sinh hoạt tăng rõ rệt.\n\nThời gian tới, các cấp ủy tiếp tục tăng cường kiểm tra, giám sát, "
        "phân công cấp ủy viên cấp trên theo dõi, dự sinh hoạt tại chi bộ.",
        "Minh An",
    ),
    (
        "Hướng dẫn 42-HD/BTCTW về nâng cao chất lượng sinh hoạt chi bộ: những điểm mới",
        "Tóm tắt các bước chuẩn bị, tiến hành và kết thúc buổi sinh hoạt chi bộ theo hướng dẫn mới.",
        "Hướng dẫn quy định rõ khâu chuẩn bị: bí thư phân công chuẩn bị dự thảo, chi ủy họp trước, thông báo "
        "cho đảng viên và cấp ủy viên phụ trách, gửi tài liệu trước ít nhất một ngày.\n\n"
        "Thời gian sinh hoạt tối thiểu 90 phút; 120 phút khi kết hợp sinh hoạt chuyên đề.",
        "Ban Tổ chức Thành ủy",
    ),
]

WARD_ARTICLES = [
    (
        "Đảng ủy phường triển khai sinh hoạt chi bộ tháng này",
        "Định hướng nội dung sinh hoạt chi bộ thường kỳ cho các chi bộ tổ dân phố.",
        "Các chi bộ tập trung kiểm điểm việc thực hiện nghị quyết tháng trước, phân công nhiệm vụ cụ thể "
        "cho từng đảng viên đang công tác và thảo luận công tác vệ sinh môi trường, an ninh trật tự trên địa bàn.",
        "Văn phòng Đảng ủy",
    ),
    (
        "Chi bộ tổ dân phố tổ chức sinh hoạt chuyên đề về chuyển đổi số",
        "Sinh hoạt chuyên đề giúp đảng viên nắm được cách sử dụng dịch vụ công trực tuyến.",
        "Buổi sinh hoạt có đồng chí cấp ủy viên phụ trách tham dự. Đảng viên được hướng dẫn cài đặt ứng dụng "
        "định danh điện tử và tra cứu thủ tục hành chính.",
        "Văn phòng Đảng ủy",
    ),
]

COMMENTS = [
    (
        "Nguyễn Văn Hùng",
        "Đề án rất thiết thực",
        "Chi bộ chúng tôi đã áp dụng gửi tài liệu trước hai ngày.",
        True,
    ),
    ("Trần Thị Mai", "Đề nghị bổ sung tài liệu", "Mong Đảng ủy gửi thêm tài liệu chuyên đề quý này.", True),
    ("Lê Minh Tuấn", "Câu hỏi về thời gian sinh hoạt", "Chi bộ nhỏ có được rút ngắn thời gian không?", None),
    ("Phạm Quốc Bảo", "Góp ý", "Nội dung không phù hợp.", False),
]


def _publish_at(article: Article, when: dt.datetime) -> None:
    Article.objects.filter(pk=article.pk).update(published_at=when, view_count=(article.pk * 37) % 400 + 12)


def seed(result: SeedResult, users: dict) -> None:
    # The demo's own users write when it has them (the log shows them); SYSTEM otherwise.
    staff = users.get(RoleKind.STAFF) or SYSTEM
    admin = users.get(RoleKind.ADMIN) or SYSTEM
    city = Organisation.objects.get(pk=result.root_id)
    ward = Organisation.objects.get(pk=result.ward_ids[0]) if result.ward_ids else city
    now = timezone.now()
    articles = []
    for i, (title, summary, body, author) in enumerate(CITY_ARTICLES):
        article = services.article_create(
            publisher=city,
            title=title,
            summary=summary,
            body=body,
            author_name=author,
            publish=True,
            by=admin,
        )
        _publish_at(article, now - dt.timedelta(days=40 - 12 * i, hours=3))
        articles.append(article)
    for i, (title, summary, body, author) in enumerate(WARD_ARTICLES):
        article = services.article_create(
            publisher=ward,
            title=title,
            summary=summary,
            body=body,
            author_name=author,
            publish=True,
            by=staff,
        )
        _publish_at(article, now - dt.timedelta(days=9 - 6 * i, hours=5))
        articles.append(article)
    services.article_create(
        publisher=ward,
        title="Kế hoạch sinh hoạt chuyên đề quý tới (bản nháp)",
        body="Dự thảo kế hoạch, chưa đăng.",
        author_name="Văn phòng Đảng ủy",
        by=staff,
    )
    # Comments skip the captcha (they are demo data), so they are written directly.
    for n, article in enumerate([articles[0], articles[-2]]):
        for k, (name, title, content, approved) in enumerate(COMMENTS):
            comment = Comment.objects.create(
                article=article,
                name=name,
                phone=f"09{n}{k}123456",
                title=title,
                content=content,
                address_hash=f"demo-{n}-{k}",
            )
            # None: left pending, for the moderation queue.
            if approved is not None:
                moderator = admin if article.publisher_id == city.pk else staff
                services.comment_moderate(comment=comment, approve=approved, by=moderator)
    _question(result)


def _question(result: SeedResult) -> None:
    if not (result.showcase_cell_id and result.showcase_member_id):
        return
    meeting = (
        Meeting.objects.filter(cell_id=result.showcase_cell_id, status=MeetingStatus.PLANNED)
        .select_related("cell")
        .order_by("scheduled_at")
        .first()
    )
    member = Member.objects.filter(pk=result.showcase_member_id).first()
    if meeting is None or member is None or not member_is_on_roster(member, meeting):
        return
    services.question_ask(
        meeting=meeting,
        member=member,
        text="Tài liệu chuyên đề tháng này có bản in cho đảng viên cao tuổi không ạ?",
        # From the member's own account when they have one, so the journal names them.
        by=member.user or SYSTEM,
    )
