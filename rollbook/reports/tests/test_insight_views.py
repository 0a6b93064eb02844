"""The cohort views as their users see them: SEN cohorts and the vulnerable pupils' watch list."""

from datetime import date

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse

from rollbook.core.models import Role, StaffRole
from rollbook.core.tests.factories import add_marks, make_pupil, make_school

pytestmark = pytest.mark.django_db
WEDNESDAY = "2025-10-08 10:00:00+01:00"
MONDAY, TUESDAY = date(2025, 10, 6), date(2025, 10, 7)
SESSIONS = [(d, s) for d in (MONDAY, TUESDAY) for s in ("AM", "PM")]


def user(school, role, name, groups=()):
    u = get_user_model().objects.create_user(name, password="x")
    StaffRole.objects.create(user=u, school=school, role=role)
    for g in groups:
        g.teachers.add(u)
    return u


def pupil(school, forename, codes, **kw):
    p = make_pupil(school, legal_forename=forename, legal_surname="Test", **kw)
    add_marks(p, [(d, s, c) for (d, s), c in zip(SESSIONS, codes, strict=True)])
    return p


@pytest.fixture
def school():
    """Sam (SEN support) 2 of 4, Eli (EHCP, looked after) 4 of 4, Noa 3 of 4 (one O),
    Nia (4A, child protection plan) 4 of 4, Ivo (SEN support, medical plan) 1 of 4."""
    school = make_school(name="Oak Primary")
    pupil(school, "Sam", "/I\\I", sen_status="K")
    pupil(school, "Eli", "/\\/\\", sen_status="E", cla=True)
    pupil(school, "Noa", "/\\/O")
    pupil(school, "Nia", "/\\/\\", class_name="4A", year_group="4", cp_plan=True)
    pupil(school, "Ivo", "/III", sen_status="K", medical_plan=True)
    return school


def get(client, who, name, headers=None, **params):
    client.force_login(who)
    with time_machine.travel(WEDNESDAY, tick=False):
        return client.get(reverse(name), params, **(headers or {}))


# --- SEN cohorts -------------------------------------------------------------------------------


def test_the_senco_sees_sen_support_ehcp_and_no_sen_side_by_side(
    client, school, django_assert_max_num_queries
):
    senco = user(school, Role.SENCO, "senco")
    client.force_login(senco)

    with time_machine.travel(WEDNESDAY, tick=False), django_assert_max_num_queries(8):
        response = client.get(reverse("sen_cohorts"))

    assert response.status_code == 200
    text = response.text
    assert "SEN support" in text and "Education, health and care plan" in text
    assert "No SEN" in text
    assert "37.5%" in text  # SEN support: 3 of 8 sessions (Sam 2, Ivo 1)
    assert "100.0%" in text  # EHCP: Eli 4 of 4
    assert "87.5%" in text  # no SEN: Noa 3 + Nia 4 of 8
    assert "+50.0 points" in text  # 62.5 % absence against 12.5 %
    assert "Sam Test" in text and "Ivo Test" in text  # SEN pupils who are PA
    assert "Noa Test" not in text  # PA, but no SEN


def test_the_period_can_be_chosen_and_htmx_gets_only_the_figures(client, school):
    senco = user(school, Role.SENCO, "senco")

    response = get(client, senco, "sen_cohorts", period="last_year")
    partial = get(client, senco, "sen_cohorts", period="term", headers={"HTTP_HX_REQUEST": "true"})

    assert "2024/25" in response.text
    assert "37.5%" not in response.text
    assert "<html" not in partial.text and 'id="sen-figures"' in partial.text
    assert "Autumn 1 so far" in partial.text


def test_an_unknown_period_is_a_clear_error_and_the_default_period_is_shown(client, school):
    senco = user(school, Role.SENCO, "senco")

    response = get(client, senco, "sen_cohorts", period="next-century")

    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert "Choose a period from the list" in response.text
    assert "37.5%" in response.text

    partial = get(client, senco, "sen_cohorts", period="x", headers={"HTTP_HX_REQUEST": "true"})
    assert "<html" not in partial.text and "Choose a period from the list" in partial.text


@pytest.mark.parametrize("role", [Role.TEACHER, Role.GOVERNOR, Role.TRUST_ANALYST])
def test_roles_that_may_not_read_sen_data_are_refused(client, school, role):
    response = get(client, user(school, role, "someone"), "sen_cohorts")

    assert response.status_code == 403


def test_staff_of_another_school_see_their_own_school_only(client, school):
    elsewhere = make_school(name="Elm Primary")

    response = get(client, user(elsewhere, Role.HEAD, "elm-head"), "sen_cohorts")

    assert response.status_code == 200
    assert "Sam Test" not in response.text and "37.5%" not in response.text


def test_the_sen_view_is_get_only(client, school):
    client.force_login(user(school, Role.SENCO, "senco"))

    assert client.post(reverse("sen_cohorts")).status_code == 405


# --- watch list ---------------------------------------------------------------------------------


def test_the_dsl_sees_vulnerable_pupils_with_this_year_and_the_last_four_weeks(
    client, school, django_assert_max_num_queries
):
    dsl = user(school, Role.DSL, "dsl")
    client.force_login(dsl)

    with time_machine.travel(WEDNESDAY, tick=False), django_assert_max_num_queries(8):
        response = client.get(reverse("watch_list"))

    text = response.text
    assert response.status_code == 200
    assert all(n in text for n in ("Ivo Test", "Eli Test", "Nia Test"))
    assert text.index("Ivo Test") < text.index("Eli Test")  # lowest attendance first
    assert "Sam Test" not in text  # SEN support alone is not watched
    assert "Noa Test" not in text
    assert ">CLA<" in text and ">CP<" in text and ">Medical<" in text and ">EHCP<" in text
    assert "25.0%" in text  # Ivo, this year and the last four weeks


@pytest.mark.parametrize("role", [Role.TEACHER, Role.GOVERNOR, Role.TRUST_ANALYST])
def test_the_watch_list_is_refused_to_roles_without_special_category_access(client, school, role):
    response = get(client, user(school, role, "someone"), "watch_list")

    assert response.status_code == 403
    assert "Nia Test" not in response.text


def test_the_watch_list_is_get_only(client, school):
    client.force_login(user(school, Role.DSL, "dsl"))

    assert client.post(reverse("watch_list")).status_code == 405


# --- absence reasons by year group --------------------------------------------------------------


def raise_pattern_alert(pupil, kind, on):
    """Monitoring writes alerts; here one is placed directly, as the report only reads them."""
    from rollbook.policy.models import Alert

    Alert.objects.create(
        school=pupil.school,
        pupil=pupil,
        kind=kind,
        academic_year=2025,
        raised_on=on,
        explanation="test",
        dedupe_key=f"{pupil.pk}-{kind}",
    )


def test_the_office_sees_reasons_and_pattern_alerts_for_each_year_group(
    client, school, django_assert_max_num_queries
):
    raise_pattern_alert(school.pupils.get(legal_forename="Noa"), "weekday_pattern", TUESDAY)
    client.force_login(user(school, Role.OFFICE, "office"))

    with time_machine.travel(WEDNESDAY, tick=False), django_assert_max_num_queries(10):
        response = client.get(reverse("absence_reasons"))

    text = response.text
    assert response.status_code == 200
    assert "Year 3" in text and "Year 4" in text
    assert "I: " in text and "O: " in text
    assert "6 of 16" in text  # Year 3: 5 I + 1 O of 16 possible sessions
    assert "Authorised absence: other" in text
    assert "Same weekday" in text
    assert "Sam Test" not in text  # counts only


def test_one_year_group_can_be_chosen_and_htmx_gets_only_the_tables(client, school):
    office = user(school, Role.OFFICE, "office")

    response = get(client, office, "absence_reasons", year="4", headers={"HTTP_HX_REQUEST": "true"})

    assert "<html" not in response.text and 'id="reasons-figures"' in response.text
    assert "Year 4" in response.text and "Year 3</th>" not in response.text
    assert "No absence in this period." in response.text


def test_a_year_group_that_does_not_exist_is_a_clear_error(client, school):
    response = get(client, user(school, Role.OFFICE, "office"), "absence_reasons", year="13")

    assert "Choose a year group from the list" in response.text
    assert "6 of 16" in response.text  # all year groups instead


def test_governors_see_small_year_groups_suppressed(client, school):
    response = get(client, user(school, Role.GOVERNOR, "gov"), "absence_reasons")

    assert response.status_code == 200
    assert "Fewer than 5" in response.text
    assert "6 of 16" not in response.text


def test_teachers_may_not_open_the_reasons_view(client, school):
    response = get(client, user(school, Role.TEACHER, "teacher"), "absence_reasons")

    assert response.status_code == 403


def test_the_reasons_view_is_get_only(client, school):
    client.force_login(user(school, Role.OFFICE, "office"))

    assert client.post(reverse("absence_reasons")).status_code == 405


# --- lates ----------------------------------------------------------------------------------------


@pytest.fixture
def late_family(school):
    """Two Bells (family FAM-9), each late 3 times in the last four weeks; Noa late once."""
    days = [date(2025, 9, 22), date(2025, 9, 23), date(2025, 9, 29)]
    for name in ("Ada", "Bo"):
        p = make_pupil(school, legal_forename=name, legal_surname="Bell", family_id="FAM-9")
        add_marks(p, [(d, "AM", "L") for d in days])
    add_marks(school.pupils.get(legal_forename="Noa"), [(date(2025, 9, 8), "AM", "U")])
    add_marks(school.pupils.get(legal_forename="Noa"), [(date(2025, 9, 1), "AM", "U")])
    return school


def test_siblings_late_three_times_each_appear_together_as_one_family(
    client, late_family, django_assert_max_num_queries
):
    client.force_login(user(late_family, Role.ATTENDANCE_LEAD, "lead"))

    with time_machine.travel(WEDNESDAY, tick=False), django_assert_max_num_queries(8):
        response = client.get(reverse("family_lates"))

    text = response.text
    assert response.status_code == 200
    assert "Family FAM-9" in text
    assert text.index("Family FAM-9") < text.index("Ada Bell") < text.index("Bo Bell")
    assert "<strong>6</strong>" in text
    assert "Noa Test" not in text  # her lates were more than four weeks ago


def test_a_longer_period_brings_in_older_lates(client, late_family):
    lead = user(late_family, Role.ATTENDANCE_LEAD, "lead")

    response = get(client, lead, "family_lates", period="year", headers={"HTTP_HX_REQUEST": "true"})

    assert 'id="family-lates"' in response.text and "<html" not in response.text
    assert "Noa Test" in response.text and "No family recorded" in response.text


@pytest.mark.parametrize("role", [Role.TEACHER, Role.GOVERNOR])
def test_family_lates_name_children_so_only_pupil_readers_see_them(client, late_family, role):
    assert get(client, user(late_family, role, "someone"), "family_lates").status_code == 403


def test_lates_per_week_are_set_against_the_same_week_last_year(
    client, late_family, django_assert_max_num_queries
):
    last_year = make_pupil(late_family, legal_forename="Old")
    add_marks(last_year, [(date(2024, 9, 23), "AM", "L"), (date(2024, 9, 23), "PM", "\\")])
    client.force_login(user(late_family, Role.GOVERNOR, "gov"))

    with time_machine.travel(WEDNESDAY, tick=False), django_assert_max_num_queries(8):
        response = client.get(reverse("late_trend"))

    text = response.text
    assert response.status_code == 200
    assert "22 Sep 2025" in text and "6 Oct 2025" in text
    assert "3 more" in text  # 4 lates in the week of 22 Sep against 1 a year before
    assert "Ada Bell" not in text  # counts only
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">8</td>' in text  # this year


def test_teachers_may_not_open_the_late_trend(client, school):
    assert get(client, user(school, Role.TEACHER, "t"), "late_trend").status_code == 403


def test_the_lates_pages_are_get_only(client, school):
    client.force_login(user(school, Role.HEAD, "head"))

    assert client.post(reverse("late_trend")).status_code == 405
    assert client.post(reverse("family_lates")).status_code == 405


# --- the cluster export ---------------------------------------------------------------------------


def test_the_cluster_csv_holds_school_and_group_figures_and_no_pupil_identifiers(
    client, school, django_assert_max_num_queries
):
    from rollbook.core.models import AuditEvent

    lead = user(school, Role.ATTENDANCE_LEAD, "lead")
    client.force_login(lead)

    with time_machine.travel(WEDNESDAY, tick=False), django_assert_max_num_queries(10):
        response = client.get(reverse("cluster_export"), {"format": "csv"})

    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="cluster-attendance-' in response["Content-Disposition"]
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("level,group,pupils,sessions_possible,attendance_pct")
    # 14 of 20 attended; Sam, Ivo (50 %, 75 %: also SA) and Noa (25 %) are PA.
    assert lines[1] == "school,Whole school,5,20,70.0,30.0,25.0,5.0,3,60.0,2,40.0"
    assert "year group,Year 3,fewer than 5" in response.content.decode()  # 4 pupils
    for pupil in school.pupils.all():
        assert pupil.legal_forename not in response.content.decode()
        assert pupil.upn not in response.content.decode()
    event = AuditEvent.objects.get(kind="export.downloaded")
    assert event.data["report"] == "cluster" and event.data["format"] == "csv"


