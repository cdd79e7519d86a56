from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "chibo.notices"
    label = "notices"
    verbose_name = "Thông báo"
