"""The meetings URL table, in one place (meetings:...); the views live in meetings/views/."""

from django.urls import path

from chibo.meetings.views import minutes, planning, rulesets, running, scoring

app_name = "meetings"
urlpatterns = [
    # planning and preparing; the member's own schedule
    path("cua-toi/", planning.my_schedule, name="my_schedule"),
    path("cua-toi/lich/", planning.feed_manage, name="feed_manage"),
    path("lich/<str:token>.ics", planning.feed, name="feed"),
    path("chi-bo/<int:org_pk>/", planning.cell_schedule, name="cell_schedule"),
    path("chi-bo/<int:org_pk>/them/", planning.meeting_create_view, name="create"),
    path("to-chuc/<int:org_pk>/ke-hoach-nam/", planning.plan_year_view, name="plan_year"),
    path("<int:pk>/", planning.meeting_detail, name="detail"),
    path("<int:pk>/sua/", planning.meeting_edit, name="edit"),
    path("<int:pk>/doi-lich/", planning.meeting_reschedule_view, name="reschedule"),
    path("<int:pk>/huy/", planning.meeting_cancel_view, name="cancel"),
    path("<int:pk>/chuan-bi/", planning.meeting_prepare_view, name="prepare"),
    path("<int:pk>/thong-bao/", planning.send_notice_view, name="send_notice"),
    path("<int:pk>/tai-lieu/them/", planning.material_add_view, name="material_add"),
    path("<int:pk>/bao-vang/", planning.absence_view, name="absence"),
    path("tai-lieu/<int:pk>/", planning.material_download, name="material"),
    path("tai-lieu/<int:pk>/gui/", planning.material_publish_view, name="material_publish"),
    # rule sets
    path("quy-dinh/", rulesets.ruleset_list, name="rulesets"),
    path("quy-dinh/<int:pk>/", rulesets.ruleset_detail, name="ruleset"),
    path("quy-dinh/<int:pk>/sao-chep/", rulesets.ruleset_copy_view, name="ruleset_copy"),
    path("quy-dinh/<int:pk>/sua/", rulesets.ruleset_edit, name="ruleset_edit"),
    path("quy-dinh/<int:pk>/them-buoc/", rulesets.rulestep_add_view, name="rulestep_add"),
    path("quy-dinh/buoc/<int:pk>/", rulesets.rulestep_edit, name="rulestep_edit"),
    path("quy-dinh/tieu-chi/<int:pk>/", rulesets.criterion_edit, name="criterion_edit"),
    # running a meeting
    path("<int:pk>/dieu-hanh/", running.run, name="run"),
    path("<int:pk>/dieu-hanh/bat-dau/", running.open_view, name="open"),
    path("<int:pk>/dieu-hanh/chu-tri/", running.officers_view, name="officers"),
    path("<int:pk>/dieu-hanh/ket-thuc/", running.close_view, name="close"),
    path("<int:pk>/dieu-hanh/gio/", running.times_view, name="times"),
    path("<int:pk>/dieu-hanh/buoc/<int:step_pk>/", running.step_view, name="step"),
    path("<int:pk>/dieu-hanh/phat-bieu/", running.speech_add_view, name="speech_add"),
    path(
        "<int:pk>/dieu-hanh/phat-bieu/<int:speech_pk>/xoa/", running.speech_delete_view, name="speech_delete"
    ),
    path("<int:pk>/diem-danh/", running.roll_call, name="roll_call"),
    path("<int:pk>/diem-danh/<int:line_pk>/", running.attendance_view, name="attendance"),
    path("<int:pk>/diem-danh/co-mat-tat-ca/", running.mark_all_present_view, name="mark_all_present"),
    path("<int:pk>/khach-moi/", running.guest_add_view, name="guest_add"),
    path("<int:pk>/khach-moi/<int:guest_pk>/xoa/", running.guest_delete_view, name="guest_delete"),
    path("<int:pk>/bieu-quyet/", running.votes, name="votes"),
    path("<int:pk>/bieu-quyet/<int:vote_pk>/xoa/", running.vote_delete_view, name="vote_delete"),
    path("<int:pk>/ma-qr/", running.qr, name="qr"),
    path("<int:pk>/co-mat/<str:token>/", running.checkin, name="checkin"),
    path("<int:pk>/toi-co-mat/", running.checkin_self, name="checkin_self"),
    path("<int:pk>/in/giay-moi/", running.print_invitations, name="print_invitations"),
    path("<int:pk>/in/giay-bao-chua-nhan/", running.print_slips_view, name="print_notice_slips"),
    path("<int:pk>/in/danh-sach-ky/", running.print_roll_call, name="print_roll_call"),
    # minutes
    path("<int:pk>/bien-ban/", minutes.minutes_detail, name="minutes"),
    path("<int:pk>/bien-ban/lap/", minutes.minutes_build_view, name="minutes_build"),
    path("<int:pk>/bien-ban/sua/", minutes.minutes_edit, name="minutes_edit"),
    path("<int:pk>/bien-ban/thong-qua/", minutes.minutes_approve_view, name="minutes_approve"),
    path("<int:pk>/bien-ban/dinh-chinh/", minutes.minutes_amend_view, name="minutes_amend"),
    path("<int:pk>/bien-ban.<str:fmt>", minutes.minutes_download, name="minutes_download"),
    # scores and warnings
    path("<int:pk>/cham-diem/", scoring.score_view, name="score"),
    path("<int:pk>/cham-diem/xac-nhan/", scoring.score_confirm_view, name="score_confirm"),
    path("canh-bao/<int:org_pk>/", scoring.warnings_view, name="warnings"),
]
