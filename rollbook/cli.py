"""The `rollbook` console script: Django's management commands with the project's settings.

`rollbook migrate`, `rollbook school create`, `rollbook import pupils|marks`, `rollbook stats`
and `rollbook demo` are management commands; DATABASE_URL chooses the database.
"""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:] if argv is None else argv
    execute_from_command_line(["rollbook", *args])
    return 0
