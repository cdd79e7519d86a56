from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "chibo.reporting"
    verbose_name = "Chỉ tiêu Đề án 11, báo cáo"

    def ready(self):
        from chibo.reporting import staleness  # noqa: F401  (connects the cell_month_changed receiver)
