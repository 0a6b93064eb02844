"""Pure letter rules: merging, placeholder checks, adaptations, figures, who may decide."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rollbook.letters import rules
from rollbook.letters.defaults import ADAPTED, GENERAL, STANDARD
from rollbook.registers.rules import Tally


def test_merge_fills_fields_escapes_text_and_values_and_keeps_paragraphs():
    body = "Dear {{ salutation }},\n\nAva & co <b>missed</b>\n{{days_missed}} days.\n\n\nBye"

    html = rules.merge_html(body, {"salutation": "Mr O'Neil <x>", "days_missed": "10.5"})

    assert html == (
        "<p>Dear Mr O&#x27;Neil &lt;x&gt;,</p>\n"
        "<p>Ava &amp; co &lt;b&gt;missed&lt;/b&gt;<br>\n10.5 days.</p>\n"
        "<p>Bye</p>"
    )


@given(st.text(alphabet=st.characters(blacklist_characters="\x00\x01")))
def test_no_value_can_inject_markup(value):
    html = rules.merge_html("{{ pupil_name }}", {"pupil_name": value})

    assert "<" not in html.removeprefix("<p>").removesuffix("</p>").replace("<br>", "")


def test_the_subject_is_merged_as_plain_text():
    assert rules.merge_text("{{ pupil_name }}: a concern", {"pupil_name": "Ava B"}) == (
        "Ava B: a concern"
    )


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        ("Dear {{ salutation }}, {{ days_missed }}", []),
        ("{{ pupil_nmae }} and {{ head }}", ["{{ head }}, {{ pupil_nmae }}"]),
        ("{{ school_name }} {{ pupil_name", ["not closed"]),
        ("{% if x %}", []),  # Django tags are plain text here: nothing is evaluated
    ],
)
def test_unknown_or_unclosed_merge_fields_are_refused_with_a_clear_message(text, problems):
    found = rules.placeholder_problems(text)

    assert len(found) == len(problems)
    for message, expected in zip(found, problems, strict=True):
        assert expected in message


def test_every_default_text_uses_only_known_merge_fields():
    texts = [*STANDARD.values(), GENERAL, *ADAPTED.values()]

    problems = [rules.placeholder_problems(t.subject + t.body) for t in texts]

    assert problems == [[]] * len(texts)


@pytest.mark.parametrize(
    ("adapted_for", "circumstances", "expected"),
    [
        ((), {"long_term_illness"}, ""),  # the policy adapts nothing (preset 002)
        (("medical_plan",), {"long_term_illness"}, ""),
        (
            ("medical_plan", "long_term_illness"),
            {"medical_plan", "long_term_illness"},
            "long_term_illness",
        ),
        (
            ("part_time_timetable", "medical_plan"),
            {"part_time_timetable", "medical_plan"},
            "medical_plan",
        ),
        (("part_time_timetable",), {"part_time_timetable"}, "part_time_timetable"),
        (("medical_plan",), set(), ""),
    ],
)
def test_the_adaptation_is_the_first_the_policy_and_the_pupil_share(
    adapted_for, circumstances, expected
):
    assert rules.choose_adaptation(adapted_for, circumstances) == expected


def test_names_salutation_and_figures():
    parents = [rules.Parent("Mrs", "Jo", "Able"), rules.Parent("", "Al", "Able")]

    values = rules.figures(
        pupil_name="Amy Able",
        pupil_forename="Amy",
        parents=parents,
        class_name="3A",
        school_name="Meadow",
        head_name="",
        tally=Tally(attended=19, authorised=0, unauthorised=21),
        pa_sessions_at_least=38,
        stage_name="Stage 2",
        year_start=date(2025, 9, 1),
        today=date(2025, 11, 4),
    )

    assert values["parent_names"] == "Mrs Jo Able and Al Able"
    assert values["salutation"] == "Mrs Able and Al Able"
    assert values["attendance_pct"] == "47.5%"
    assert (values["sessions_missed"], values["days_missed"]) == ("21", "10.5")
    assert values["pa_line_days"] == "19"
    assert values["head_name"] == "The Headteacher"
    assert values["period"] == "1 September 2025 to 4 November 2025"
    assert rules.salutation([]) == rules.parent_names([]) == "Parent/Carer"
    assert set(values) == set(rules.PLACEHOLDERS) - rules.TERM_FIELDS


def test_chart_data_leaves_out_empty_half_terms_and_keeps_the_target():
    periods = [("Autumn 1", Tally(attended=57, authorised=3)), ("Autumn 2", Tally())]

    chart = rules.chart_data(periods, target_pct=Fraction(96))

    assert chart == {"labels": ["Autumn 1"], "values": [95.0], "target": 96.0, "pa_line": 90}


@pytest.mark.parametrize(
    ("roles", "action_role", "allowed"),
    [
        ({"office"}, "office", True),
        ({"office"}, "", True),
        ({"office"}, "attendance_lead", False),  # 002's formal warning waits for the AL
        ({"attendance_lead"}, "attendance_lead", True),
        ({"head"}, "attendance_lead", True),
        ({"dsl"}, "office", False),
        ({"teacher"}, "", False),
    ],
)
def test_who_may_send_or_withdraw(roles, action_role, allowed):
    assert rules.may_decide(roles, action_role) is allowed


def test_the_week_runs_monday_to_sunday():
    assert rules.week_of(date(2026, 11, 20)) == (date(2026, 11, 16), date(2026, 11, 22))
