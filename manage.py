#!/usr/bin/env python
"""Django's command-line utility for administrative tasks (the `rollbook` CLI wraps it)."""

import sys

from rollbook.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
