"""`rollbook api_token create --school URN --role office --name "MIS sync"` | `revoke ID` | `list`"""

from django.core.management.base import BaseCommand, CommandError

from rollbook.api.actions import TokenError, create_api_token, revoke_api_token
from rollbook.api.models import ApiToken
from rollbook.core.models import Role
from rollbook.core.schools import school_for_command

LABEL = "rollbook api_token"


class Command(BaseCommand):
    help = "Create, list and revoke API tokens (a token is shown once, when it is created)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token and print it once")
        create.add_argument("--school", help="URN (may be left out when there is only one school)")
        create.add_argument("--role", required=True, choices=Role.values)
        create.add_argument("--name", required=True, help="What uses it, e.g. 'MIS sync'")
        revoke = sub.add_parser("revoke", help="Revoke a token by its id")
        revoke.add_argument("id", type=int)
        listing = sub.add_parser("list", help="List a school's tokens (never the tokens)")
        listing.add_argument("--school")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except TokenError as e:
            raise CommandError(str(e)) from e

    def _create(self, *, school, role, name, **options):
        row, token = create_api_token(
            actor_label=LABEL, school=school_for_command(school), role=role, name=name
        )
        self.stderr.write(
            f"Token {row.pk} '{row.name}' ({row.role}) for {row.school}. "
            "It is shown once and cannot be recovered: store it now."
        )
        self.stdout.write(token)

    def _revoke(self, *, id, **options):
        token = ApiToken.objects.select_related("school").filter(pk=id).first()
        if token is None:
            raise CommandError(f"no API token with id {id}")
        revoke_api_token(actor_label=LABEL, token=token)
        self.stdout.write(f"Revoked token {token.pk} '{token.name}' at {token.school}.")

    def _list(self, *, school, **options):
        for t in ApiToken.objects.filter(school=school_for_command(school)).order_by("id"):
            state = f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "active"
            used = f"last used {t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never used"
            self.stdout.write(f"{t.pk}\t{t.name}\t{t.role}\t{state}\t{used}")
