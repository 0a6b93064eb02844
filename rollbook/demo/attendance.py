"""Invented attendance marks for the demo school, as plain values (no ORM, no clock).

The marks imitate a typical English primary school: illness that peaks in winter and on
Mondays, class outbreaks, medical appointments, a few families who take term-time
holidays next to half-terms (siblings away together), a few who keep children off without
a reason, chronic lateness in some households, and a handful of designed stories a demo
should show: a long-term illness, a pupil avoiding school, a pupil who went abroad and was
deleted under ground I, part-time timetables, a family on the road to a penalty notice.

Every random draw comes from the `random.Random` passed in, in a fixed order.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from rollbook.core.calendar import SESSIONS, SchoolCalendar, Session, academic_year_of, school_weeks
from rollbook.demo.people import Household, People, PupilSpec
from rollbook.pupils.rules import is_compulsory_school_age

AM, PM = Session.AM.value, Session.PM.value
PRESENT = {AM: "/", PM: "\\"}
# Relative chance that an illness starts, by month and by weekday (Monday and Friday dips).
SEASON = {
    9: 0.55,
    10: 0.85,
    11: 1.05,
    12: 1.45,
    1: 1.5,
    2: 1.3,
    3: 1.0,
    4: 0.8,
    5: 0.7,
    6: 0.6,
    7: 0.7,
}
WEEKDAY = (1.35, 0.9, 0.85, 0.9, 1.15)
TRUANCY_WEEKDAY = (1.4, 0.75, 0.7, 0.8, 1.55)
EPISODE_DAYS = (1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3, 4, 5)
ILLNESS_MEAN = 0.0165  # chance per school day that an average pupil falls ill
# Most pupils are rarely ill; about one in seven (more among pupil-premium pupils: asthma,
# a chronic condition, a fragile family situation) is ill five to ten times as often as the
# rest. That tail, not the average, is what makes a realistic persistent-absence rate.
FRAIL_SHARE = {False: 0.12, True: 0.3}  # without and with pupil premium
FRAIL_FACTOR = (5.0, 10.0)
USUAL_SPREAD = 0.5
# Days off with no good reason (O), per household: (share of households, rate range per
# school day), for households without and with disadvantage; everyone else very rarely.
TRUANCY = {False: (0.12, 0.005, 0.015), True: (0.5, 0.01, 0.04)}
TRUANCY_RARE = 0.006
HOLIDAY_PER_YEAR = 0.4  # chance a family stretches a break by a few days in a school year
MEDICAL = 0.0016  # chance per session of a medical or dental appointment (M)
LATE = 0.008  # chance per morning that a typical pupil arrives late
EID = (date(2025, 3, 31), date(2025, 6, 6), date(2026, 3, 20), date(2027, 3, 10), date(2028, 2, 28))
RECENT_DAYS = 5  # N must be resolved within 5 school days: older ones already are
UNTAKEN_TODAY = 2  # classes whose morning register is "not yet taken" today
UNAUTHORISED_FOR_PENALTY = frozenset({"G", "O", "U"})
STORIES = {
    "long_term_illness": "long-term illness (I), then a part-time return (C2)",
    "school_avoidance": "school avoidance (I, late arrivals, C2)",
    "ground_i_leaver": "joined in February, away 20+ school days (O), deleted under ground I",
    "penalty_holiday": "brothers and sisters away for a term-time week (G)",
    "penalty_pattern": "repeated O days and U lates this half-term",
    "chronic_lateness": "households often late (L, some U)",
    "part_time_timetable": "part-time timetables (C2 afternoons)",
    "la_provision": "local-authority provision on Wednesday afternoons (K)",
    "suspension": "a suspension (E)",
    "settling_in": "Reception settling-in afternoons (X)",
}


@dataclass(frozen=True)
class DemoMark:
    upn: str
    date: date
    session: str
    code: str
    minutes_late: int | None = None


@dataclass
class Attendance:
    marks: list[DemoMark]
    untaken_today: list[str]
    stories: dict[str, list[str]] = field(default_factory=dict)  # story -> UPNs
    trips: list[tuple[str, date]] = field(default_factory=list)


Plan = dict[tuple[date, str], tuple[str, int | None]]


def make_attendance(
    people: People, calendar: SchoolCalendar, *, today: date, rng: random.Random
) -> Attendance:
    return _Generator(people, calendar, today, rng).run()


def penalty_window_peak(
    marks: Iterable[DemoMark], calendar: SchoolCalendar, weeks: int = 10
) -> int:
    """The most G/O/U sessions one pupil's marks hold in any run of `weeks` school weeks."""
    marks = [m for m in marks if m.code in UNAUTHORISED_FOR_PENALTY]
    if not marks:
        return 0
    index = {monday: i for i, monday in enumerate(school_weeks(calendar.school_days()))}
    per_week: dict[int, int] = defaultdict(int)
    for m in marks:
        per_week[index[m.date - timedelta(days=m.date.weekday())]] += 1
    return max(sum(per_week.get(w + k, 0) for k in range(weeks)) for w in per_week)


