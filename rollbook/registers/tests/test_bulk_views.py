"""Bulk coding: form, preview (counts from registers.bulk) and confirm (bulk_code), without JS.

Class 4A: Amy, Ben, Cara (Year 4). Class 5B: Dev (Year 5). Class R: Eli, in reception
(not of compulsory school age in 2025). Monday 6 and Tuesday 7 October 2025 are school days.
Amy already has / on Monday morning and V on Monday afternoon.
"""

import re
from datetime import date, datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from rollbook.core.calendar import Session
from rollbook.core.models import AuditEvent, Role, StaffRole
from rollbook.core.tests.factories import add_marks, make_pupil, make_school
from rollbook.registers.actions import MarkError
from rollbook.registers.bulk import Scope, Sessions, preview_bulk_code, pupils_for
from rollbook.registers.models import Mark, Source
from rollbook.registers.register_actions import bulk_code

pytestmark = pytest.mark.django_db

MON, TUE = date(2025, 10, 6), date(2025, 10, 7)
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def on_friday_before(time_machine):
    time_machine.move_to(datetime(2025, 10, 3, 12, 0, tzinfo=ZoneInfo("Europe/London")))


def person(school, username, *roles):
    user = get_user_model().objects.create_user(username, password="x")
    for role in roles:
        StaffRole.objects.create(user=user, school=school, role=role)
    return user


@pytest.fixture
def school():
    return make_school(name="Oakfield Primary")


@pytest.fixture
def pupils(school):
    made = {
        name: make_pupil(
            school, legal_forename=name, legal_surname="Test", class_name=cls, year_group=year
        )
        for name, cls, year in [
            ("Amy", "4A", "4"),
            ("Ben", "4A", "4"),
            ("Cara", "4A", "4"),
            ("Dev", "5B", "5"),
        ]
    }
    made["Eli"] = make_pupil(
        school,
        legal_forename="Eli",
        class_name="R",
        year_group="R",
        date_of_birth=date(2021, 6, 1),
        admission_date=date(2025, 9, 1),
    )
    add_marks(made["Amy"], [(MON, "AM", "/"), (MON, "PM", "V")])
    return made


@pytest.fixture
def office(school):
    return person(school, "office", Role.OFFICE)


def choices(made, **overrides) -> dict:
    data = {
        "scope": "class",
        "group": made["Amy"].registration_group_id,
        "first": MON.isoformat(),
        "last": TUE.isoformat(),
        "sessions": "both",
        "code": "V",
        "reason": "Year 4 trip to the Science Museum",
    }
    return {k: v for k, v in (data | overrides).items() if v is not None}


def hidden_fields(html: str, action: str) -> list[tuple[str, str]]:
    """The hidden inputs of the form posting to `action` (what a browser would send)."""
    form = re.search(rf'<form method="post" action="{re.escape(action)}">(.*?)</form>', html, re.S)
    found = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(1))
    return [(name, unescape(value)) for name, value in found if name != "csrfmiddlewaretoken"]


def test_the_office_opens_the_form(client, office, pupils):
    client.force_login(office)

    response = client.get(reverse("bulk:form"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "registers/bulk_form.html" in [t.name for t in response.templates]
    assert '<option value="V">V: Attending an educational visit or trip</option>' in html
    assert '<option value="#">#: Planned whole-school closure</option>' in html
    assert ">4A</option>" in html and ">Year 5</option>" in html and ">Reception</option>" in html
    assert 'value="both" checked' in html


def test_the_preview_counts_sessions_pupils_and_changes_without_writing(client, office, pupils):
    client.force_login(office)

    response = client.post(reverse("bulk:preview"), choices(pupils))

    html = response.content.decode()
    assert response.status_code == 200
    assert "registers/bulk_preview.html" in [t.name for t in response.templates]
    assert "<strong>12 sessions</strong> for <strong>3 pupils</strong>" in html
    assert "Class 4A (3 pupils on roll in the range)" in html
    assert "Mornings and afternoons: 4 school sessions in the range" in html
    p = response.context["preview"]
    assert (p.marks, p.new, p.changed, p.unchanged) == (12, 10, 1, 1)
    assert p.changed_from == (("/", 1),)
    assert "Save 12 marks" in html
    assert Mark.objects.count() == 2


def test_confirming_saves_the_marks_and_shows_the_counts(client, office, pupils):
    client.force_login(office)

    response = client.post(reverse("bulk:confirm"), choices(pupils))

    assert response.status_code == 302
    assert response["Location"] == reverse("bulk:form")
    assert Mark.objects.filter(code="V").count() == 12
    assert Mark.objects.get(pupil=pupils["Amy"], date=MON, session="AM").source == Source.BULK
    event = AuditEvent.objects.get(kind="marks.saved", actor=office)
    assert event.reason == "Year 4 trip to the Science Museum"
    page = client.get(response["Location"]).content.decode()
    assert "V saved for 12 sessions (3 pupils): 10 new, 1 changed, 1 already V." in page


def test_the_preview_carries_every_choice_to_confirm_in_hidden_fields(client, office, pupils):
    client.force_login(office)
    data = choices(
        pupils,
        scope="pupils",
        group=None,
        pick_group=pupils["Amy"].registration_group_id,
        pupils=[pupils["Amy"].pk, pupils["Cara"].pk],
        sessions="AM",
    )
    preview = client.post(reverse("bulk:preview"), data).content.decode()

    carried = hidden_fields(preview, reverse("bulk:confirm"))
    response = client.post(reverse("bulk:confirm"), _as_post(carried))

    assert ("reason", "Year 4 trip to the Science Museum") in carried
    assert ("first", "2025-10-06") in carried
    assert response.status_code == 302
    assert set(Mark.objects.filter(code="V").values_list("pupil__legal_forename", "date")) == {
        ("Amy", MON),
        ("Amy", TUE),
        ("Cara", MON),
        ("Cara", TUE),
    }


def _as_post(pairs):
    data: dict[str, list[str]] = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return data


def test_change_your_choices_shows_the_form_again_filled_in(client, office, pupils):
    client.force_login(office)
    preview = client.post(reverse("bulk:preview"), choices(pupils)).content.decode()

    response = client.post(
        reverse("bulk:form"), _as_post(hidden_fields(preview, reverse("bulk:form")))
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" not in html
    assert 'value="class" checked' in html
    assert "Year 4 trip to the Science Museum</textarea>" in html
    assert 'value="2025-10-06"' in html


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"scope": "year", "group": None, "year_group": "5"}, {"Dev"}),
        ({"scope": "school", "group": None}, {"Amy", "Ben", "Cara", "Dev", "Eli"}),
    ],
)
def test_a_year_group_or_the_whole_school_can_be_coded(client, office, pupils, overrides, expected):
    client.force_login(office)

    client.post(reverse("bulk:confirm"), choices(pupils, code="#", **overrides))

    coded = set(Mark.objects.filter(code="#").values_list("pupil__legal_forename", flat=True))
    assert coded == expected


def test_show_pupils_lists_a_class_without_javascript(client, office, pupils):
    client.force_login(office)
    data = choices(pupils, scope="pupils", group=None)

    response = client.post(reverse("bulk:form"), data | {"pick_group": data_group(pupils)})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Pupils in 4A" in html
    assert all(f">{n} Test</label>" in html for n in ("Amy", "Ben", "Cara"))
    assert "Dev Test" not in html
    assert "Year 4 trip to the Science Museum</textarea>" in html


def data_group(pupils) -> str:
    return str(pupils["Amy"].registration_group_id)


def test_htmx_swaps_in_just_the_pupil_picker(client, office, pupils):
    client.force_login(office)

    response = client.post(
        reverse("bulk:form"),
        {"pick_group": data_group(pupils), "pupils": [str(pupils["Ben"].pk)]},
        **HTMX,
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.strip().startswith('<div id="pupil-picker">')
    assert f'value="{pupils["Ben"].pk}" checked' in html
    assert f'value="{pupils["Amy"].pk}" checked' not in html


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"reason": ""}, "Enter the reason for coding these sessions"),
        ({"group": None}, "Choose a class"),
        ({"scope": None}, "Choose who you are coding"),
        ({"scope": "pupils", "pick_group": "x"}, "Choose the class the pupils are in"),
        ({"code": "H"}, "Choose a code"),
        ({"last": "2025-10-03"}, "The last day must be the same as or after the first day"),
        ({"last": "2026-10-07"}, "Code at most a year at a time"),
        ({"first": "6 Octember"}, "Enter the first day, like 27/03/2026"),
        ({"code": "/"}, "/ is for mornings only: choose mornings only"),
        ({"code": "M"}, "M is one pupil's appointment and needs the evidence seen"),
    ],
)
def test_the_form_explains_what_is_missing(client, office, pupils, overrides, message):
    client.force_login(office)

    response = client.post(reverse("bulk:preview"), choices(pupils, **overrides))

    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert "There is a problem" in html
    assert message in html
    assert Mark.objects.count() == 2


