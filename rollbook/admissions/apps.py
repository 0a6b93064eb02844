from django.apps import AppConfig


class AdmissionsConfig(AppConfig):
    name = "rollbook.admissions"
    label = "admissions"
    verbose_name = "Admission register, deletions, children missing education and LA returns"
