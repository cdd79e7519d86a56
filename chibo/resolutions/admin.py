from django.contrib import admin

from chibo.resolutions.models import Resolution, Task, TaskNote


@admin.register(Resolution)
class ResolutionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "cell", "issued_on", "status")
    list_filter = ("kind", "status")
    raw_id_fields = ("meeting", "cell", "vote", "approved_by")


class TaskNoteInline(admin.TabularInline):
    model = TaskNote
    extra = 0
    raw_id_fields = ("author",)


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ("member", "cell", "due_on", "status", "progress")
    list_filter = ("status",)
    raw_id_fields = (
        "cell",
        "meeting",
        "member",
        "report_meeting",
        "evaluated_in",
        "evaluated_by",
        "carried_from",
        "created_by",
    )
    inlines = [TaskNoteInline]
