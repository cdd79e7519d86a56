"""The two shipped default rule sets (owner empty): HD 12 (2018) until the switch date, HD 42 (2025) from it.

The switch date comes from CHIBO_RULESET_SWITCH_DATE (YYYY-MM-DD or dd/mm/yyyy; default 2025-10-28);
`chibo rulesets switch --date dd/mm/yyyy` moves it later. Data only: no schema change, no app imports.
docs/rule-sets.md lists what is shipped and why.
"""

import datetime as dt
import os

from django.db import migrations

DEFAULT_SWITCH = dt.date(2025, 10, 28)

# (phase, code, title, mandatory). Only the steps carried out AT the meeting: preparation and what
# comes after are the checklist and the deadlines of the rule set.
HD42_REGULAR = [
    ("open", "purpose", "Nêu mục đích, yêu cầu buổi sinh hoạt; giới thiệu đại biểu, khách mời", True),
    ("open", "minute_taker", "Cử thư ký ghi biên bản", True),
    ("open", "roll_call", "Điểm danh: có mặt, vắng có lý do, vắng không lý do", True),
    ("open", "party_fees", "Báo cáo tình hình thu, nộp đảng phí", False),
    ("open", "agenda", "Thông qua chương trình sinh hoạt", True),
    ("content", "report", "Chi ủy báo cáo kết quả tháng trước và phương hướng, nhiệm vụ tháng tới", True),
    (
        "content",
        "task_review",
        "Kiểm điểm việc thực hiện nghị quyết tháng trước và nhiệm vụ được phân công của từng đảng viên",
        True,
    ),
    ("content", "news", "Thông tin, định hướng những vấn đề mới, phức tạp", False),
    ("content", "discussion", "Thảo luận, tự phê bình và phê bình", True),
    ("content", "praise", "Biểu dương, khen thưởng hoặc phê bình (nếu có)", False),
    ("close", "sum_up", "Chủ trì tổng hợp, kết luận các ý kiến", True),
    ("close", "assign_tasks", "Phân công nhiệm vụ cho đảng viên, có thời hạn hoàn thành", True),
    ("close", "requests", "Giải đáp, tiếp thu kiến nghị của đảng viên", False),
    ("close", "vote", "Biểu quyết thông qua nghị quyết hoặc kết luận", True),
    ("close", "score", "Đánh giá, chấm điểm chất lượng buổi sinh hoạt", True),
    ("close", "minutes", "Đọc và thông qua biên bản", True),
]
HD42_THEMATIC = [
    ("open", "purpose", "Bí thư nêu mục đích, yêu cầu của buổi sinh hoạt chuyên đề", True),
    ("open", "minute_taker", "Cử thư ký ghi biên bản", True),
    ("open", "roll_call", "Điểm danh: có mặt, vắng có lý do, vắng không lý do", True),
    ("content", "presentation", "Trình bày chuyên đề", True),
    ("content", "discussion", "Thảo luận có định hướng", True),
    ("close", "conclusion", "Bí thư đánh giá, kết luận chuyên đề", True),
    ("close", "minutes", "Đọc và thông qua biên bản", True),
]
HD12_REGULAR = [
    ("open", "purpose", "Nêu mục đích, yêu cầu buổi sinh hoạt; giới thiệu đại biểu, khách mời", True),
    ("open", "minute_taker", "Cử thư ký ghi biên bản", True),
    ("open", "roll_call", "Điểm danh: có mặt, vắng có lý do, vắng không lý do", True),
    ("open", "party_fees", "Báo cáo tình hình thu, nộp đảng phí", False),
    ("open", "agenda", "Thông qua chương trình sinh hoạt", True),
    ("content", "news", "Thông tin thời sự, những vấn đề mới", False),
    ("content", "report", "Đánh giá kết quả thực hiện nhiệm vụ tháng; xác định nhiệm vụ tháng tới", True),
    ("content", "task_review", "Kiểm điểm việc thực hiện nhiệm vụ được phân công của từng đảng viên", True),
    ("content", "discussion", "Thảo luận, tự phê bình và phê bình", True),
    ("content", "praise", "Biểu dương, khen thưởng hoặc phê bình (nếu có)", False),
    ("close", "sum_up", "Chủ trì tổng hợp, kết luận các ý kiến", True),
    ("close", "assign_tasks", "Phân công nhiệm vụ cho đảng viên", True),
    ("close", "requests", "Giải đáp kiến nghị của đảng viên", False),
    ("close", "vote", "Biểu quyết thông qua nghị quyết hoặc kết luận", True),
    ("close", "score", "Nhận xét, đánh giá chất lượng buổi sinh hoạt", False),
    ("close", "minutes", "Đọc và thông qua biên bản", True),
]
HD12_THEMATIC = [
    ("open", "purpose", "Nêu mục đích, yêu cầu của buổi sinh hoạt chuyên đề", True),
    ("open", "minute_taker", "Cử thư ký ghi biên bản", True),
    ("open", "roll_call", "Điểm danh: có mặt, vắng có lý do, vắng không lý do", True),
    ("content", "presentation", "Trình bày chuyên đề", True),
    ("content", "discussion", "Thảo luận", True),
    ("close", "conclusion", "Chủ trì kết luận chuyên đề", True),
    ("close", "minutes", "Đọc và thông qua biên bản", True),
]

