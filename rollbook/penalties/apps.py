from django.apps import AppConfig


class PenaltiesConfig(AppConfig):
    name = "rollbook.penalties"
    label = "penalties"
    verbose_name = "Penalty notices: decisions, national caps, LA evidence packs"
