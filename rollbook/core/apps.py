from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "rollbook.core"
    label = "core"
