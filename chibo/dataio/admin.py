from django.contrib import admin

from chibo.dataio.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["file_name", "kind", "user", "status", "total_rows", "created_at"]
    list_filter = ["status", "kind"]
    readonly_fields = ["errors", "counts"]
