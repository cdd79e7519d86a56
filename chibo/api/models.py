import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

# Tokens start with this, so a leaked one is recognisable (secret scanners, logs) and the stored
# `prefix` tells a user which of their tokens it is without keeping the token itself.
TOKEN_PREFIX = "chibo_"
PREFIX_LENGTH = len(TOKEN_PREFIX) + 6


def hash_token(raw: str) -> str:
    # A token has 256 random bits, so a plain SHA-256 is enough (no salt, no slow hash) and lookups
    # stay one indexed equality.
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()),
            revoked_at__isnull=True,
            user__is_active=True,
        )


class ApiToken(models.Model):
    """A bearer token for the JSON API; only its hash is stored. Revoked tokens are kept for the record."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("tên", max_length=80)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField("đầu khóa", max_length=16, editable=False, default="")
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    last_used_at = models.DateTimeField("dùng lần cuối", null=True, blank=True)
    revoked_at = models.DateTimeField("thu hồi lúc", null=True, blank=True)
    # A token for a report spreadsheet only needs to read: if it leaks, nothing can be changed with it.
    read_only = models.BooleanField("chỉ đọc", default=False)
    # Empty: valid until revoked. A token given to a one-off job should end by itself.
    expires_at = models.DateTimeField("hết hạn lúc", null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "khóa API"
        verbose_name_plural = "khóa API"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({self.user})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired
