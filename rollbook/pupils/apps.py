from django.apps import AppConfig


class PupilsConfig(AppConfig):
    name = "rollbook.pupils"
    label = "pupils"
