from django.contrib import admin

from chibo.accounts.models import ActivationCode


@admin.register(ActivationCode)
class ActivationCodeAdmin(admin.ModelAdmin):
    list_display = ("user", "purpose", "created_at", "expires_at", "used_at", "replaced_at", "failures")
    raw_id_fields = ("user", "created_by")
    readonly_fields = ("code_hash",)
