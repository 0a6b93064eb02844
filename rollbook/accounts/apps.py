from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "rollbook.accounts"
    label = "accounts"
    verbose_name = "Staff accounts: two-factor sign-in and the audit log"