def test_pupils_ticked_earlier_do_not_matter_when_coding_a_class(client, office, pupils):
    client.force_login(office)
    data = choices(pupils, pick_group="", pupils=[pupils["Dev"].pk])

    response = client.post(reverse("bulk:preview"), data)

    assert response.status_code == 200
    assert response.context["preview"].pupils_coded == 3
    assert ("pupils", str(pupils["Dev"].pk)) not in response.context["form"].hidden_values


def test_choosing_pupils_needs_at_least_one(client, office, pupils):
    client.force_login(office)
    data = choices(pupils, scope="pupils", group=None, pick_group=data_group(pupils))

    html = client.post(reverse("bulk:preview"), data).content.decode()

    assert '<a href="#id_pupils">Choose at least one pupil</a>' in html


def test_a_code_some_pupils_cannot_take_is_shown_and_cannot_be_confirmed(client, office, pupils):
    client.force_login(office)
    data = choices(pupils, scope="school", group=None, code="X")

    preview = client.post(reverse("bulk:preview"), data).content.decode()
    confirm = client.post(reverse("bulk:confirm"), data)

    assert "This code cannot be saved for every pupil" in preview
    assert "Amy Test: X is only for pupils below compulsory school age" in preview
    assert 'action="/bulk-coding/confirm/"' not in preview
    assert confirm.status_code == 200
    assert "X is only for pupils below compulsory school age" in confirm.content.decode()
    assert Mark.objects.count() == 2


def test_a_range_with_no_school_days_has_nothing_to_save(client, office, pupils):
    client.force_login(office)
    saturday = date(2025, 10, 4).isoformat()
    data = choices(pupils, first=saturday, last=date(2025, 10, 5).isoformat())

    preview = client.post(reverse("bulk:preview"), data).content.decode()
    confirm = client.post(reverse("bulk:confirm"), data).content.decode()

    assert "there is nothing to save" in preview
    assert "There are no school sessions between 2025-10-04 and 2025-10-05" in confirm


@pytest.mark.parametrize("role", [Role.TEACHER, Role.DSL, Role.GOVERNOR])
def test_only_office_roles_can_bulk_code(client, school, pupils, role):
    client.force_login(person(school, "someone", role))

    responses = [
        client.get(reverse("bulk:form")),
        client.post(reverse("bulk:preview"), choices(pupils)),
        client.post(reverse("bulk:confirm"), choices(pupils)),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403]
    assert Mark.objects.count() == 2


def test_the_office_of_another_school_cannot_code_our_pupils(client, pupils):
    elsewhere = make_school(name="Elsewhere Primary")
    client.force_login(person(elsewhere, "elsewhere", Role.OFFICE))

    response = client.post(reverse("bulk:confirm"), choices(pupils))

    assert response.status_code == 200
    assert "Choose a class" in unescape(response.content.decode())  # not one of theirs
    assert Mark.objects.count() == 2


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("bulk:form"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_each_step_accepts_only_its_methods(client, office):
    client.force_login(office)

    assert client.put(reverse("bulk:form")).status_code == 405
    assert client.get(reverse("bulk:preview")).status_code == 405
    assert client.get(reverse("bulk:confirm")).status_code == 405


def test_the_preview_agrees_with_what_bulk_code_writes(school, pupils, office):
    late_starter = make_pupil(
        school, legal_forename="Fay", class_name="4A", year_group="4", admission_date=TUE
    )
    chosen = list(pupils_for(school, Scope.SCHOOL, MON, TUE))

    preview = preview_bulk_code(
        pupils=chosen,
        school_calendar=school.calendar(),
        first=MON,
        last=TUE,
        sessions=Sessions.PM,
        code="#",
    )
    result = bulk_code(
        actor=office,
        pupils=chosen,
        first=MON,
        last=TUE,
        sessions=(Session.PM,),
        code="#",
        reason="INSET",
    )

    assert late_starter in chosen
    assert (preview.new, preview.changed, preview.unchanged) == (
        result.created,
        result.changed,
        result.unchanged,
    )
    assert (preview.marks, preview.pupils_coded, preview.school_sessions) == (11, 6, 2)


def test_bulk_code_itself_refuses_m(pupils, office):
    with pytest.raises(MarkError, match="M needs the evidence seen"):
        bulk_code(
            actor=office,
            pupils=list(pupils.values()),
            first=date(2025, 10, 6),
            last=date(2025, 10, 6),
            sessions=(Session.AM,),
            code="M",
            reason="dentist van",
        )
