"""The LA returns for a period: the pupils the LA must be told about, each with its evidence
(domain reference §7): new admissions, deletions, CME referrals (S002-106), compulsory-age pupils absent for a
continuous 10 school days with unauthorised codes, and those who fail to attend regularly
(read as persistently absent: 10 % of possible sessions or more this academic year)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

from rollbook.admissions import queries, rules
from rollbook.admissions.models import AdmissionEntry, CmeConcern, Deletion, DeletionStatus
from rollbook.core.calendar import academic_year_of
from rollbook.core.models import School
from rollbook.policy.monitoring import active_policy
from rollbook.registers.queries import pupil_tallies

SECTIONS = {
    "admission": "New admission",
    "deletion": "Deletion from the register",
    "cme": "Child missing education referred to the LA",
    "continuous": "Continuous unauthorised absence",
    "irregular": "Irregular attendance",
}
HEADER = [
    "section",
    "upn",
    "surname",
    "forename",
    "date_of_birth",
    "year_group",
    "date",
    "evidence",
]


@dataclass(frozen=True)
class ReturnRow:
    section: str
    pupil_id: int
    upn: str
    surname: str
    forename: str
    date_of_birth: date
    year_group: str
    date: date
    evidence: str

    @property
    def section_label(self) -> str:
        return SECTIONS[self.section]

    @property
    def name(self) -> str:
        return f"{self.forename} {self.surname}"


def _row(section, pupil, day, evidence) -> ReturnRow:
    return ReturnRow(
        section,
        pupil.pk,
        pupil.upn,
        pupil.legal_surname,
        pupil.legal_forename,
        pupil.date_of_birth,
        pupil.year_group,
        day,
        evidence,
    )


def la_return(school: School, first: date, last: date) -> list[ReturnRow]:
    policy, _ = active_policy(school)
    calendar = school.calendar()
    rows: list[ReturnRow] = []
    admitted = school.pupils.filter(admission_date__range=(first, last)).order_by(
        "admission_date", "legal_surname", "pk"
    )
    entries = {
        e.pupil_id: e
        for e in AdmissionEntry.objects.filter(school=school, admitted_on__range=(first, last))
    }
    for pupil in admitted:
        entry = entries.get(pupil.pk)
        if entry and entry.la_notified_on:
            told = f"LA told {entry.la_notified_on:%-d %b %Y}"
        elif entry and not entry.la_notice_required:
            told = "start of the youngest year: no notice unless the LA asks"
        elif entry:
            told = f"LA not yet told (due {entry.la_notice_due_on:%-d %b %Y})"
        else:
            told = "not yet on the admission register page"
        previous = (
            f"; previous school {entry.previous_school}" if entry and entry.previous_school else ""
        )
        rows.append(_row("admission", pupil, pupil.admission_date, f"Admitted; {told}{previous}"))
    for d in (
        Deletion.objects.filter(
            school=school, status=DeletionStatus.REMOVED, removed_on__range=(first, last)
        )
        .select_related("pupil")
        .order_by("removed_on", "pk")
    ):
        where = d.destination_school or ("destination unknown" if d.destination_unknown else "")
        told = f"LA told {d.la_notified_on:%-d %b %Y}" if d.la_notified_on else "transition point"
        rows.append(
            _row(
                "deletion",
                d.pupil,
                d.removed_on,
                f"{d.get_ground_display()}; ground met {d.ground_met_on:%-d %b %Y}; {told}"
                + (f"; to {where}" if where else ""),
            )
        )
    for c in (
        CmeConcern.objects.filter(school=school, referred_to_la_on__range=(first, last))
        .select_related("pupil")
        .order_by("referred_to_la_on", "pk")
    ):
        rows.append(
            _row(
                "cme",
                c.pupil,
                c.referred_to_la_on,
                f"{c.get_reason_display()} (concern opened {c.opened_on:%-d %b %Y})"
                + (f"; LA reference {c.la_reference}" if c.la_reference else "")
                + (f"; outcome: {c.outcome}" if c.outcome else ""),
            )
        )
    on_roll = [p for p in school.pupils.on_roll(first, last) if p.is_compulsory_school_age(last)]
    days = policy.statutory.continuous_unauthorised_days
    marks = queries.marks_for([p.pk for p in on_roll], first - timedelta(days=60), last)
    for pupil in on_roll:
        for run in rules.continuous_absence_runs(
            marks.get(pupil.pk, {}), calendar, first, last, threshold=days
        ):
            codes = sorted({c for (d, _), c in marks[pupil.pk].items() if run[0] <= d <= run[-1]})
            rows.append(
                _row(
                    "continuous",
                    pupil,
                    run[-1],
                    f"{len(run)} consecutive school days of unauthorised absence "
                    f"({', '.join(codes)}) from {run[0]:%-d %b %Y} to {run[-1]:%-d %b %Y}",
                )
            )
    year_start = date(academic_year_of(last), 8, 1)
    tallies = pupil_tallies(school, year_start, last, [p.pk for p in on_roll])
    for pupil in on_roll:
        t = tallies.get(pupil.pk)
        if t and rules.is_irregular(t.absent, t.possible):
            rows.append(
                _row(
                    "irregular",
                    pupil,
                    last,
                    f"{t.absent} of {t.possible} possible sessions missed since "
                    f"{max(year_start, pupil.admission_date):%-d %b %Y} "
                    f"({t.authorised} authorised, {t.unauthorised} unauthorised)",
                )
            )
    return rows


def as_csv(rows: list[ReturnRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for r in rows:
        writer.writerow(
            [
                r.section_label,
                r.upn,
                r.surname,
                r.forename,
                r.date_of_birth.isoformat(),
                r.year_group,
                r.date.isoformat(),
                r.evidence,
            ]
        )
    return out.getvalue()
