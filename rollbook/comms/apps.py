from django.apps import AppConfig


class CommsConfig(AppConfig):
    name = "rollbook.comms"
    label = "comms"
    verbose_name = "Messages to families"
