from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "rollbook.policy"
    label = "policy"
