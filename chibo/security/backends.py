from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model

BACKEND_PATH = "chibo.security.backends.LoginGuardBackend"


class LoginGuardBackend(AxesStandaloneBackend):
    """django-axes' lockout check. Every login form passes its request; a call without one (Django's
    test client, a shell) has no address to count, so it is let through to the password check.

    It also loads a session's user (the login page stores it as the session's backend): with the
    user's SessionEpoch row in the same query, so SessionGuardMiddleware costs no query of its own."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_user(self, user_id):
        user = get_user_model()._default_manager.select_related("session_epoch").filter(pk=user_id).first()
        return user if user is not None and user.is_active else None
