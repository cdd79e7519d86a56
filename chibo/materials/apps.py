from django.apps import AppConfig


class MaterialsConfig(AppConfig):
    name = "chibo.materials"
    verbose_name = "Tài liệu sinh hoạt"
