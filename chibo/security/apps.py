from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "chibo.security"
    label = "security"
    verbose_name = "Bảo mật đăng nhập"

    def ready(self):
        from chibo.security import signals  # noqa: F401
