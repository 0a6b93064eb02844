"""`rollbook demo [--seed N] [--today YYYY-MM-DD] [--if-absent] [--logins]`

Loads Oakfield Primary School (URN 999001), an invented school with 420 pupils, their
parents, last year's and this year's marks and a sign-in for every kind of staff user.
"""

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rollbook.core.actions import SchoolError
from rollbook.core.calendar import academic_year_label, academic_year_of
from rollbook.demo.attendance import STORIES
from rollbook.demo.generate import (
    DEFAULT_SEED,
    DEMO_PASSWORD,
    DEMO_URN,
    DemoError,
    demo_school,
    generate,
    login_rows,
    year_summary,
)
from rollbook.pupils.actions import PupilError
from rollbook.registers.rules import Summary, percent

# State-funded primary schools in England, full year 2023/24 (DfE, March 2025).
NATIONAL = {
    "overall": "5.53",
    "authorised": "3.89",
    "unauthorised": "1.63",
    "pa": "14.56",
    "sa": "0.85",
}
DEMO_ONLY = (
    f"These sign-ins are for the demo only: every one has the password {DEMO_PASSWORD!r}. "
    "Never load the demo into a database that holds real pupils."
)


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as e:
        raise CommandError(f"--today {value!r} is not a date in YYYY-MM-DD form") from e


class Command(BaseCommand):
    help = (
        f"Load the invented demo school (URN {DEMO_URN}): 420 pupils, parents, two school "
        "years of marks up to today and demo staff sign-ins. Deterministic for a seed and date."
    )
    requires_system_checks = []  # a data command: start fast (checks run in `make lint` and at deploy)

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
        parser.add_argument(
            "--today", help="the date the demo treats as today, YYYY-MM-DD (default: today)"
        )
        parser.add_argument(
            "--if-absent",
            action="store_true",
            help="do nothing if the demo school is already loaded (for `make run`)",
        )
        parser.add_argument(
            "--pupils-per-class",
            type=int,
            default=30,
            help="class size (14 classes; smaller is quicker, for tests and experiments)",
        )
        parser.add_argument(
            "--logins",
            action="store_true",
            help="print the demo sign-ins (loading the demo first if it is not there yet)",
        )

    def handle(self, *args, seed, today, if_absent, logins, pupils_per_class, **options):
        today = _date(today) if today else timezone.localdate()
        school = demo_school()
        if school is not None:
            if not (if_absent or logins):
                raise CommandError(
                    f"the demo school (URN {DEMO_URN}) is already loaded; nothing was changed. "
                    "Use --if-absent to skip quietly, --logins to list its sign-ins, or start "
                    "from an empty database to load it again."
                )
            if if_absent:
                self.stdout.write("demo school already loaded")
            if logins:
                self._logins(school, today)
            return
        started = time.monotonic()

        def progress(message: str) -> None:
            self.stdout.write(f"[{time.monotonic() - started:5.1f} s] {message}")
            self.stdout.flush()

        try:
            result = generate(
                seed=seed, today=today, pupils_per_class=pupils_per_class, progress=progress
            )
        except (DemoError, SchoolError, PupilError) as e:
            raise CommandError(str(e)) from e
        self._summary(result, today)
        self.stdout.write(f"Loaded in {time.monotonic() - started:.1f} s (seed {seed}).")
        if logins:
            self._logins(result.school, today)
        else:
            self.stdout.write(DEMO_ONLY)
            self.stdout.write("Run `rollbook demo --logins` to list the sign-ins.")

    def _summary(self, result, today: date) -> None:
        year = academic_year_of(today)
        school, plan = result.school, result.plan
        last_year = year_summary(school, date(year - 1, 9, 1), date(year, 7, 31))
        this_year = year_summary(school, date(year, 9, 1), today)
        w = self.stdout.write
        w("")
        w(f"{'':24}{'Overall':>9}{'Auth':>8}{'Unauth':>8}{'PA':>8}{'SA':>7}   pupils")
        w(self._row(f"{academic_year_label(year - 1)} (whole year)", last_year))
        w(self._row(f"{academic_year_label(year)} to {today:%d %b}", this_year))
        n = NATIONAL
        w(
            f"{'National primary 23/24':24}{n['overall']:>8}%{n['authorised']:>7}%"
            f"{n['unauthorised']:>7}%{n['pa']:>7}%{n['sa']:>6}%"
        )
        att = plan.attendance
        w("")
        if att.untaken_today:
            pending = ", ".join(att.untaken_today)
            w(f"Today ({today:%a %d %b}): morning registers not yet taken for {pending}.")
        else:
            w(f"Today ({today:%a %d %b}) is not a school day: no marks for today.")
        w(
            f"Pupils at the penalty-notice threshold this year (10 unauthorised sessions in "
            f"10 school weeks): {len(plan.penalty_threshold_upns())}."
        )
        trips = ", ".join(f"{name} on {day:%a %d %b %Y}" for name, day in att.trips)
        w(f"School trips (V): {trips or 'none yet'}.")
        w("Stories to look for (pupils):")
        for key, label in STORIES.items():
            if att.stories.get(key):
                w(f"  {len(att.stories[key]):>2}  {label}")

    def _row(self, label: str, s: Summary) -> str:
        t = s.tally

        def pc(rate) -> str:
            value = percent(rate)
            return "-" if value is None else f"{value}%"

        return (
            f"{label:24}{pc(t.overall_absence_rate):>9}{pc(t.authorised_absence_rate):>8}"
            f"{pc(t.unauthorised_absence_rate):>8}{pc(s.persistent_absence_rate):>8}"
            f"{pc(s.severe_absence_rate):>7}   {s.enrolments}"
        )

    def _logins(self, school, today: date) -> None:
        rows = login_rows(school, today)
        width = max(len(r.username) for r in rows)
        role_width = max(len(r.roles) for r in rows)
        w = self.stdout.write
        w("")
        w(f"{'Username':{width}}  {'Password':18}  {'Role':{role_width}}  Try first")
        for r in rows:
            w(f"{r.username:{width}}  {DEMO_PASSWORD:18}  {r.roles:{role_width}}  {r.try_first}")
        w("")
        w(DEMO_ONLY)
