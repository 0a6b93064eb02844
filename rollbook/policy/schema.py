"""A school's attendance policy as frozen dataclasses, loaded from TOML and validated.

Pure rules receive a `Policy`; nothing reads the file at rule-time. Percentages are given as
the policy words them ("below 92" → `below_pct = 92`), and compared exactly, never rounded.
Unknown keys are errors (a typo must not silently switch a rule off).
"""

from __future__ import annotations

import re
import tomllib
from datetime import time
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.dataclasses import dataclass

from rollbook.core.models import Role
from rollbook.policy.kinds import ActionKind

STRICT = ConfigDict(extra="forbid", frozen=True)
PRESETS = Path(__file__).resolve().parent / "presets"
Pct = Annotated[Decimal, Field(ge=0, le=100)]
Key = Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]


@dataclass(config=STRICT, kw_only=True)
class RegisterPolicy:
    am_opens: time = time(8, 45)
    pm_opens: time = time(13, 15)
    minutes_open: int = Field(30, ge=1, le=30)  # the legal maximum is 30 minutes
    chase_after_minutes: int = Field(15, ge=0, le=120)


@dataclass(config=STRICT, kw_only=True)
class Band:
    at_least_pct: Pct
    label: str
    colour: str


@dataclass(config=STRICT, kw_only=True)
class Thresholds:
    """National definitions by default: PA at 10 % absence or more, SA at 50 % or more."""

    pa_absence_at_least_pct: Pct = Decimal(10)
    sa_absence_at_least_pct: Pct = Decimal(50)
    pa_sessions_at_least: int | None = Field(None, ge=1)  # 002: 38 sessions (19 days) also makes PA
    pa_sticky_for_year: bool = False  # 002: once PA by sessions, PA for the rest of the year
    watch_below_pct: Pct | None = None  # 000: weekly watch list below 95 %
    close_monitoring_below_pct: Pct | None = None  # 001: closer monitoring below 96 %
    # At risk of PA: year-end attendance projected at the last 4 weeks' rate below this line.
    pa_risk_projected_below_pct: Pct | None = None  # 000: 90 (the seed names no rule)


@dataclass(config=STRICT, kw_only=True)
class Statutory:
    """The law's triggers (domain reference); a school may widen `pn_codes` (e.g. add N)."""

    pn_sessions: int = Field(10, ge=1)
    pn_school_weeks: int = Field(10, ge=1)
    pn_codes: tuple[str, ...] = ("G", "O", "U")
    continuous_unauthorised_days: int = Field(10, ge=1)
    cme_unexplained_days: int | None = Field(None, ge=1)  # 002: 5
    deletion_ground_i_days: int = Field(20, ge=1)
    deletion_ground_h_days: int = Field(10, ge=1)  # not back within 10 school days after leave
    # The LA is told of a new pupil within 5 days of admission; school or calendar days is
    # unconfirmed in law (domain reference §7), so the policy says (S002-16).
    la_new_pupil_notice_days: int = Field(5, ge=1)
    la_new_pupil_notice_day_kind: Literal["school", "calendar"] = "school"
    # CME checks for an admitted pupil not seen by the start date plus this many school days
    # (S002-103). None: no such check.
    cme_no_show_grace_days: int | None = Field(None, ge=0)
    sickness_return_days: int = Field(15, ge=1)
    # Who signs off a request to the LA for a penalty notice (000: the Attendance Lead, S000-27).
    # None: any office role may send it. The head teacher and an administrator always may.
    pn_signoff_role: Role | None = None
    # Who signs off a referral to the EWO / LA attendance team (000: the Attendance Lead,
    # S000-28): anyone else's referral waits as a draft. None: no sign-off.
    referral_signoff_role: Role | None = None


@dataclass(config=STRICT, kw_only=True)
class Trigger:
    """When a stage fires. Every condition given must hold (they are ANDed)."""

    days_absent_at_least: Decimal | None = Field(None, ge=0)  # sessions ÷ 2 in the academic year
    absence_basis: Literal["all", "unauthorised"] = "all"
    attendance_below_pct: Pct | None = None
    attendance_at_or_below_pct: Pct | None = None
    min_possible_sessions: int = Field(0, ge=0)  # e.g. only judge a % after 20 sessions
    unauthorised_sessions_at_least: int | None = Field(None, ge=1)
    lates_at_least: int | None = Field(None, ge=1)
    lates_within_school_days: int | None = Field(None, ge=1)  # None: the academic year
    consecutive_days_absent_at_least: int | None = Field(None, ge=1)
    after_stage: str | None = None  # only once this stage has fired
    # Only when the pupil has been absent again after the date the written warning from this
    # stage was sent (its letter action marked done). 002: a penalty notice follows further
    # absence after a dated written warning (S002-96).
    absent_after_warning_from: str | None = None

    @model_validator(mode="after")
    def _has_a_condition(self):
        conditions = (
            self.days_absent_at_least,
            self.attendance_below_pct,
            self.attendance_at_or_below_pct,
            self.unauthorised_sessions_at_least,
            self.lates_at_least,
            self.consecutive_days_absent_at_least,
        )
        if all(c is None for c in conditions):
            raise ValueError("a trigger needs at least one condition")
        return self


