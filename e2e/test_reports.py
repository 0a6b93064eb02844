"""Acceptance for the reports (issue 9): the governors' PDF for the demo school, rendered to PNG.

The demo school (`rollbook demo`: Oakfield Primary, 14 classes, 420 pupils) is generated as
`make run` loads it; ROLLBOOK_E2E_SMALL_DEMO=1 makes it 10 pupils a class for a quick local run. The clock is 20 January 2026, so the autumn term 2025/26 is complete and the demo
holds last year's marks to compare with. Each report's build time is printed and held to 2 s.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from datetime import date
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.urls import reverse

from rollbook.demo.generate import generate
from rollbook.reports import periods
from rollbook.reports.census import census_periods
from rollbook.reports.governors_queries import governors_report
from rollbook.reports.queries import pupil_figures
from rollbook.reports.review_queries import census_return, review_for

pytestmark = pytest.mark.e2e
TODAY = date(2026, 1, 20)
NOW = "2026-01-20 16:00:00+00:00"
PER_CLASS = 10 if os.environ.get("ROLLBOOK_E2E_SMALL_DEMO") else 30
BUDGET_SECONDS = 2.0
NO_WORKER = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def timed(build, runs: int = 2) -> float:
    """The best of `runs` builds: the budget is about the code, not a busy CI neighbour."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        build()
        best = min(best, time.perf_counter() - started)
    return best


def test_the_governors_pdf_for_the_demo_school_renders_to_png(transactional_db, output_path):
    with time_machine.travel(NOW, tick=False):
        # The demo drafts its stage letters; their PDFs are the worker's job, not this test's.
        with override_settings(TASKS=NO_WORKER):
            school = generate(seed=9, today=TODAY, pupils_per_class=PER_CLASS).school
        autumn = periods.find(
            periods.report_periods(school.calendar().terms, TODAY), "2025-autumn", ("term",)
        )
        half_term = periods.find(
            periods.report_periods(school.calendar().terms, TODAY), None, ("half_term",)
        )
        seconds = {
            "governors": timed(lambda: governors_report(school, autumn, TODAY)),
            "review": timed(lambda: review_for(school, half_term, None, pupil_level=True)),
            "census": timed(
                lambda: census_return(school, census_periods(2025)[0], pupil_level=True)
            ),
            "groups": timed(lambda: pupil_figures(school, autumn.first, autumn.last)),
        }
        client = Client()
        client.force_login(get_user_model().objects.get(username="head"))
        page = client.get(reverse("governors_report"), {"period": "2025-autumn"})
        build = client.post(
            reverse("governors_pdf_request"),
            {"period": "2025-autumn", "next_steps": "Mornings in Year 3; the PP gap."},
        )
        status = client.get(reverse("governors_pdf_status"), {"period": "2025-autumn"})
        pdf = client.get(reverse("governors_pdf_download"), {"period": "2025-autumn"})

    print(f"report build seconds ({PER_CLASS} pupils a class): {seconds}")
    assert all(s <= BUDGET_SECONDS for s in seconds.values()), seconds
    assert page.status_code == 200 and "Autumn term 2025/26" in page.text
    assert build.status_code == 302 and "is ready" in status.text
    assert pdf["Content-Type"] == "application/pdf"
    out = Path(output_path)
    out.mkdir(parents=True, exist_ok=True)
    (out / "governors-report.pdf").write_bytes(pdf.content)
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm not found: apt-get install -y poppler-utils")
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "2",
            str(out / "governors-report.pdf"),
            str(out / "governors-report"),
        ],
        check=True,
    )
    assert len(list(out.glob("governors-report-*.png"))) == 2
