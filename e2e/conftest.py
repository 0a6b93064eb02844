"""Browser journeys: Playwright driving Debian's chromium. Never run `playwright install`.

Install the browser with `apt-get install -y chromium`. If /usr/bin/chromium is missing,
every test in this folder is skipped with a message saying so.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop running in the test thread. Without this, any ORM
# call in a test that uses `page` raises SynchronousOnlyOperation (stack notes, section 5).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
E2E_DIR = Path(__file__).parent
AXE = E2E_DIR / "vendor" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark everything under e2e/ as `e2e`, and skip it cleanly when chromium is absent."""
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not found: apt-get install -y chromium")
    for item in items:
        if E2E_DIR in item.path.parents:
            item.add_marker(pytest.mark.e2e)
            if not CHROMIUM.exists():
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's live server, started only after the test database exists.

    The server shares the test thread's in-memory SQLite connection only if that database is
    already set up when the server starts. Otherwise each request thread opens its own
    in-memory connection. Django never closes those, and Python 3.13 then raises a
    ResourceWarning, which filterwarnings=error turns into a failure.
    """
    return live_server


@pytest.fixture
def axe_violations():
    """Run axe-core on a page. Return the WCAG 2.2 A/AA violations of serious or critical impact."""

    def run(page) -> list[dict]:
        # Evaluated through the devtools protocol, not as a <script> tag, so the site's
        # Content-Security-Policy stays on while axe checks the page.
        page.evaluate(AXE.read_text(encoding="utf-8"))
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_22_AA
        )
        return [
            {"id": v["id"], "impact": v["impact"], "targets": [n["target"] for n in v["nodes"]]}
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    return run
