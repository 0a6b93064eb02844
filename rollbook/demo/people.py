"""Invented pupils, households and parents for the demo school, as plain values (no ORM).

Everything is drawn from the `random.Random` passed in, in a fixed order, so one seed
always gives the same people. Year groups are those of the *current* academic year; the
previous year each pupil was one year lower and today's Reception were not yet on roll.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from rollbook.core.calendar import SchoolCalendar
from rollbook.demo.names import (
    BACKGROUNDS,
    FOSTER_MEN,
    FOSTER_SURNAMES,
    FOSTER_WOMEN,
    PREFERRED,
    Background,
)
from rollbook.demo.terms import first_pupil_day
from rollbook.pupils.rules import PRIMARY_YEAR_GROUPS, make_upn

CLASS_NAMES = ("Oak", "Ash")
# Other local authorities' schools, for the UPNs of pupils who joined from elsewhere.
OTHER_SCHOOLS = (("926", "2031"), ("935", "2207"), ("881", "3004"), ("208", "2112"))
SIBLING_SHARE = 0.15  # pupils with a brother or sister at the school
DRAMA_MOBILE = "07700 900{:03d}"  # Ofcom's range reserved for drama: never a real phone
DRAMA_LANDLINE = "01632 960{:03d}"


@dataclass(frozen=True)
class ContactSpec:
    title: str
    forename: str
    surname: str
    relationship: str
    parental_responsibility: bool
    lives_with_pupil: bool
    mobile_phone: str
    home_phone: str
    email: str
    preferred_language: str


@dataclass
class Household:
    index: int
    surname: str
    background: Background
    home_language: str  # "" when English is the home language
    disadvantaged: bool
    eid: bool
    foster: bool = False
    family_id: str = ""  # set only when two or more children are at the school
    contacts: list[ContactSpec] = field(default_factory=list)
    pupils: list[PupilSpec] = field(default_factory=list)


@dataclass
class PupilSpec:
    upn: str
    forename: str
    surname: str
    preferred_forename: str
    gender: str
    date_of_birth: date
    year_group: str
    class_name: str
    admission_date: date
    leaving_date: date | None
    household: Household
    pupil_premium: bool = False
    fsm: bool = False
    sen_status: str = "N"
    eal: bool = False
    cla: bool = False
    cin: bool = False
    cp_plan: bool = False
    story: str = ""  # a designed attendance story, e.g. "ground_i_leaver"

    @property
    def year_index(self) -> int:
        """0 for Reception, 1-6 for Years 1-6 (in the current academic year)."""
        return PRIMARY_YEAR_GROUPS.index(self.year_group)


@dataclass
class People:
    households: list[Household]
    pupils: list[PupilSpec]
    class_names: list[str]


def class_names() -> list[str]:
    return [f"{yg} {name}" for yg in PRIMARY_YEAR_GROUPS for name in CLASS_NAMES]


def make_people(
    rng: random.Random,
    *,
    current_year: int,
    pupils_per_class: int,
    calendar: SchoolCalendar,
    today: date,
    la_code: str,
    establishment: str,
) -> People:
    builder = _Builder(rng, current_year, calendar, today, la_code, establishment)
    seats = [(name, name.split()[0]) for name in class_names() for _ in range(pupils_per_class)]
    builder.fill(seats)
    builder.assign_flags()
    builder.assign_enrolments()
    builder.assign_upns()
    for household in builder.households:
        builder.add_contacts(household)
    return People(builder.households, builder.pupils, class_names())


class _Builder:
    def __init__(self, rng, current_year, calendar, today, la_code, establishment):
        self.rng = rng
        self.year = current_year
        self.calendar = calendar
        self.today = today
        self.la_code = la_code
        self.establishment = establishment
        self.households: list[Household] = []
        self.pupils: list[PupilSpec] = []
        self.numbers = list(range(1000))
        rng.shuffle(self.numbers)
        self.landlines = list(range(1000))
        rng.shuffle(self.landlines)
        self.emails: set[str] = set()

    # --- households and seats -------------------------------------------------------------

    def fill(self, seats: list[tuple[str, str]]) -> None:
        rng = self.rng
        free: dict[str, list[str]] = {}
        for class_name, year_group in seats:
            free.setdefault(year_group, []).append(class_name)
        target = round(SIBLING_SHARE * len(seats))
        placed, twins = 0, len(seats) >= 100
        while placed + 2 <= target:
            size = 3 if rng.random() < 0.15 and placed + 3 <= target else 2
            open_years = [y for y in PRIMARY_YEAR_GROUPS if free.get(y)]
            if twins and any(len(free[y]) >= 2 for y in open_years):
                year = rng.choice([y for y in open_years if len(free[y]) >= 2])
                years, size, twins = [year, year], 2, False
            elif len(open_years) >= size:
                years = sorted(rng.sample(open_years, size), key=PRIMARY_YEAR_GROUPS.index)
            else:
                break
            household = self._household(rng.choice(BACKGROUNDS_BY_WEIGHT))
            household.family_id = f"F{len([h for h in self.households if h.family_id]) + 1:04d}"
            twin_dob = None
            for year in years:
                class_name = free[year].pop(rng.randrange(len(free[year])))
                pupil = self._child(household, year, class_name, twin_dob)
                twin_dob = pupil.date_of_birth if years.count(year) > 1 else None
            placed += size
        rest = [(class_name, year) for year, names in free.items() for class_name in names]
        rng.shuffle(rest)
        for class_name, year in rest:
            self._child(self._household(rng.choice(BACKGROUNDS_BY_WEIGHT)), year, class_name)
        self.pupils.sort(key=lambda p: (p.year_index, p.class_name, p.surname, p.forename))

    def _household(self, background: Background) -> Household:
        rng = self.rng
        language = rng.choice(background.languages) if rng.random() < background.eal else ""
        household = Household(
            index=len(self.households),
            surname=rng.choice(background.surnames),
            background=background,
            home_language=language,
            disadvantaged=rng.random() < 0.24,
            eid=rng.random() < background.eid,
        )
        self.households.append(household)
        return household

    def _child(self, household, year_group, class_name, twin_dob=None) -> PupilSpec:
        rng = self.rng
        gender = rng.choice("FM")
        names = household.background.girls if gender == "F" else household.background.boys
        taken = {p.forename for p in household.pupils}
        forename = rng.choice([n for n in names if n not in taken] or names)
        index = PRIMARY_YEAR_GROUPS.index(year_group)
        born_from = date(self.year - 5 - index, 9, 1)
        dob = twin_dob or born_from + timedelta(days=rng.randrange(365))
        pupil = PupilSpec(
            upn="",
            forename=forename,
            surname=household.surname,
            preferred_forename=PREFERRED.get(forename, "") if rng.random() < 0.5 else "",
            gender=gender,
            date_of_birth=dob,
            year_group=year_group,
            class_name=class_name,
            admission_date=first_pupil_day(self.year - index),
            leaving_date=None,
            household=household,
            eal=bool(household.home_language),
        )
        household.pupils.append(pupil)
        self.pupils.append(pupil)
        return pupil

    # --- characteristics ------------------------------------------------------------------

    def assign_flags(self) -> None:
        rng = self.rng
        n = len(self.pupils)
        for p in self.pupils:
            p.pupil_premium = (
                rng.random() < 0.93 if p.household.disadvantaged else rng.random() < 0.03
            )
            p.fsm = rng.random() < (0.82 if p.pupil_premium else 0.01)
            boy = p.gender == "M"
            roll = rng.random()
            if roll < (0.04 if boy else 0.02):
                p.sen_status = "E"
            elif roll < (0.21 if boy else 0.12):
                p.sen_status = "K"
        singles = [p for p in self.pupils if len(p.household.pupils) == 1]
        for p in rng.sample(singles, min(len(singles), 3 if n >= 200 else 1)):
            p.cla = p.pupil_premium = p.household.foster = True
        others = [p for p in self.pupils if not p.cla]
        needy = [p for p in others if p.household.disadvantaged] or others
        cp = rng.sample(needy, min(len(needy), 2 if n >= 100 else 1))
        for p in cp:
            p.cp_plan = p.cin = True
        rest = [p for p in others if not p.cin]
        for p in rng.sample(rest, min(len(rest), max(1, n // 90))):
            p.cin = True

    # --- admissions and leavers -----------------------------------------------------------

    def assign_enrolments(self) -> None:
        """Most pupils joined at the start of Reception; a few joined later, and a few left."""
        rng, n = self.rng, len(self.pupils)
        previous = self.calendar.school_days(date(self.year - 1, 9, 1), date(self.year, 7, 31))
        current = self.calendar.school_days(date(self.year, 9, 1), self.today - timedelta(days=1))
        movable = [p for p in self.pupils if not p.cla and len(p.household.pupils) == 1]
        rng.shuffle(movable)
        older = [p for p in movable if p.year_index >= 1]
        scale = max(1, n // 200)
        for p in [p for p in older if p.year_index >= 2][: 3 * scale]:
            # joined in an earlier year, from another school
            earliest = first_pupil_day(self.year - p.year_index) + timedelta(days=30)
            day = earliest + timedelta(
                days=rng.randrange((date(self.year - 1, 7, 1) - earliest).days)
            )
            p.admission_date = day + timedelta(
                days=max(0, 7 - day.weekday()) if day.weekday() >= 5 else 0
            )
            p.story = "joined_earlier"
        older = [p for p in older if not p.story]
        for p in older[: 3 * scale]:  # joined during last year
            p.admission_date = rng.choice(previous[10:-15])
            p.story = "joined_last_year"
        ground_i = older[3 * scale]  # joined in February, went abroad, deleted under ground I
        ground_i.admission_date = next(d for d in previous if d >= date(self.year, 2, 2))
        ground_i.leaving_date = next(d for d in previous if d >= date(self.year, 5, 20))
        ground_i.story = "ground_i_leaver"
        leavers = older[3 * scale + 1 : 5 * scale + 1]
        for p in leavers[: len(leavers) // 2]:  # moved away during last year
            p.leaving_date = rng.choice(previous[40:-20])
            p.story = "left_last_year"
        for p in leavers[len(leavers) // 2 :]:  # left at the end of last year
            p.leaving_date = previous[-1]
            p.story = "left_in_july"
        if len(current) > 15:
            rest = [p for p in movable if not p.story]
            for p in rest[:scale]:  # moved to another school this term
                p.leaving_date = rng.choice(current[5:-5])
                p.story = "left_this_year"
            for p in rest[scale : 3 * scale]:  # joined this year
                p.admission_date = rng.choice(current[3:-3])
                p.story = "joined_this_year"

    def assign_upns(self) -> None:
        serials: dict[tuple[str, str, int], int] = {}
        for p in self.pupils:
            entry_year = self.year - p.year_index
            joined = p.story.startswith("joined") or p.story == "ground_i_leaver"
            la, school = (
                self.rng.choice(OTHER_SCHOOLS) if joined else (self.la_code, self.establishment)
            )
            key = (la, school, entry_year)
            serials[key] = serials.get(key, 0) + 1
            p.upn = make_upn(la, school, entry_year, serials[key])

    # --- parents and carers ---------------------------------------------------------------

    def add_contacts(self, household: Household) -> None:
        rng = self.rng
        if household.foster:
            surname = rng.choice(FOSTER_SURNAMES)
            carers = [("Mrs", rng.choice(FOSTER_WOMEN)), ("Mr", rng.choice(FOSTER_MEN))]
            for title, forename in carers[: rng.choice((1, 2))]:
                self._contact(household, title, forename, surname, "Foster carer", pr=False)
            return
        roll = rng.random()
        background = household.background
        mother = (rng.choice(("Mrs", "Mrs", "Ms", "Miss")), rng.choice(background.women))
        father = ("Mr", rng.choice(background.men))
        if roll < 0.62:
            separated = rng.random() < 0.2
            mother_surname = (
                household.surname if rng.random() < 0.85 else rng.choice(background.surnames)
            )
            self._contact(household, *mother, mother_surname, "Mother")
            self._contact(household, *father, household.surname, "Father", home=not separated)
        elif roll < 0.90:
            self._contact(household, *mother, household.surname, "Mother")
        elif roll < 0.97:
            self._contact(household, *father, household.surname, "Father")
        else:
            carer = ("Mrs", rng.choice(background.women))  # e.g. a grandmother with a court order
            self._contact(household, *carer, household.surname, "Carer")

    def _contact(self, household, title, forename, surname, relationship, *, pr=True, home=True):
        rng = self.rng
        mobile = home_phone = ""
        if self.numbers:
            mobile = DRAMA_MOBILE.format(self.numbers.pop())
        else:
            home_phone = DRAMA_LANDLINE.format(self.landlines.pop())
        language = "English"
        if household.home_language and rng.random() < 0.3:
            language = household.home_language
        household.contacts.append(
            ContactSpec(
                title=title,
                forename=forename,
                surname=surname,
                relationship=relationship,
                parental_responsibility=pr,
                lives_with_pupil=home,
                mobile_phone=mobile,
                home_phone=home_phone,
                email=self._email(forename, surname),
                preferred_language=language,
            )
        )

    def _email(self, forename: str, surname: str) -> str:
        base = _ascii(f"{forename}.{surname}")
        email, n = f"{base}@example.com", 1
        while email in self.emails:
            n += 1
            email = f"{base}{n}@example.com"
        self.emails.add(email)
        return email


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in folded.lower() if c.isalnum() or c == ".")


BACKGROUNDS_BY_WEIGHT: tuple[Background, ...] = tuple(
    b for b in BACKGROUNDS for _ in range(round(b.weight * 100))
)
