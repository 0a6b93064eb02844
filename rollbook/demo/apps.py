from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "rollbook.demo"
    label = "demo"
    verbose_name = "Demo school"
