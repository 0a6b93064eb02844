"""The six presets: they load, they carry each seed's numbers, and docs/policy.md keeps up.

The expectations are written by hand from ../shared/seed-duties.md (Part 3, "Cross-seed
numeric parameters") and the seed texts, not read back from the files under test.
Plain pytest, no database.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
import typing
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from rollbook.core.models import Role
from rollbook.policy import schema
from rollbook.policy.schema import (
    NATIONAL,
    PRESETS,
    ActionKind,
    Policy,
    PolicyError,
    load_preset,
    parse_policy,
    preset_names,
)

REPO = Path(__file__).resolve().parents[3]
DOC = REPO / "docs" / "policy.md"
SEED_DUTIES = REPO.parent / "shared" / "seed-duties.md"

SEED_PRESETS = {
    "000_dovecote": "000",
    "001_everyones_business": "001",
    "002_st_dunstans": "002",
    "003_woodside": "003",
    "004_strategy_2024_25": "004",
}
ALL_PRESETS = [*SEED_PRESETS, "national"]
WTTISA_TIERS = [
    "Expect",
    "Monitor",
    "Listen and understand",
    "Facilitate support",
    "Formalise support",
    "Enforce",
]


@pytest.fixture(scope="module")
def presets() -> dict[str, Policy]:
    return {name: load_preset(name) for name in ALL_PRESETS}


def _register_closes(policy: Policy) -> time:
    opens = datetime.combine(date(2025, 9, 1), policy.register.am_opens)
    return (opens + timedelta(minutes=policy.register.minutes_open)).time()


def _days(policy: Policy) -> list[Decimal]:
    return [
        s.trigger.days_absent_at_least
        for s in policy.stages
        if s.trigger.days_absent_at_least is not None
    ]


def _reward(policy: Policy, key: str):
    return next(r for r in policy.rewards if r.key == key)


def _gaps(policy: Policy) -> str:
    return "\n".join(policy.gaps)


# --- every preset -------------------------------------------------------------------------


def test_the_preset_folder_holds_exactly_one_preset_per_seed_and_the_national_one():
    assert preset_names() == sorted(ALL_PRESETS)


@pytest.mark.parametrize("name", ALL_PRESETS)
def test_every_preset_loads_and_names_its_own_file(name):
    policy = load_preset(name)

    assert policy.preset == name
    assert policy.version == 1
    assert policy.name and policy.source


@pytest.mark.parametrize("name", ALL_PRESETS)
def test_every_after_stage_names_an_earlier_stage_of_the_same_preset(name):
    policy = load_preset(name)
    seen: set[str] = set()

    for stage in policy.stages:
        if stage.trigger.after_stage:
            assert stage.trigger.after_stage in seen, stage.key
        seen.add(stage.key)


@pytest.mark.parametrize("name", ALL_PRESETS)
def test_every_role_in_a_preset_is_a_rollbook_role(name):
    policy = load_preset(name)
    roles = {s.owner for s in policy.stages}
    roles |= {a.role for s in policy.stages for a in s.actions if a.role}
    roles |= {policy.leave.decision_role, *policy.reports.weekly_to}

    assert roles <= set(Role)
    assert all(a.kind in set(ActionKind) for s in policy.stages for a in s.actions)


@pytest.mark.parametrize("name", ALL_PRESETS)
def test_no_preset_makes_a_stage_repeat(name):
    # `repeats = true` fires on every daily run while the trigger holds; the seeds' recurring
    # steps (each half term, each spell of absence) are listed in gaps instead.
    assert not any(s.repeats for s in load_preset(name).stages)


@pytest.mark.parametrize("name", ALL_PRESETS)
def test_every_register_stays_open_no_longer_than_the_legal_thirty_minutes(name):
    assert load_preset(name).register.minutes_open <= 30


@pytest.mark.parametrize("name", ALL_PRESETS)
def test_every_preset_keeps_the_dfe_pa_and_sa_lines_for_statutory_figures(name):
    thresholds = load_preset(name).thresholds

    assert thresholds.pa_absence_at_least_pct == 10
    assert thresholds.sa_absence_at_least_pct == 50


@pytest.mark.parametrize("name", list(SEED_PRESETS))
def test_every_seed_preset_lists_its_gaps(name):
    assert len(load_preset(name).gaps) >= 10


@pytest.mark.parametrize("name", list(SEED_PRESETS))
def test_every_stage_and_reward_key_line_cites_a_duty_of_its_own_seed(name):
    seed = SEED_PRESETS[name]
    lines = (PRESETS / f"{name}.toml").read_text(encoding="utf-8").splitlines()
    key_lines = [line for line in lines if line.startswith("key = ")]

    assert key_lines
    uncited = [line for line in key_lines if not re.search(rf"#.*\bS{seed}-\d+", line)]
    assert not uncited, uncited


@pytest.mark.parametrize("name", list(SEED_PRESETS))
def test_every_duty_id_a_preset_cites_is_a_duty_of_that_seed(name):
    if not SEED_DUTIES.exists():
        pytest.skip(f"{SEED_DUTIES} not found: the shared checklist is not beside the repository")
    known = set(re.findall(r"^\| (S00\d-\d+) \|", SEED_DUTIES.read_text("utf-8"), re.MULTILINE))
    cited = set(re.findall(r"\bS00\d-\d+\b", (PRESETS / f"{name}.toml").read_text("utf-8")))

    assert cited, "a seed preset cites its duties"
    assert cited <= known, sorted(cited - known)
    assert {c[1:4] for c in cited} == {SEED_PRESETS[name]}


# --- 000 Dovecote ---------------------------------------------------------------------------


def test_000_watches_pupils_below_95_each_week(presets):
    p = presets["000_dovecote"]

    assert p.thresholds.watch_below_pct == 95
    assert [s.key for s in p.stages] == ["weekly_watch"]
    assert p.stage("weekly_watch").trigger.attendance_below_pct == 95
    assert p.stage("weekly_watch").owner == Role.OFFICE


def test_000_routes_leave_to_the_attendance_lead_and_reports_weekly_and_termly(presets):
    p = presets["000_dovecote"]

    assert p.leave.decision_role == Role.ATTENDANCE_LEAD
    assert set(p.reports.weekly_to) == {Role.HEAD, Role.TEACHER}
    assert p.reports.governors == "termly"
    assert p.school_target_pct is None
    assert "At risk of PA" in _gaps(p)
    assert "sign-off" in _gaps(p)


def test_000_celebrates_classes_weekly(presets):
    celebration = _reward(presets["000_dovecote"], "weekly_class_celebration")

    assert (celebration.period, celebration.measure) == ("week", "class_pct")
    assert "Weekly class attendance celebration (S000-56)" in _gaps(presets["000_dovecote"])


# --- 001 "Improving Attendance is Everyone's Business" --------------------------------------


def test_001_targets_96_and_monitors_below_96_more_closely(presets):
    p = presets["001_everyones_business"]

    assert p.school_target_pct == 96
    assert p.thresholds.close_monitoring_below_pct == 96
    review = p.stage("halfterm_review")
    assert review.trigger.attendance_below_pct == 96
    assert review.owner == Role.ATTENDANCE_LEAD  # the parent support worker
    assert "Headteacher" in review.actions[0].text


def test_001_holds_a_formal_meeting_below_92_that_leads_to_a_contract_reviewed_next_half_term(
    presets,
):
    meeting = presets["001_everyones_business"].stage("formal_meeting")

    assert meeting.trigger.attendance_below_pct == 92
    assert [a.kind for a in meeting.actions] == [ActionKind.MEETING, ActionKind.CONTRACT]
    assert meeting.review_after_school_days == 30
    assert "following half term" in meeting.note


def test_001_names_the_six_dfe_tiers_in_order(presets):
    assert [s.tier for s in presets["001_everyones_business"].stages] == WTTISA_TIERS


def test_001_keeps_the_three_empty_tiers_as_placeholders_that_never_fire(presets):
    p = presets["001_everyones_business"]

    for key in ("facilitate_support", "formalise_support", "enforce"):
        stage = p.stage(key)
        assert stage.trigger.attendance_below_pct == 0, key  # nobody is below 0 %
        assert "heading only" in stage.note
    assert p.stage("facilitate_support").actions == ()
    assert p.stage("formalise_support").actions == ()
    assert [a.text for a in p.stage("enforce").actions] == [
        "Consider referring a term-time holiday to the Local Authority for a Fixed Penalty Notice."
    ]


def test_001_bands_use_the_seeds_96_and_92(presets):
    bands = presets["001_everyones_business"].bands

    assert [b.at_least_pct for b in bands] == [96, 92, 0]
    assert [b.colour for b in bands] == ["green", "amber", "red"]


def test_001_adapts_letters_and_class_challenges_and_rewards_classes_only(presets):
    p = presets["001_everyones_business"]
    circumstances = {"long_term_illness", "part_time_timetable", "medical_plan"}

    assert set(p.adjustments.adapted_letters_for) == circumstances
    assert set(p.adjustments.excluded_from_class_challenge) == circumstances
    assert {r.measure for r in p.rewards} == {"class_pct"}
    assert _reward(p, "weekly_winning_class").period == "week"
    assert _reward(p, "weekly_class_at_target").at_least_pct == 96
    assert p.leave.consider_penalty_notice_for_unauthorised_holiday


def test_001_notes_the_july_rollover_the_dips_and_stepping_down(presets):
    gaps = _gaps(presets["001_everyones_business"])

    assert "focus families" in gaps  # S001-34
    assert "Dips between monitoring points" in gaps  # S001-36
    assert "steps down as well as up" in gaps  # S001-49


# --- 002 St Dunstan's -----------------------------------------------------------------------


def test_002_stages_fire_at_4_10_15_19_30_and_47_days_of_any_absence(presets):
    p = presets["002_st_dunstans"]

    assert _days(p) == [4, 10, 15, 19, 30, 47]
    assert [s.key for s in p.stages][:6] == [f"stage_{n}" for n in range(1, 7)]
    assert all(s.trigger.absence_basis == "all" for s in p.stages[:6])


def test_002_sends_letters_1_to_3_a_formal_warning_at_19_days_and_holds_its_meetings(presets):
    p = presets["002_st_dunstans"]

    def templates(key, kind):
        return [a.template for a in p.stage(key).actions if a.kind == kind]

    assert templates("stage_1", ActionKind.LETTER) == ["stage_1_letter"]
    assert templates("stage_2", ActionKind.LETTER) == ["stage_2_letter"]
    assert templates("stage_3", ActionKind.LETTER) == ["stage_3_letter"]
    assert templates("stage_4", ActionKind.LETTER) == ["formal_warning"]
    assert [a.role for a in p.stage("stage_3").actions if a.kind == ActionKind.MEETING] == [
        Role.ATTENDANCE_LEAD  # the Attendance Leader is the Headteacher (S002-1, S002-49)
    ]
    assert [a.role for a in p.stage("stage_5").actions if a.kind == ActionKind.MEETING] == [
        Role.ATTENDANCE_LEAD
    ]
    assert [a.role for a in p.stage("stage_6").actions] == [Role.DSL, Role.HEAD]


def test_002_each_stage_creates_the_actions_the_map_lists(presets):
    p = presets["002_st_dunstans"]
    task, letter, flag, meeting = (
        ActionKind.TASK,
        ActionKind.LETTER,
        ActionKind.FLAG,
        ActionKind.MEETING,
    )

    assert {s.key: [a.kind for a in s.actions] for s in p.stages} == {
        "stage_1": [task, flag, task, letter],  # S002-43, S002-44, S002-45
        "stage_2": [task, ActionKind.SUPPORT_PLAN, letter],  # S002-46 to S002-48
        "stage_3": [meeting, task, letter],  # S002-49 to S002-51
        "stage_4": [letter, task, task, flag, task],  # S002-52 to S002-55, S002-91
        "stage_5": [meeting, ActionKind.REFERRAL, task],  # S002-56, S002-57
        "stage_6": [task, meeting],  # S002-58, S002-59
        "penalty_notice": [task],  # S002-96
        "punctuality_letter": [letter],  # S002-75
    }
    assert "Local Authority" in p.stage("stage_4").actions[-1].text  # S002-91


def test_002_punctuality_letter_uses_a_documented_default_rule(presets):
    p = presets["002_st_dunstans"]
    trigger = p.stage("punctuality_letter").trigger

    assert (trigger.lates_at_least, trigger.lates_within_school_days) == (5, 30)
    assert "Half-termly punctuality letter (S002-75): no rule given" in _gaps(p)


def test_002_routes_stage_letters_1_to_3_to_the_attendance_officer(presets):
    p = presets["002_st_dunstans"]

    for key in ("stage_1", "stage_2", "stage_3"):
        letters = [a for a in p.stage(key).actions if a.kind == ActionKind.LETTER]
        assert [a.role for a in letters] == [Role.OFFICE], key


def test_002_tiers_follow_the_support_map(presets):
    p = presets["002_st_dunstans"]

    assert [p.stage(f"stage_{n}").tier for n in range(1, 7)] == [
        "Monitor",
        "Listen and understand",
        "Facilitate support",
        "Formalise support",
        "Enforce",
        "Enforce",
    ]


def test_002_counts_38_sessions_as_pa_for_the_rest_of_the_year_but_keeps_the_dfe_line(presets):
    p = presets["002_st_dunstans"]

    assert p.thresholds.pa_sessions_at_least == 38
    assert p.thresholds.pa_sticky_for_year is True
    assert p.thresholds.pa_absence_at_least_pct == 10
    assert any(a.kind == ActionKind.FLAG for a in p.stage("stage_4").actions)
    assert "below 90 %" in _gaps(p)
    assert "10 % absence or more, inclusive" in _gaps(p)


def test_002_considers_a_penalty_notice_at_10_unauthorised_sessions_after_the_warning(presets):
    p = presets["002_st_dunstans"]
    notice = p.stage("penalty_notice")

    assert notice.trigger.unauthorised_sessions_at_least == 10
    assert notice.trigger.after_stage == "stage_4"
    assert notice.trigger.days_absent_at_least is None
    assert notice.trigger.absent_after_warning_from == "stage_4"


def test_002_closes_the_register_at_0920_within_the_legal_maximum(presets):
    p = presets["002_st_dunstans"]

    assert _register_closes(p) == time(9, 20)
    assert p.register.minutes_open == 30
    assert p.register.am_opens > time(8, 35)  # opening at the doors would be 45 minutes
    assert "08:35" in _gaps(p)


def test_002_cme_leave_and_rewards(presets):
    p = presets["002_st_dunstans"]
    challenge = _reward(p, "weekly_96_challenge")

    assert p.statutory.cme_unexplained_days == 5
    assert p.leave.decision_role == Role.HEAD
    assert p.leave.retrospective_requests_refused
    assert p.leave.consider_penalty_notice_for_unauthorised_holiday
    assert (challenge.period, challenge.measure) == ("week", "class_pct")
    assert (challenge.at_least_pct, challenge.tokens) == (96, 6)
    assert challenge.tokens_buy == "movie afternoon"


# --- 003 Woodside ---------------------------------------------------------------------------


def test_003_hotspot_is_above_95_6_per_year_group_on_one_day(presets):
    hotspot = _reward(presets["003_woodside"], "ht_hotspot")

    assert hotspot.above_pct == Decimal("95.6")
    assert hotspot.at_least_pct is None  # "above": 95.6 itself does not qualify
    assert hotspot.per_year_group
    assert hotspot.period == "day"


def test_003_class_lead_at_95_8_and_ambassador_at_100(presets):
    p = presets["003_woodside"]

    assert _reward(p, "class_attendance_lead").at_least_pct == Decimal("95.8")
    assert _reward(p, "year_group_ambassador").at_least_pct == 100
    assert _reward(p, "year_group_ambassador").per_year_group
    assert _reward(p, "weekly_highest_class").prize == "10 minutes' extra play"
    assert _reward(p, "weekly_class_target").at_least_pct is None  # the teacher sets it weekly


def test_003_reports_weekly_by_monday_1130(presets):
    reports = presets["003_woodside"].reports

    assert (reports.weekly_day, reports.weekly_time) == ("Monday", time(11, 30))


def test_003_meets_parents_of_pa_pupils_and_lists_what_cannot_be_a_stage(presets):
    p = presets["003_woodside"]
    gaps = _gaps(p)

    assert [s.key for s in p.stages] == ["pa_meeting"]
    assert p.stage("pa_meeting").trigger.attendance_at_or_below_pct == 90
    assert "Appendix 3" in gaps
    assert "second day of unauthorised absence" in gaps
    assert "AO 5 each, Headship 5 to 6 (cap 6), AHT 2, YGL 2" in gaps


# --- 004 Strategy 2024-25 -------------------------------------------------------------------


def test_004_texts_families_at_90_or_below_inclusive(presets):
    stage = presets["004_strategy_2024_25"].stage("halfterm_text_90")

    assert stage.trigger.attendance_at_or_below_pct == 90
    assert stage.trigger.attendance_below_pct is None
    # The text goes by the half-termly campaign, at the same inclusive threshold.
    (low,) = [
        c for c in presets["004_strategy_2024_25"].comms.campaigns if c.kind == "halfterm_low"
    ]
    assert low.at_or_below_pct == stage.trigger.attendance_at_or_below_pct


def test_004_considers_frequent_late_comers_for_the_panel_with_a_documented_default(presets):
    p = presets["004_strategy_2024_25"]
    trigger = p.stage("panel_lates").trigger

    assert (trigger.lates_at_least, trigger.lates_within_school_days) == (5, 30)
    # The half-termly text is a campaign (sent once per family), not a to-do per pupil.
    assert [a.kind for a in p.stage("halfterm_text_90").actions] == [ActionKind.MEETING]
    low = [c for c in p.comms.campaigns if c.kind == "halfterm_low"]
    assert [c.at_or_below_pct for c in low] == [90]
    assert "'frequent late-comers' is not defined" in _gaps(p)


def test_004_visits_after_a_3_day_absence(presets):
    stage = presets["004_strategy_2024_25"].stage("home_visit_after_3_days")

    assert stage.trigger.consecutive_days_absent_at_least == 3


def test_004_rewards_100_termly_and_yearly_and_99_over_a_career(presets):
    p = presets["004_strategy_2024_25"]

    assert (_reward(p, "termly_100").period, _reward(p, "termly_100").at_least_pct) == ("term", 100)
    assert (_reward(p, "year_100").period, _reward(p, "year_100").at_least_pct) == ("year", 100)
    assert (_reward(p, "career_99").period, _reward(p, "career_99").at_least_pct) == ("career", 99)
    assert _reward(p, "weekly_winning_class").measure == "class_pct"


# --- national -------------------------------------------------------------------------------


def test_the_national_preset_is_the_schema_default_with_no_local_rules(presets):
    p = presets["national"]

    for field in ("register", "thresholds", "statutory", "stages", "bands", "rewards"):
        assert getattr(p, field) == getattr(NATIONAL, field), field
    assert (p.leave, p.reports, p.adjustments) == (
        NATIONAL.leave,
        NATIONAL.reports,
        NATIONAL.adjustments,
    )
    assert p.school_target_pct is None


# --- broken policies ------------------------------------------------------------------------


def _line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith(needle))


def test_a_register_open_45_minutes_is_refused_naming_the_key_and_line():
    text = (PRESETS / "002_st_dunstans.toml").read_text("utf-8")
    broken = text.replace("minutes_open = 30", "minutes_open = 45")

    with pytest.raises(PolicyError) as caught:
        parse_policy(broken, "002.toml")

    line = _line_of(broken, "minutes_open = 45")
    assert f"line {line}, register.minutes_open" in str(caught.value)


def test_a_typo_key_is_refused_naming_the_key_and_line():
    text = (PRESETS / "002_st_dunstans.toml").read_text("utf-8")
    broken = text.replace("pa_sticky_for_year = true", "pa_sticky_for_yaer = true")

    with pytest.raises(PolicyError) as caught:
        parse_policy(broken, "002.toml")

    line = _line_of(broken, "pa_sticky_for_yaer")
    assert f"line {line}, thresholds.pa_sticky_for_yaer: Unexpected keyword argument" in str(
        caught.value
    )


def test_a_typo_in_a_stage_trigger_is_refused_naming_the_stage_and_line():
    text = (PRESETS / "002_st_dunstans.toml").read_text("utf-8")
    broken = text.replace("days_absent_at_least = 15", "days_absent_at_lest = 15")

    with pytest.raises(PolicyError) as caught:
        parse_policy(broken, "002.toml")

    line = _line_of(broken, "days_absent_at_lest")
    assert f"line {line}, stages.2.trigger.days_absent_at_lest" in str(caught.value)


def test_an_unknown_role_is_refused():
    text = (PRESETS / "001_everyones_business.toml").read_text("utf-8")
    broken = text.replace('owner = "attendance_lead"  # the PSW\n', 'owner = "psw"\n', 1)

    with pytest.raises(PolicyError, match=r"stages\.1\.owner"):
        parse_policy(broken, "001.toml")


def test_an_unknown_preset_lists_the_ones_there_are():
    with pytest.raises(PolicyError, match="002_st_dunstans"):
        load_preset("002")


# --- docs/policy.md -------------------------------------------------------------------------


def _nested_dataclasses(hint) -> list[type]:
    if dataclasses.is_dataclass(hint):
        return [hint]
    return [t for arg in typing.get_args(hint) for t in _nested_dataclasses(arg)]


def _sections(cls: type = Policy, path: str = "") -> dict[str, type]:
    """Every table of a policy file, by its TOML path ('' is the top level)."""
    found = {path: cls}
    hints = typing.get_type_hints(cls, vars(schema))
    for f in dataclasses.fields(cls):
        for nested in _nested_dataclasses(hints[f.name]):
            found |= _sections(nested, f"{path}.{f.name}".lstrip("."))
    return found


def _documented() -> dict[str, dict[str, str]]:
    """docs/policy.md tables: {section path: {key: the "Set by" cell}}."""
    tables: dict[str, dict[str, str]] = {}
    section = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^### (?:Top level|`\[\[?([a-z_.]+)\]\]?`)", line)
        if heading:
            section = heading.group(1) or ""
            tables[section] = {}
        elif line.startswith("## "):
            section = None
        row = re.match(r"^\| `([a-z_]+)` \|", line)
        if row and section is not None:
            tables[section][row.group(1)] = line.rstrip().rstrip("|").rsplit("|", 1)[-1]
    return tables


def _set_in(data, path: list[str], key: str) -> bool:
    if isinstance(data, list):
        return any(_set_in(item, path, key) for item in data)
    if not path:
        return key in data
    return path[0] in data and _set_in(data[path[0]], path[1:], key)


def test_every_schema_key_is_documented_in_policy_md():
    documented = _documented()

    for path, cls in _sections().items():
        assert path in documented, f"docs/policy.md has no table for [{path}]"
        keys = [f.name for f in dataclasses.fields(cls)]
        missing = [k for k in keys if k not in documented[path]]
        extra = [k for k in documented[path] if k not in keys]
        assert not missing, f"[{path or 'top level'}] keys missing from docs/policy.md: {missing}"
        assert not extra, f"[{path or 'top level'}] documents keys the schema lacks: {extra}"


def test_the_docs_say_which_presets_set_each_key():
    documented = _documented()
    files = {
        name: tomllib.loads((PRESETS / f"{name}.toml").read_text("utf-8")) for name in ALL_PRESETS
    }
    short = {name: SEED_PRESETS.get(name, "national") for name in ALL_PRESETS}

    for path, keys in documented.items():
        for key, cell in keys.items():
            said = set(re.findall(r"\b(00[0-4]|national)\b", cell))
            setting = {
                short[name]
                for name, data in files.items()
                if _set_in(data, path.split(".") if path else [], key)
            }
            assert said == setting, (
                f"[{path or 'top level'}] {key}: docs say {said}, files {setting}"
            )


def test_the_docs_summarise_every_preset():
    text = DOC.read_text(encoding="utf-8")

    for name in ALL_PRESETS:
        assert f"`{name}`" in text
