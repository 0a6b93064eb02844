from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "rollbook.letters"
    label = "letters"
    verbose_name = "Letters to families: templates, merged PDFs, frozen copies on the timeline"