def test_the_cluster_page_shows_the_same_rows_and_writes_nothing(client, school):
    from rollbook.core.models import AuditEvent

    response = get(client, user(school, Role.GOVERNOR, "gov"), "cluster_export")

    assert response.status_code == 200
    assert "Whole school" in response.text and "fewer than 5" in response.text
    assert "Sam Test" not in response.text
    assert not AuditEvent.objects.filter(kind="export.downloaded").exists()


def test_a_bad_period_is_an_error_and_downloads_nothing(client, school):
    response = get(
        client, user(school, Role.HEAD, "head"), "cluster_export", period="x", format="csv"
    )

    assert response["Content-Type"].startswith("text/html")
    assert "Choose a period from the list" in response.text


def test_teachers_may_not_take_the_cluster_figures(client, school):
    assert get(client, user(school, Role.TEACHER, "t"), "cluster_export").status_code == 403


def test_the_cluster_export_is_get_only(client, school):
    client.force_login(user(school, Role.HEAD, "head"))

    assert client.post(reverse("cluster_export")).status_code == 405


# --- class attendance packs ---------------------------------------------------------------------

AUTUMN_2 = "2025-11-05 10:00:00+00:00"


@pytest.fixture
def pack_school(school):
    """Sam also comes on 3 November (AM /, PM L): this year 4 of 6, this term 2 of 2, 1 late."""
    add_marks(school.pupils.get(legal_forename="Sam"), [(date(2025, 11, 3), "AM", "/")])
    add_marks(school.pupils.get(legal_forename="Sam"), [(date(2025, 11, 3), "PM", "L")])
    return school


def pack(client, who, group, **headers):
    client.force_login(who)
    with time_machine.travel(AUTUMN_2, tick=False):
        return client.get(reverse("class_pack", args=[group.pk]), **headers)


def test_a_teacher_gets_their_class_pack_with_year_and_term_figures_and_lates(
    client, pack_school, django_assert_max_num_queries
):
    g3a = pack_school.registration_groups.get(name="3A")
    teacher = user(pack_school, Role.TEACHER, "teacher3a", groups=[g3a])
    client.force_login(teacher)

    # session, user, roles, class, taught?, terms, closures, 2 tallies, lates, pupils
    with time_machine.travel(AUTUMN_2, tick=False), django_assert_max_num_queries(11):
        response = client.get(reverse("class_pack", args=[g3a.pk]))

    text = response.text
    assert response.status_code == 200
    assert "Class 3A" in text and "Autumn 2" in text
    sam = text[text.index("Sam Test") :]
    sam = sam[: sam.index("</tr>")]
    assert "66.7%" in sam and "100.0%" in sam and ">PA<" in sam
    assert sam.count('numeric">1</td>') == 2  # one late this year, one this term
    assert "SEN" in sam
    assert "Nia Test" not in text  # another class
    assert "govuk-!-display-none-print" in text


def test_the_teacher_does_not_see_safeguarding_flags_but_the_office_does(client, pack_school):
    g4a = pack_school.registration_groups.get(name="4A")
    teacher = user(pack_school, Role.TEACHER, "teacher4a", groups=[g4a])

    as_teacher = pack(client, teacher, g4a)
    as_office = pack(client, user(pack_school, Role.OFFICE, "office"), g4a)

    assert "Nia Test" in as_teacher.text and ">CP<" not in as_teacher.text
    assert "CP" not in as_teacher.text.split("Nia Test")[1].split("</tr>")[0]
    assert "CP" in as_office.text.split("Nia Test")[1].split("</tr>")[0]


def test_a_teacher_cannot_open_another_class_pack(client, pack_school):
    g3a, g4a = (pack_school.registration_groups.get(name=n) for n in ("3A", "4A"))
    teacher = user(pack_school, Role.TEACHER, "teacher4a", groups=[g4a])

    assert pack(client, teacher, g3a).status_code == 403


def test_governors_may_not_open_a_class_pack(client, pack_school):
    g3a = pack_school.registration_groups.get(name="3A")

    assert pack(client, user(pack_school, Role.GOVERNOR, "gov"), g3a).status_code == 403


def test_another_school_class_is_not_found(client, pack_school):
    g3a = pack_school.registration_groups.get(name="3A")
    elsewhere = make_school(name="Elm Primary")

    assert pack(client, user(elsewhere, Role.HEAD, "elm"), g3a).status_code == 404