@dataclass(config=STRICT, kw_only=True)
class Action:
    kind: ActionKind
    text: str
    role: Role | None = None  # who does it; defaults to the stage owner
    template: str | None = None  # letter or message template key
    due_in_school_days: int = Field(5, ge=0)


@dataclass(config=STRICT, kw_only=True)
class Stage:
    key: Key
    name: str
    trigger: Trigger
    owner: Role = Role.ATTENDANCE_LEAD
    actions: tuple[Action, ...] = ()
    review_after_school_days: int | None = Field(None, ge=1)
    # Once a year by default. With `repeats`, the stage fires again while its trigger holds,
    # but no sooner than `repeat_after_school_days` after it last fired (e.g. each half term).
    repeats: bool = False
    repeat_after_school_days: int = Field(30, ge=1)
    tier: str | None = None  # WTTISA tier name (Expect, Monitor, Listen and understand, …)
    note: str = ""


@dataclass(config=STRICT, kw_only=True)
class Adjustments:
    """Pupils with these circumstances get adapted letters / leave class challenges."""

    adapted_letters_for: tuple[
        Literal["medical_plan", "long_term_illness", "part_time_timetable"], ...
    ] = ()
    excluded_from_class_challenge: tuple[
        Literal["medical_plan", "long_term_illness", "part_time_timetable"], ...
    ] = ()


@dataclass(config=STRICT, kw_only=True)
class LetterSettings:
    """What every letter to families carries (rollbook/letters): the legal paragraph and the
    "talk to us" contact (S002-113, S002-115, S002-130, S001-45)."""

    legal_paragraph: bool = False  # 002: the full legal-duty paragraph in stage letters
    legal_sources: tuple[str, ...] = ()  # 002: the Acts and regulations the policy rests on
    contact_role: Role = Role.ATTENDANCE_LEAD  # whose name letters give (from staff roles)
    contact_phone: str = ""  # the school fills these in; no seed gives a number
    contact_email: str = ""


@dataclass(config=STRICT, kw_only=True)
class LeavePolicy:
    retrospective_requests_refused: bool = True
    consider_penalty_notice_for_unauthorised_holiday: bool = True
    decision_role: Role = Role.HEAD


@dataclass(config=STRICT, kw_only=True)
class Reward:
    key: Key
    name: str
    period: Literal["day", "week", "half_term", "term", "year", "career"]
    measure: Literal["class_pct", "pupil_pct", "improvement"]
    at_least_pct: Pct | None = None
    above_pct: Pct | None = None
    tokens: int | None = Field(None, ge=1)
    tokens_buy: str | None = None
    prize: str = ""
    per_year_group: bool = False
    message_parents: bool = False  # queue a positive text home for each award recorded
    # Punctuality counts too (S002-22): at most this many lates (L or U) in the period.
    max_lates: int | None = Field(None, ge=0)


@dataclass(config=STRICT, kw_only=True)
class Patterns:
    """Thresholds for the pattern alerts (policy/patterns.py); the defaults suit most schools."""

    weekday_last_absence_days: int = Field(5, ge=2)  # look at the last N days of absence ...
    weekday_at_least: int = Field(3, ge=2)  # ... and alert when this many fall on one weekday
    next_to_holiday_at_least: int = Field(3, ge=1)  # absences beside a holiday this year
    holiday_repeat_window_days: int = Field(7, ge=0)  # G within N days of last year's dates
    siblings_together_at_least: int = Field(2, ge=1)  # days absent with a brother or sister
    late_run_school_days: int = Field(3, ge=2)  # late every day for N school days
    drop_points: Pct = Decimal(10)  # this half-term N points below the last ...
    drop_below_pct: Pct = Decimal(90)  # ... and now below this line ...
    drop_min_sessions: int = Field(40, ge=1)  # ... once both half-terms have this many sessions


@dataclass(config=STRICT, kw_only=True)
class Reports:
    weekly_day: Literal["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"] = "Monday"
    weekly_time: time = time(11, 30)
    weekly_to: tuple[Role, ...] = (Role.HEAD, Role.ATTENDANCE_LEAD)
    governors: Literal["termly", "annually"] = "termly"


@dataclass(config=STRICT, kw_only=True)
class Caseload:
    """A cap on the focus families one member of staff holds (003: AOs 5 each, AHTs 2)."""

    key: Key
    name: str
    role: Role  # who may hold families on this caseload
    max_families: int = Field(ge=1)  # a further family warns and needs a confirmed override
    per: Literal["half_term", "term", "year"] = "half_term"


@dataclass(config=STRICT, kw_only=True)
class Campaign:
    """A message to families on a schedule, prepared by rollbook/comms/campaigns.py."""

    kind: Literal["weekly_update", "halfterm_update", "halfterm_low", "halfterm_improvement"]
    weekday: Literal["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"] = "Friday"
    at_or_below_pct: Pct = Decimal(90)  # halfterm_low: 90.0 is in, 90.1 out
    improvement_points: Pct = Decimal(5)  # halfterm_improvement: points up on the half-term before
    min_possible_sessions: int = Field(20, ge=0)  # judge nobody on a handful of sessions
    auto_approve: bool = False  # queue without a person approving the preview


