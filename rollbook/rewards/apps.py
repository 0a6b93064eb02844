from django.apps import AppConfig


class RewardsConfig(AppConfig):
    name = "rollbook.rewards"
    label = "rewards"
    verbose_name = "Rewards"
