from axes.backends import AxesStandaloneBackend


class LoginGuardBackend(AxesStandaloneBackend):
    """django-axes' lockout check. Every login form passes its request; a call without one (Django's
    test client, a shell) has no address to count, so it is let through to the password check."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
