from django.contrib.auth.backends import ModelBackend


class LoginBackend(ModelBackend):
    """Logs in with the user name (a member's party card number)."""
