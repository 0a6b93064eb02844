from django.apps import AppConfig


class RegistersConfig(AppConfig):
    name = "rollbook.registers"
    label = "registers"
