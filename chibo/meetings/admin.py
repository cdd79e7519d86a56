from django.contrib import admin

from chibo.meetings.models import (
    AbsenceReport,
    Meeting,
    MeetingMaterial,
    RuleSet,
    RuleStep,
    ScoringCriterion,
    ScoringSheet,
)


class RuleStepInline(admin.TabularInline):
    model = RuleStep
    extra = 0


class ScoringSheetInline(admin.TabularInline):
    model = ScoringSheet
    extra = 0
    show_change_link = True


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "document_number", "document_date", "owner", "valid_from", "valid_until")
    list_select_related = ("owner",)
    raw_id_fields = ("owner", "copied_from")
    inlines = [RuleStepInline, ScoringSheetInline]


class ScoringCriterionInline(admin.TabularInline):
    model = ScoringCriterion
    extra = 0


@admin.register(ScoringSheet)
class ScoringSheetAdmin(admin.ModelAdmin):
    list_display = ("title", "rule_set", "meeting_kind", "good_from", "fair_from", "average_from")
    inlines = [ScoringCriterionInline]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("cell", "kind", "status", "scheduled_at", "rule_set")
    list_filter = ("kind", "status")
    list_select_related = ("cell", "rule_set")
    raw_id_fields = ("cell", "drafter", "chair", "minute_taker", "shares_session_with")
    date_hierarchy = "scheduled_at"
    search_fields = ("cell__name", "cell__code", "topic")


@admin.register(MeetingMaterial)
class MeetingMaterialAdmin(admin.ModelAdmin):
    list_display = ("title", "meeting", "published_at")
    raw_id_fields = ("meeting",)


@admin.register(AbsenceReport)
class AbsenceReportAdmin(admin.ModelAdmin):
    list_display = ("member", "meeting", "reason", "created_at")
    raw_id_fields = ("meeting", "member")