# (code, title, max points, full marks needed for Tốt)
HD42_SHEET = [
    ("time", "Thời gian, thời lượng sinh hoạt", 5, False),
    ("attendance", "Tỷ lệ đảng viên dự sinh hoạt", 5, False),
    ("preparation", "Công tác chuẩn bị (dự thảo, họp chi ủy, thông báo, tài liệu)", 10, False),
    ("conduct", "Tiến hành sinh hoạt, vai trò của người chủ trì", 40, False),
    ("principles", "Thực hiện nguyên tắc tổ chức và sinh hoạt Đảng", 5, False),
    ("results", "Kết quả thực hiện nghị quyết tháng trước", 30, False),
    ("closing", "Kết thúc sinh hoạt: kết luận, biên bản", 5, False),
]
# An EXAMPLE after Phú Thọ's sheet on HD 12's criteria: a committee should copy and adapt it.
HD12_SHEET = [
    ("preparation", "Chuẩn bị (bí thư, phó bí thư chuẩn bị; họp chi ủy trước)", 15, False),
    ("attendance", "Tỷ lệ dự họp trên 85%, không có đảng viên vắng không lý do", 20, True),
    ("conduct", "Tổ chức sinh hoạt: đủ 90 phút, đúng trình tự, nhiều đảng viên phát biểu", 45, False),
    ("closing", "Kết thúc: nghị quyết, kết luận rõ; biên bản đầy đủ", 20, False),
]


def switch_date() -> dt.date:
    raw = os.environ.get("CHIBO_RULESET_SWITCH_DATE", "").strip()
    if not raw:
        return DEFAULT_SWITCH
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"CHIBO_RULESET_SWITCH_DATE={raw!r}: dùng dạng YYYY-MM-DD hoặc dd/mm/yyyy")


def _rule_set(apps, *, code, name, number, date, valid_from, valid_until, steps, sheet_title, sheet):
    RuleSet = apps.get_model("meetings", "RuleSet")
    RuleStep = apps.get_model("meetings", "RuleStep")
    ScoringSheet = apps.get_model("meetings", "ScoringSheet")
    ScoringCriterion = apps.get_model("meetings", "ScoringCriterion")
    if RuleSet.objects.filter(code=code).exists():
        return
    rule_set = RuleSet.objects.create(
        code=code,
        name=name,
        document_number=number,
        document_date=date,
        owner=None,
        valid_from=valid_from,
        valid_until=valid_until,
        min_minutes_regular=90,
        min_minutes_thematic=90,
        min_minutes_combined=120,
        materials_days_before=1,
        minutes_days_after=2,
    )
    for kind, rows in steps.items():
        RuleStep.objects.bulk_create(
            RuleStep(
                rule_set=rule_set,
                meeting_kind=kind,
                order=i,
                code=code_,
                phase=phase,
                title=title,
                mandatory=mandatory,
            )
            for i, (phase, code_, title, mandatory) in enumerate(rows, start=1)
        )
    sheet_row = ScoringSheet.objects.create(
        rule_set=rule_set, meeting_kind="", title=sheet_title, good_from=90, fair_from=70, average_from=50
    )
    ScoringCriterion.objects.bulk_create(
        ScoringCriterion(
            sheet=sheet_row, order=i, code=c, title=title, max_points=points, full_marks_for_good=full
        )
        for i, (c, title, points, full) in enumerate(sheet, start=1)
    )


def forwards(apps, schema_editor):
    switch = switch_date()
    _rule_set(
        apps,
        code="HD12",
        name="Hướng dẫn 12-HD/BTCTW (2018) về nâng cao chất lượng sinh hoạt chi bộ",
        number="12-HD/BTCTW",
        date=dt.date(2018, 7, 6),
        valid_from=dt.date(2018, 7, 6),
        valid_until=switch,
        steps={"regular": HD12_REGULAR, "thematic": HD12_THEMATIC},
        sheet_title="Phiếu mẫu theo tiêu chí Hướng dẫn 12 (ví dụ Phú Thọ; cấp ủy cần điều chỉnh)",
        sheet=HD12_SHEET,
    )
    _rule_set(
        apps,
        code="HD42",
        name="Hướng dẫn 42-HD/BTCTW (2025) về nâng cao chất lượng sinh hoạt chi bộ",
        number="42-HD/BTCTW",
        date=dt.date(2025, 10, 28),
        valid_from=switch,
        valid_until=None,
        steps={"regular": HD42_REGULAR, "thematic": HD42_THEMATIC},
        sheet_title="Phiếu chấm điểm chất lượng sinh hoạt chi bộ (thang 100 điểm)",
        sheet=HD42_SHEET,
    )


def backwards(apps, schema_editor):
    RuleSet = apps.get_model("meetings", "RuleSet")
    RuleSet.objects.filter(code__in=["HD12", "HD42"], owner__isnull=True, meetings__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
