from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "rollbook.reports"
    label = "reports"
