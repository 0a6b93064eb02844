from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "rollbook.portal"
    label = "portal"
    verbose_name = "Parent portal"
