from django.conf import settings
from django.db import models


class SessionEpoch(models.Model):
    """A per-user counter copied into each session at login: "log out of every device" raises it, and
    every session holding an older value ends at its next request (with any session backend)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="session_epoch"
    )
    counter = models.PositiveIntegerField(default=0)
    # Kept in step with the user's devices (signals.py): the middleware reads this one row per request.
    has_second_factor = models.BooleanField(default=False)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "thế hệ phiên đăng nhập"
        verbose_name_plural = "thế hệ phiên đăng nhập"

    def __str__(self):
        return f"{self.user} #{self.counter}"