def test_the_class_pack_is_get_only(client, pack_school):
    g3a = pack_school.registration_groups.get(name="3A")
    client.force_login(user(pack_school, Role.HEAD, "head"))

    assert client.post(reverse("class_pack", args=[g3a.pk])).status_code == 405
    assert client.post(reverse("class_packs")).status_code == 405


def test_the_index_lists_only_a_teachers_own_classes(client, pack_school):
    g4a = pack_school.registration_groups.get(name="4A")
    teacher = user(pack_school, Role.TEACHER, "teacher4a", groups=[g4a])

    mine = get(client, teacher, "class_packs")
    everyone = get(client, user(pack_school, Role.OFFICE, "office"), "class_packs")
    governor = get(client, user(pack_school, Role.GOVERNOR, "gov"), "class_packs")

    assert "Class 4A" in mine.text and "Class 3A" not in mine.text
    assert "Class 4A" in everyone.text and "Class 3A" in everyone.text
    assert governor.status_code == 403


def test_home_links_each_user_to_the_pages_they_may_open(client, school):
    teacher = get(client, user(school, Role.TEACHER, "teacher"), "home")
    senco = get(client, user(school, Role.SENCO, "senco"), "home")
    governor = get(client, user(school, Role.GOVERNOR, "gov"), "home")

    assert reverse("class_packs") in teacher.text and reverse("sen_cohorts") not in teacher.text
    assert reverse("sen_cohorts") in senco.text and reverse("watch_list") in senco.text
    assert reverse("absence_reasons") in governor.text
    assert (
        reverse("watch_list") not in governor.text and reverse("class_packs") not in governor.text
    )


# --- at risk of PA --------------------------------------------------------------------------------


def weekdays(first, last):
    from rollbook.core.tests.factories import AUTUMN_2025

    days, day = [], first
    while day <= last:
        if day.weekday() < 5 and any(t.start <= day <= t.end for t in AUTUMN_2025):
            days.append(day)
        day = date.fromordinal(day.toordinal() + 1)
    return days


@pytest.fixture
def risk_school():
    """Under preset 000 (at risk: projected below 90 %), on Wednesday 8 October 2025:
    Slide: 1-12 Sep all present, 15-26 Sep 17 of 20 (3 I): 37 of 40 = 92.5 %, not PA, but
    85 % over the last four school weeks (from 15 Sep), which projects below 90 %.
    Steady: 40 of 40. Lost: 30 of 40 (PA already: not 'at risk')."""
    from rollbook.policy.actions import adopt_preset

    school = make_school(name="Dove Primary")
    adopt_preset(actor_label="test", school=school, preset="000_dovecote")
    early, late = (
        weekdays(date(2025, 9, 1), date(2025, 9, 12)),
        weekdays(date(2025, 9, 15), date(2025, 9, 26)),
    )
    sessions = [(d, s) for d in early + late for s in ("AM", "PM")]
    for name, attended in (("Slide", 37), ("Steady", 40), ("Lost", 30)):
        p = make_pupil(school, legal_forename=name, legal_surname="Test")
        add_marks(p, [(d, s, "/" if i < attended else "I") for i, (d, s) in enumerate(sessions)])
    return school


def test_the_office_sees_this_weeks_pupils_at_risk_of_pa(
    client, risk_school, django_assert_max_num_queries
):
    client.force_login(user(risk_school, Role.OFFICE, "office"))

    with time_machine.travel(WEDNESDAY, tick=False), django_assert_max_num_queries(12):
        response = client.get(reverse("pa_risk"))

    text = response.text
    assert response.status_code == 200
    assert "Slide Test" in text
    assert "92.5%" in text and "85.0%" in text
    assert "Steady Test" not in text
    assert "Lost Test" not in text  # already persistently absent
    assert "below 90%" in text and "15 September 2025" in text


def test_without_an_at_risk_rule_in_the_policy_the_page_says_so(client, school):
    response = get(client, user(school, Role.OFFICE, "office"), "pa_risk")

    assert response.status_code == 200
    assert "does not set an at-risk rule" in response.text
    assert "pa_risk_projected_below_pct" in response.text


@pytest.mark.parametrize("role", [Role.TEACHER, Role.GOVERNOR])
def test_the_at_risk_list_names_pupils_so_only_pupil_readers_see_it(client, risk_school, role):
    assert get(client, user(risk_school, role, "someone"), "pa_risk").status_code == 403


def test_the_at_risk_list_is_get_only(client, risk_school):
    client.force_login(user(risk_school, Role.OFFICE, "office"))

    assert client.post(reverse("pa_risk")).status_code == 405
