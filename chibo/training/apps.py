from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "chibo.training"
    verbose_name = "Bồi dưỡng, tập huấn"
