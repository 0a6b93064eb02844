from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "rollbook.referrals"
    label = "referrals"
    verbose_name = "Referrals to the EWO, LA attendance team, early help and social care"