class _Generator:
    def __init__(self, people: People, calendar: SchoolCalendar, today: date, rng):
        self.people, self.calendar, self.today, self.rng = people, calendar, today, rng
        self.year = academic_year_of(today)
        self.days = calendar.school_days(date(self.year - 1, 8, 1), today)
        self.sessions = {
            d: [s.value for s in SESSIONS if calendar.is_school_session(d, s)] for d in self.days
        }
        self.recent = set(self.days[-RECENT_DAYS:])
        self.terms = [t for t in calendar.terms if academic_year_of(t.start) >= self.year - 1]
        self.term_days = [calendar.school_days(t.start, t.end) for t in self.terms]
        self.terms_by_year: dict[int, list[list[date]]] = defaultdict(list)
        for term, days in zip(self.terms, self.term_days, strict=True):
            self.terms_by_year[academic_year_of(term.start)].append(days)
        self.stories: dict[str, list[PupilSpec]] = defaultdict(list)
        self.trips: dict[tuple[str, date], bool] = {}
        self.outbreaks: dict[tuple[str, date], float] = {}
        self.family_holiday: list[date] = []
        self.penalty_family: set[str] = set()
        self.frail: set[str] = set()

    def year_days(self, start_year: int) -> list[date]:
        return [d for d in self.days if academic_year_of(d) == start_year]

    def run(self) -> Attendance:
        untaken = []
        if self.today in self.sessions and AM in self.sessions[self.today]:
            untaken = sorted(self.rng.sample(self.people.class_names, UNTAKEN_TODAY))
        self._class_events()
        household_plans = {h.index: self._household_plan(h) for h in self.people.households}
        late = {h.index: self._late_days(h) for h in self._late_households()}
        pupil_plans = self._stories()
        self.frail = self._frail_pupils()
        marks: list[DemoMark] = []
        for pupil in self.people.pupils:
            marks += self._pupil_marks(
                pupil,
                pupil_plans.get(pupil.upn, {}),
                household_plans[pupil.household.index],
                late.get(pupil.household.index, {}),
                skip_today=pupil.class_name in untaken,
            )
        stories = {k: sorted(p.upn for p in v) for k, v in sorted(self.stories.items())}
        trips = sorted(self.trips, key=lambda trip: trip[1])
        return Attendance(marks, untaken, stories, trips)

    # --- whole classes ----------------------------------------------------------------------

    def _class_events(self) -> None:
        """One trip day per year for one class; a few winter outbreaks of illness."""
        rng = self.rng
        classes = self.people.class_names
        for start_year in (self.year - 1, self.year):
            on_roll = [c for c in classes if start_year == self.year or not c.startswith("R ")]
            days = self.year_days(start_year)
            trip_days = [d for d in days if 1 <= d.weekday() <= 3 and d < self.today]
            if start_year < self.year:
                trip_days = [d for d in trip_days if d.month in (6, 7)]
            on_roll = [c for c in on_roll if all(c != name for name, _ in self.trips)]
            if trip_days:
                self.trips[(rng.choice(on_roll), rng.choice(trip_days))] = True
            winter = [d for d in days if d.month in (12, 1, 2)]
            for _ in range(3 if winter else 0):
                group, start = rng.choice(on_roll), days.index(rng.choice(winter))
                for d in days[start : start + 5]:
                    self.outbreaks[(group, d)] = 4.0

    # --- households -------------------------------------------------------------------------

    def _household_plan(self, household: Household) -> Plan:
        """Term-time holidays (G), Eid (R) and unexplained days off (O), shared by siblings."""
        rng, plan = self.rng, {}
        for year_terms in (self.terms_by_year[self.year - 1], self.terms_by_year[self.year]):
            if year_terms and rng.random() < HOLIDAY_PER_YEAR:  # a break stretched at one end
                days = rng.choice(year_terms)
                length = rng.choice((1, 2, 2, 3, 3, 3))
                window = days[-length:] if rng.random() < 0.6 else days[:length]
                self._whole_days(window, "G", plan)
        if household.eid:
            for d in EID:
                for s in self.sessions.get(d, ()):
                    plan.setdefault((d, s), ("R", None))
        share, low, high = TRUANCY[household.disadvantaged]
        rate = rng.uniform(low, high) if rng.random() < share else TRUANCY_RARE
        for d in self.days:
            if rng.random() < rate * TRUANCY_WEEKDAY[d.weekday()]:
                sessions = self.sessions[d] if rng.random() < 0.75 else self.sessions[d][-1:]
                for s in sessions:
                    plan.setdefault((d, s), ("O", None))
        return plan

    def _late_households(self) -> list[Household]:
        rng = self.rng
        candidates = [h for h in self.people.households if not h.foster]
        return rng.sample(candidates, min(len(candidates), max(1, round(len(candidates) / 90))))

    def _late_days(self, household: Household) -> dict[date, tuple[str, int]]:
        """Chronic lateness: brothers and sisters arrive late together."""
        rng, late = self.rng, {}
        self.stories["chronic_lateness"] += household.pupils
        for d in self.days:
            roll = rng.random()
            if roll < 0.03:
                late[d] = ("U", rng.randint(35, 50))
            elif roll < 0.28:
                late[d] = ("L", rng.randint(5, 25))
        return late

    # --- designed stories -------------------------------------------------------------------

    def _stories(self) -> dict[str, Plan]:
        rng, plans = self.rng, {}
        whole = [
            p
            for p in self.people.pupils
            if not p.story and not p.cla and p.admission_date <= self.days[0] and p.year_index >= 1
        ]
        rng.shuffle(whole)
        used: set[str] = set()

        def pick(story: str, years: range, prefer=lambda p: False) -> PupilSpec | None:
            pool = [p for p in whole if p.upn not in used and p.year_index in years]
            pool.sort(key=lambda p: not prefer(p))  # stable: preferred first, shuffled within
            if not pool:
                return None
            used.add(pool[0].upn)
            self.stories[story].append(pool[0])
            return pool[0]

        family = self._penalty_family()
        used.update(p.upn for p in (family.pupils if family else []))
        designed = (
            ("long_term_illness", range(3, 6), lambda p: False, self._long_illness),
            ("school_avoidance", range(4, 7), lambda p: p.sen_status == "K", self._avoidance),
            (
                "part_time_timetable",
                range(2, 7),
                lambda p: p.sen_status == "E",
                self._part_time_now,
            ),
            (
                "part_time_timetable",
                range(2, 7),
                lambda p: p.sen_status == "K",
                self._part_time_last,
            ),
            ("la_provision", range(3, 7), lambda p: p.sen_status == "E", self._la_provision),
            ("suspension", range(5, 7), lambda p: p.gender == "M", self._suspension),
            (
                "penalty_pattern",
                range(2, 7),
                lambda p: p.household.disadvantaged,
                self._penalty_pattern,
            ),
        )
        for story, years, prefer, build in designed:
            if pupil := pick(story, years, prefer):
                plans[pupil.upn] = build(pupil)
        for pupil in self.people.pupils:
            if pupil.story == "ground_i_leaver":
                self.stories["ground_i_leaver"].append(pupil)
                plans[pupil.upn] = self._ground_i(pupil)
        for pupil in self._settling():
            plans[pupil.upn] = self._settling_plan(pupil)
        return plans

    def _whole_days(self, days: Iterable[date], code: str, plan: Plan | None = None) -> Plan:
        plan = {} if plan is None else plan
        for d in days:
            for s in self.sessions.get(d, ()):
                plan[(d, s)] = (code, None)
        return plan

    def _pm_only(self, pupil: PupilSpec, days: Iterable[date], code: str, plan: Plan) -> Plan:
        for d in days:
            if PM in self.sessions.get(d, ()):
                compulsory = is_compulsory_school_age(pupil.date_of_birth, d)
                if code != "C2" or compulsory:
                    plan[(d, PM)] = (code, None)
        return plan

    def _long_illness(self, pupil: PupilSpec) -> Plan:
        """Ill from December to May half-term last year, then a phased return (C2 afternoons)."""
        previous = self.year_days(self.year - 1)
        summer1 = self.terms_by_year[self.year - 1][4]
        summer1_end = summer1[-1] if summer1 else previous[-1]
        ill = [d for d in previous if date(self.year - 1, 12, 1) <= d <= summer1_end]
        plan = self._whole_days(ill, "I")
        back = [d for d in previous if d > summer1_end][:20]
        self._pm_only(pupil, back, "C2", plan)
        for d in self.year_days(self.year)[5::12]:  # hospital check-ups this year
            plan[(d, AM)] = ("M", None)
        return plan

    def _avoidance(self, pupil: PupilSpec) -> Plan:
        """Emotionally based school avoidance since mid-September last year, no better yet."""
        rng, plan = self.rng, {}
        for d in self.days:
            if d < date(self.year - 1, 9, 15) or d in self.recent:
                continue
            roll = rng.random()
            if roll < 0.6:  # anxiety is illness (I); now and then no reason is given (O)
                self._whole_days([d], rng.choice("IIIIIIIIMO"), plan)
            elif roll < 0.65:
                plan[(d, AM)] = ("U", rng.randint(35, 55))
            elif roll < 0.8:
                plan[(d, AM)] = ("L", rng.randint(10, 29))
        start = [d for d in self.year_days(self.year) if d.month == 10][:15]
        return self._pm_only(pupil, start, "C2", plan)

    def _part_time_now(self, pupil: PupilSpec) -> Plan:
        return self._pm_only(pupil, self.year_days(self.year)[5:35], "C2", {})

    def _part_time_last(self, pupil: PupilSpec) -> Plan:
        spring2 = self.terms_by_year[self.year - 1][3]
        return self._pm_only(pupil, spring2[:20], "C2", {})

    def _la_provision(self, pupil: PupilSpec) -> Plan:
        wednesdays = [d for d in self.year_days(self.year) if d.weekday() == 2]
        return self._pm_only(pupil, wednesdays, "K", {})

    def _suspension(self, pupil: PupilSpec) -> Plan:
        spring1 = self.terms_by_year[self.year - 1][2]
        if len(spring1) < 3:
            return {}
        start = self.rng.randrange(len(spring1) - 2)
        return self._whole_days(spring1[start : start + self.rng.choice((1, 2))], "E")

    def _penalty_pattern(self, pupil: PupilSpec) -> Plan:
        """Twelve unauthorised sessions (O days and U lates) in the last eight school weeks."""
        window = [d for d in self.days[-45:-RECENT_DAYS] if d.weekday() in (0, 4)]
        rng, plan = self.rng, {}
        if len(window) < 8:
            return plan
        chosen = sorted(rng.sample(window, 8))
        self._whole_days(chosen[:4], "O", plan)
        for d in chosen[4:]:
            plan[(d, AM)] = ("U", rng.randint(35, 50))
        return plan

    def _penalty_family(self) -> Household | None:
        """Brothers and sisters kept off for a week's holiday just before the last break."""
        finished = [
            days for days in self.term_days if days and self.days[0] <= days[-1] < self.today
        ]
        families = [
            h
            for h in self.people.households
            if len(h.pupils) >= 2
            and all(not p.story and p.admission_date <= self.days[0] for p in h.pupils)
        ]
        if not finished or not families:
            return None
        family = self.rng.choice(families)
        self.family_holiday = finished[-1][-5:]
        self.penalty_family = {p.upn for p in family.pupils}
        self.stories["penalty_holiday"] += family.pupils
        return family

    def _ground_i(self, pupil: PupilSpec) -> Plan:
        """Joined in February, rarely came, went abroad: 20+ school days of O, then deleted."""
        rng, plan = self.rng, {}
        enrolled = [d for d in self.days if pupil.admission_date <= d <= pupil.leaving_date]
        away = enrolled[-22:]
        for d in enrolled[:-22]:
            if rng.random() < 0.4:
                self._whole_days([d], rng.choice("IO"), plan)
        return self._whole_days(away, "O", plan)

    def _settling(self) -> list[PupilSpec]:
        """Young Reception children on shortened days in their first week (X afternoons)."""
        chosen = []
        for start_year, year_index in ((self.year - 1, 1), (self.year, 0)):
            days = self.year_days(start_year)[:5]
            pool = [
                p
                for p in self.people.pupils
                if p.year_index == year_index
                and not p.story
                and days
                and p.admission_date <= days[0]
                and not is_compulsory_school_age(p.date_of_birth, days[-1])
            ]
            pool.sort(key=lambda p: p.date_of_birth, reverse=True)
            for p in pool[: 2 if len(self.people.pupils) >= 200 else 1]:
                self.stories["settling_in"].append(p)
                chosen.append(p)
        return chosen

    def _settling_plan(self, pupil: PupilSpec) -> Plan:
        start_year = self.year if pupil.year_index == 0 else self.year - 1
        return self._pm_only(pupil, self.year_days(start_year)[:5], "X", {})

    def _frail_pupils(self) -> set[str]:
        """A fixed share of pupils (more with pupil premium) who are often ill."""
        frail: set[str] = set()
        for premium in (False, True):
            pupils = [p.upn for p in self.people.pupils if p.pupil_premium == premium]
            frail.update(self.rng.sample(pupils, round(FRAIL_SHARE[premium] * len(pupils))))
        return frail

    # --- one pupil --------------------------------------------------------------------------

    def _pupil_marks(self, pupil, plan, household_plan, late, *, skip_today) -> list[DemoMark]:
        rng, upn = self.rng, pupil.upn
        weight = {"K": 1.25, "E": 1.6}.get(pupil.sen_status, 1.0)
        weight *= 1.2 if pupil.year_index <= 1 else 1.0  # the youngest catch everything
        illness = ILLNESS_MEAN * weight * _illness_factor(rng, upn in self.frail)
        medical = MEDICAL * {"K": 1.8, "E": 3.0}.get(pupil.sen_status, 1.0)
        medical *= rng.lognormvariate(0, 0.6)
        late_rate = LATE * rng.lognormvariate(0, 1.0)
        holiday = self.family_holiday if upn in self.penalty_family else []
        last = min(pupil.leaving_date or self.today, self.today)
        marks: list[DemoMark] = []
        ill_left, pm_only = 0, False
        for d in self.days:
            if not pupil.admission_date <= d <= last:
                continue
            sessions = self.sessions[d]
            if d == self.today:
                sessions = [] if skip_today else [s for s in sessions if s == AM]
            ill, starts = ill_left > 0, False
            if ill:
                ill_left, pm_only = ill_left - 1, False
            elif rng.random() < illness * self._illness_weight(pupil, d):
                ill, starts, pm_only = True, True, rng.random() < 0.12  # sent home at lunch
                ill_left = rng.choice(EPISODE_DAYS) - 1
            for s in sessions:
                code, minutes = plan.get((d, s)) or household_plan.get((d, s)) or (None, None)
                if code is None and d in holiday:
                    code = "G"
                if code is None and ill and not (pm_only and s == AM):
                    code = "N" if starts and d in self.recent and rng.random() < 0.5 else "I"
                if code is None and (pupil.class_name, d) in self.trips:
                    code = "V"
                if code is None and rng.random() < medical:
                    code = "M"
                if code is None and s == AM:
                    code, minutes = late.get(d) or self._late(late_rate)
                if code == "O" and d in self.recent:
                    code = "N"  # not yet followed up
                marks.append(DemoMark(upn, d, s, code or PRESENT[s], minutes))
        return marks

    def _illness_weight(self, pupil: PupilSpec, day: date) -> float:
        season = SEASON.get(day.month, 0.7) * WEEKDAY[day.weekday()]
        return season * self.outbreaks.get((pupil.class_name, day), 1.0)

    def _late(self, rate: float) -> tuple[str | None, int | None]:
        """Now and then any pupil is late: usually before the register closes (L)."""
        if self.rng.random() < rate:
            return "L", self.rng.randint(2, 15)
        if self.rng.random() < 0.0015:
            return "U", self.rng.randint(35, 50)
        return None, None


_FRAIL_MEAN = sum(FRAIL_FACTOR) / 2


def _illness_factor(rng: random.Random, frail: bool) -> float:
    """How often this pupil is ill compared with the average pupil (about 1 on average)."""
    if frail:
        factor = rng.uniform(*FRAIL_FACTOR)
    else:
        factor = rng.lognormvariate(-(USUAL_SPREAD**2) / 2, USUAL_SPREAD)
    return factor / (0.15 * _FRAIL_MEAN + 0.85)
