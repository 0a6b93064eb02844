from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "rollbook.privacy"
    label = "privacy"
    verbose_name = "Privacy: subject access, retention and anonymisation"
