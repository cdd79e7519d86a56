from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "chibo.portal"
    verbose_name = "Cổng thông tin"