@dataclass(config=STRICT, kw_only=True)
class Comms:
    """Messages to families (rollbook/comms): first-day contact, quiet hours, campaigns."""

    first_day_delay_minutes: int = Field(10, ge=0, le=120)
    call_after_minutes: int = Field(60, ge=0, le=360)  # no reply to the text: phone
    quiet_starts: time = time(20, 0)
    quiet_ends: time = time(8, 0)
    campaigns: tuple[Campaign, ...] = ()


@dataclass(config=STRICT, kw_only=True)
class Policy:
    name: str
    version: int = Field(ge=1)
    preset: str | None = None
    source: str = ""  # where the rules come from (the school's published policy)
    register: RegisterPolicy = RegisterPolicy()
    school_target_pct: Pct | None = None
    bands: tuple[Band, ...] = ()
    thresholds: Thresholds = Thresholds()
    statutory: Statutory = Statutory()
    stages: tuple[Stage, ...] = ()
    adjustments: Adjustments = Adjustments()
    letters: LetterSettings = LetterSettings()  # the legal paragraph and contact on letters
    leave: LeavePolicy = LeavePolicy()
    rewards: tuple[Reward, ...] = ()
    reports: Reports = Reports()
    patterns: Patterns = Patterns()
    comms: Comms = Comms()  # messages to families (rollbook/comms)
    caseloads: tuple[Caseload, ...] = ()  # focus-family caps per role (casework)
    gaps: tuple[str, ...] = ()  # values the source leaves unstated, with the default chosen

    @field_validator("bands")
    @classmethod
    def _bands_descend(cls, bands):
        values = [b.at_least_pct for b in bands]
        if values != sorted(values, reverse=True):
            raise ValueError("bands must be listed from the highest at_least_pct down")
        return bands

    @model_validator(mode="after")
    def _stage_keys_unique_and_known(self):
        keys = [s.key for s in self.stages]
        if len(keys) != len(set(keys)):
            raise ValueError(f"stage keys must be unique: {keys}")
        for stage in self.stages:
            warning = stage.trigger.absent_after_warning_from
            if warning and warning not in keys:
                raise ValueError(
                    f"stage {stage.key!r}: absent_after_warning_from {warning!r} is not a stage"
                )
            if stage.trigger.after_stage and stage.trigger.after_stage not in keys:
                raise ValueError(
                    f"stage {stage.key!r}: after_stage {stage.trigger.after_stage!r} is not a stage"
                )
        return self

    @field_validator("caseloads")
    @classmethod
    def _caseload_keys_unique(cls, caseloads):
        keys = [c.key for c in caseloads]
        if len(keys) != len(set(keys)):
            raise ValueError(f"caseload keys must be unique: {keys}")
        return caseloads

    def stage(self, key: str) -> Stage:
        return next(s for s in self.stages if s.key == key)


class PolicyError(ValueError):
    """A policy file that does not validate; `problems` name the key and the line."""

    def __init__(self, source: str, problems: list[str]):
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


_ADAPTER = TypeAdapter(Policy)


def _line_of(text: str, loc: tuple) -> int | None:
    """Best-effort line number for a validation error location in a TOML document."""
    keys = [str(part) for part in loc if not isinstance(part, int)]
    if not keys:
        return None
    target = keys[-1]
    pattern = re.compile(rf"^\s*(\[\[?\s*)?{re.escape(target)}\s*(=|\]|\.)")
    section = ".".join(keys[:-1])
    fallback = None
    current = ""
    for number, line in enumerate(text.splitlines(), 1):
        header = re.match(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?", line)
        if header:
            current = header.group(1)
        if pattern.match(line) or re.search(rf"\b{re.escape(target)}\s*=", line):
            if current.startswith(section) or not section:
                return number
            fallback = fallback or number
    return fallback


def parse_policy(text: str, source: str = "policy") -> Policy:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise PolicyError(source, [f"not valid TOML: {e}"]) from e
    try:
        return _ADAPTER.validate_python(data)
    except ValidationError as e:
        problems = []
        for err in e.errors():
            key = ".".join(str(p) for p in err["loc"]) or "(top level)"
            line = _line_of(text, err["loc"])
            where = f"line {line}, " if line else ""
            problems.append(f"{where}{key}: {err['msg']}")
        raise PolicyError(source, problems) from e


def load_policy(path: str | Path) -> Policy:
    path = Path(path)
    return parse_policy(path.read_text(encoding="utf-8"), str(path))


def preset_names() -> list[str]:
    return sorted(p.stem for p in PRESETS.glob("*.toml"))


def load_preset(name: str) -> Policy:
    path = PRESETS / f"{name}.toml"
    if not path.exists():
        raise PolicyError(name, [f"no preset {name!r}; choose from {', '.join(preset_names())}"])
    return load_policy(path)


NATIONAL = Policy(name="National defaults (DfE)", version=1)  # no local stages
