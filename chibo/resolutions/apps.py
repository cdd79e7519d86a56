from django.apps import AppConfig


class ResolutionsConfig(AppConfig):
    name = "chibo.resolutions"
    verbose_name = "Nghị quyết, kết luận và nhiệm vụ"
