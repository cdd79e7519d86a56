from django.conf import settings
from django.db import models
from django.utils import timezone

# Five wrong codes and the code is dead: a new slip is needed (brute force of a typed code stays hopeless).
MAX_FAILURES = 5


class CodePurpose(models.TextChoices):
    ACTIVATE = "activate", "Kích hoạt tài khoản"
    RESET = "reset", "Cấp lại mật khẩu"


class ActivationCode(models.Model):
    """A one-time code printed on a slip. Only a keyed hash is stored (codes.code_hash): printing a slip
    again issues a new code and marks the unused one replaced."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activation_codes"
    )
    code_hash = models.CharField(max_length=64)
    purpose = models.CharField(max_length=10, choices=CodePurpose.choices, default=CodePurpose.ACTIVATE)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    replaced_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "mã kích hoạt"
        verbose_name_plural = "mã kích hoạt"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "used_at", "replaced_at"], name="activation_code_open")]

    def __str__(self):
        return f"{self.get_purpose_display()} · {self.user_id} · {self.created_at:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.used_at is None and self.replaced_at is None

    def is_expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at

    @property
    def is_blocked(self) -> bool:
        return self.failures >= MAX_FAILURES
