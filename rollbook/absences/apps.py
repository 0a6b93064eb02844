from django.apps import AppConfig


class AbsencesConfig(AppConfig):
    name = "rollbook.absences"
    label = "absences"
