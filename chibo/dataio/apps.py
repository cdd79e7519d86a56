from django.apps import AppConfig


class DataioConfig(AppConfig):
    name = "chibo.dataio"
    label = "dataio"
    verbose_name = "Nhập, xuất dữ liệu"
