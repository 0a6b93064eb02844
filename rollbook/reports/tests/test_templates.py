"""Smoke test: every template this app owns renders (Zulip's test_templates)."""

from datetime import date

import pytest
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory

from rollbook.reports.queries import school_today
from rollbook.reports.tests import builders


@pytest.fixture
def request_(rf: RequestFactory):
    request = rf.get("/")
    request.user = AnonymousUser()
    return request


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("base.html", "Skip to main content"),
        ("core/login.html", "Sign in to Rollbook"),
        ("reports/home.html", "No school is linked to your account"),
        ("reports/governors_none.html", "There are no terms to report on yet"),
    ],
)
def test_each_template_renders(request_, template, expected):
    context = {"form": AuthenticationForm(), "next": "/"}

    html = render_to_string(template, context, request=request_)

    assert expected in html
    assert 'class="govuk-template__body"' in html
    assert "vendor/govuk/govuk-frontend.min.css" in html
    assert "vendor/htmx/htmx.min.js" in html


@pytest.mark.django_db
def test_home_renders_with_a_summary(request_):
    school = builders.school()
    summary = school_today(school, date(2026, 3, 11))

    html = render_to_string(
        "reports/home.html", {"school": school, "summary": summary}, request=request_
    )

    assert "Morning register" in html
    assert "Afternoon register" in html
    assert "No marks yet" in html
    assert "This week so far" not in html  # the card needs `week`; without it, left out
