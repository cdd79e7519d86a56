from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "chibo.supervision"
    verbose_name = "Kiểm tra, giám sát"
