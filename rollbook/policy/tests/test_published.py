"""S001-6: the published policy, a public page and PDF built from the adopted policy alone."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from rollbook.core.actions import create_staff_user
from rollbook.core.models import Role
from rollbook.core.tests.factories import make_pupil, make_school
from rollbook.policy import published
from rollbook.policy.actions import adopt_policy, adopt_preset, render_published_pdf
from rollbook.policy.schema import NATIONAL, Trigger, load_preset

# --- Pure ---------------------------------------------------------------------------------------


def _text(doc: published.PublishedPolicy) -> str:
    parts = [doc.title, doc.source]
    for section in doc.sections:
        parts += [section.heading, *section.paragraphs, *section.items]
    for stage in doc.stages:
        parts += [stage.name, stage.tier, stage.when, stage.note, *stage.steps]
    return "\n".join(parts)


def test_preset_002_reads_as_its_register_times_stages_and_legal_basis():
    doc = published.build(
        load_preset("002_st_dunstans"), school_name="St D", version=3, adopted_on=None
    )
    text = _text(doc)

    assert "The morning register opens at 08:50 and closes at 09:20" in text
    assert "the afternoon register opens at 13:15 and closes at 13:45" in text
    assert "A child who misses 38 sessions (19 days) in a school year" in text
    assert "There is no right to take a child out of school for a holiday in term time" in text
    assert "by the head teacher, on a request made in advance" in text
    assert "This policy rests on the Education Act 1996, the Children Act 1989" in text
    assert [s.name for s in doc.stages][:2] == [
        "Stage 1: concerning level of absence (4 days)",
        "Stage 2: serious concerns regarding attendance (10 days)",
    ]
    assert doc.stages[0].when == "4 days missed this school year."
    assert "Stage 1 letter (office / attendance officer)." in doc.stages[0].steps
    assert not any("Internal monitoring" in s for s in doc.stages[0].steps)  # flags: internal


def test_preset_001_shows_its_target_bands_and_placeholder_tiers():
    doc = published.build(
        load_preset("001_everyones_business"), school_name="X", version=1, adopted_on=None
    )
    text = _text(doc)

    assert "Our whole-school attendance target is 96%." in text
    assert "When the school moves a pupil into it (no automatic trigger)." in text


@pytest.mark.parametrize(
    ("trigger", "expected"),
    [
        (Trigger(days_absent_at_least=Decimal("4.5")), "4.5 days missed this school year."),
        (
            Trigger(unauthorised_sessions_at_least=10, after_stage="s4"),
            "10 or more sessions of unauthorised absence and after \u201cStage 4\u201d.",
        ),
        (
            Trigger(lates_at_least=5, lates_within_school_days=30),
            "Late 5 or more times within 30 school days.",
        ),
        (Trigger(attendance_at_or_below_pct=Decimal(90)), "Attendance at or below 90%."),
    ],
)
def test_triggers_read_as_plain_english(trigger, expected):
    assert published.describe_trigger(trigger, {"s4": "Stage 4"}) == expected


def test_national_defaults_have_no_stages_and_say_so():
    doc = published.build(NATIONAL, school_name="X", version=0, adopted_on=None)

    assert doc.stages == () and doc.version == 0
    assert "10 sessions of unauthorised absence within 10 school weeks" in _text(doc)


# --- The pages ----------------------------------------------------------------------------------


@pytest.fixture
def school(db):
    school = make_school(name="Meadow Primary")
    adopt_preset(actor_label="test", school=school, preset="002_st_dunstans")
    make_pupil(school, legal_forename="Amaryllis", legal_surname="Sampleton")
    create_staff_user(
        actor_label="test",
        school=school,
        username="al",
        password="pw-for-tests-1234",
        roles=[Role.ATTENDANCE_LEAD],
        first_name="Alma",
        last_name="Lead",
    )
    return school


def test_anyone_can_read_the_current_version_without_signing_in(
    client, school, django_assert_max_num_queries
):
    url = reverse("policy:published", args=[school.urn])

    with django_assert_max_num_queries(3):
        first = client.get(url)
    text = first.content.decode()
    adopt_policy(
        actor_label="test",
        school=school,
        text='name = "Meadow attendance policy"\nversion = 2\n',
        source="test",
    )
    second = client.get(url).content.decode()

    assert first.status_code == 200
    assert "St Dunstan" in text and "Version 1" in text and "Stage 1: concerning" in text
    assert "Amaryllis" not in text and "Alma" not in text  # no personal data at all
    assert "Meadow attendance policy" in second and "Version 2" in second
    assert "Stage 1: concerning" not in second


def test_an_unknown_school_is_not_found_and_only_get_is_allowed(client, school):
    assert client.get(reverse("policy:published", args=["999999"])).status_code == 404
    assert client.post(reverse("policy:published", args=[school.urn])).status_code == 405


def test_the_pdf_is_rendered_by_a_task_once_per_version_and_public(
    client, school, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    url = reverse("policy:published_pdf", args=[school.urn])
    record = school.policies.get(active=True)

    waiting = client.get(url, follow=True)
    assert render_published_pdf(record=record) is True
    assert render_published_pdf(record=record) is False  # once per version
    with django_assert_max_num_queries(3):
        ready = client.get(url)
    with django_capture_on_commit_callbacks() as callbacks:
        adopt_policy(
            actor_label="test", school=school, text='name = "N"\nversion = 2\n', source="t"
        )
    after = client.get(url)

    assert "The PDF is being prepared" in waiting.content.decode()
    assert ready.status_code == 200 and ready["Content-Type"] == "application/pdf"
    assert ready.content.startswith(b"%PDF")
    assert len(callbacks) == 1  # the new version's PDF is queued when it is adopted
    assert after.status_code == 302  # version 2's PDF is not rendered yet


def test_staff_find_the_link_on_the_alerts_page(client, school):
    client.force_login(
        create_staff_user(
            actor_label="test",
            school=school,
            username="office",
            password="pw-for-tests-1234",
            roles=[Role.OFFICE],
        )
    )

    page = client.get(reverse("policy:alerts")).content.decode()

    assert reverse("policy:published", args=[school.urn]) in page


def test_many_requests_before_the_pdf_is_ready_queue_one_render(
    client, school, django_capture_on_commit_callbacks
):
    """The PDF URL is public: asking again and again must not fill the task queue."""
    from django.core.cache import cache

    cache.clear()
    url = reverse("policy:published_pdf", args=[school.urn])

    with django_capture_on_commit_callbacks() as callbacks:
        answers = [client.get(url).status_code for _ in range(5)]

    assert answers == [302] * 5 and len(callbacks) == 1
