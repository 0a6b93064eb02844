from django.apps import AppConfig
from django.core import checks


class AccountsConfig(AppConfig):
    name = "rollbook.accounts"
    label = "accounts"
    verbose_name = "Staff accounts: two-factor sign-in and the audit log"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from rollbook.accounts.sessions import on_sign_in

        user_logged_in.connect(on_sign_in, dispatch_uid="rollbook.accounts.on_sign_in")
        checks.register(check_required_roles, checks.Tags.security)


def check_required_roles(app_configs=None, **kwargs):
    """A misspelt role in TWO_FACTOR_REQUIRED_ROLES would quietly exempt that role."""
    from django.conf import settings

    from rollbook.core.models import Role

    unknown = sorted(set(settings.TWO_FACTOR_REQUIRED_ROLES) - set(Role.values))
    if not unknown:
        return []
    return [
        checks.Error(
            f"TWO_FACTOR_REQUIRED_ROLES names unknown roles: {', '.join(unknown)}",
            hint=f"Use these: {', '.join(Role.values)}",
            id="accounts.E001",
        )
    ]
