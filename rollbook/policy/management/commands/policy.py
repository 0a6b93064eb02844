"""`rollbook policy use PRESET | load FILE | check FILE | show | presets [--school URN]`"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rollbook.core.schools import school_for_command
from rollbook.policy import actions
from rollbook.policy.monitoring import active_policy
from rollbook.policy.schema import PolicyError, load_policy, preset_names

ACTOR = "rollbook policy"


class Command(BaseCommand):
    help = "Choose, load, check and show a school's attendance policy."
    requires_system_checks = []  # a data command: start fast (checks run in `make lint` and at deploy)

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        use = sub.add_parser("use", help="adopt a preset (see `presets`)")
        use.add_argument("preset")
        load = sub.add_parser("load", help="adopt a policy file (TOML)")
        load.add_argument("path")
        check = sub.add_parser("check", help="validate a policy file without adopting it")
        check.add_argument("path")
        sub.add_parser("show", help="the active policy")
        sub.add_parser("presets", help="list the presets")
        for p in (use, load, sub.choices["show"]):
            p.add_argument("--school", help="URN (may be left out when there is only one school)")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except (PolicyError, actions.AlertError) as e:
            raise CommandError(str(e)) from e
        except UnicodeDecodeError as e:
            raise CommandError(f"{options.get('path')}: not UTF-8 text ({e.reason})") from e
        except OSError as e:
            raise CommandError(f"{options.get('path')}: cannot read it ({e.strerror or e})") from e

    def _presets(self, **options):
        for name in preset_names():
            self.stdout.write(name)

    def _check(self, path, **options):
        policy = load_policy(path)
        self.stdout.write(
            f"{path}: valid — {policy.name!r}, {len(policy.stages)} stage(s), {len(policy.rewards)} reward(s)"
        )

    def _use(self, preset, school=None, **options):
        record = actions.adopt_preset(
            actor_label=ACTOR, school=school_for_command(school), preset=preset
        )
        self.stdout.write(
            f"{record.school.name} now uses {record.name!r} (version {record.version})."
        )

    def _load(self, path, school=None, **options):
        text = Path(path).read_text(encoding="utf-8")
        record = actions.adopt_policy(
            actor_label=ACTOR, school=school_for_command(school), text=text, source=path
        )
        self.stdout.write(
            f"{record.school.name} now uses {record.name!r} (version {record.version})."
        )

    def _show(self, school=None, **options):
        policy, version = active_policy(school_for_command(school))
        self.stdout.write(f"{policy.name} (version {version or 'built-in'})")
        for stage in policy.stages:
            self.stdout.write(
                f"  {stage.key}: {stage.name} — owner {stage.owner}, {len(stage.actions)} action(s)"
            )
