from django.conf import settings
from django.db import models


class Action(models.TextChoices):
    CREATE = "create", "Tạo mới"
    UPDATE = "update", "Sửa"
    DELETE = "delete", "Xóa"
    EXPORT = "export", "Xuất dữ liệu"
    # Accounts and logins (Decree 13/2023: who got in, who was refused, who was given a right).
    LOGIN = "login", "Đăng nhập"
    LOGIN_FAILED = "login_failed", "Đăng nhập sai"
    LOCKOUT = "lockout", "Khóa đăng nhập"
    UNLOCK = "unlock", "Mở khóa đăng nhập"
    LOGOUT_ALL = "logout_all", "Đăng xuất mọi thiết bị"
    ACCOUNT = "account", "Tạo tài khoản"
    ACTIVATE = "activate", "Kích hoạt tài khoản"
    RESET = "reset", "Cấp lại mật khẩu"
    PASSWORD = "password", "Đổi mật khẩu"
    OTP = "otp", "Xác thực hai lớp"
    GRANT = "grant", "Trao quyền"
    REVOKE = "revoke", "Thu hồi quyền"
    READ = "read", "Xem dữ liệu cá nhân"


class AuditEntry(models.Model):
    at = models.DateTimeField("thời điểm", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người thực hiện",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField("thao tác", max_length=20, choices=Action.choices)
    model = models.CharField("đối tượng", max_length=60)
    object_id = models.CharField(max_length=40, blank=True)
    object_repr = models.CharField("mô tả", max_length=255, blank=True)
    # The organisation path the object belonged to, so staff read the log of their own subtree only.
    org_path = models.CharField(max_length=255, blank=True, db_index=True)
    before = models.JSONField("trước", null=True, blank=True)
    after = models.JSONField("sau", null=True, blank=True)

    class Meta:
        verbose_name = "mục nhật ký"
        verbose_name_plural = "nhật ký thay đổi"
        ordering = ["-at", "-id"]
        # audit_read's "already read within the hour" looks up one reader's recent entries.
        indexes = [models.Index(fields=["user", "action", "at"], name="audit_reader_recent")]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.get_action_display()} {self.model} {self.object_repr}"

    def changes(self) -> list[tuple[str, object, object]]:
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]
