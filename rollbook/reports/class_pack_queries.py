"""Load one class's pack: pupils, two GROUP BY tallies and one count of lates (5 queries)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q

from rollbook.core.calendar import academic_year_of
from rollbook.pupils.models import RegistrationGroup, SenStatus
from rollbook.registers.queries import marks_on_roll, tallies_by
from rollbook.registers.rules import Tally
from rollbook.reports import class_pack
from rollbook.reports.lates import LATE_CODES


def class_pack_for(
    group: RegistrationGroup, today: date, *, sensitive: bool
) -> class_pack.ClassPack:
    school = group.school
    year_first = date(academic_year_of(today), 8, 1)
    term = class_pack.current_term(school.calendar().terms, today)
    term_first = max(term.start, year_first) if term else today
    term_last = min(term.end, today) if term else today
    pupils = group.pupils.on_roll(today).order_by("legal_surname", "legal_forename", "pk")
    marks = marks_on_roll(school, year_first, today).filter(pupil__registration_group=group)
    year = tallies_by(marks, "pupil_id")
    in_term = tallies_by(marks.filter(date__range=(term_first, term_last)), "pupil_id")
    lates = {
        row["pupil_id"]: row
        for row in marks.filter(code__in=LATE_CODES)
        .values("pupil_id")
        .annotate(year=Count("id"), term=Count("id", filter=Q(date__range=(term_first, term_last))))
        .order_by()
    }
    return class_pack.ClassPack(
        class_name=group.name,
        today=today,
        year_first=year_first,
        term=term,
        pupils=tuple(
            class_pack.PackPupil(
                pupil_id=p.pk,
                name=p.display_name,
                year=year.get(p.pk, Tally()),
                term=in_term.get(p.pk, Tally()),
                lates_year=lates.get(p.pk, {}).get("year", 0),
                lates_term=lates.get(p.pk, {}).get("term", 0),
                flags=class_pack.flags_for(
                    {
                        "pupil_premium": p.pupil_premium,
                        "sen_support": p.sen_status == SenStatus.SUPPORT,
                        "ehcp": p.sen_status == SenStatus.EHCP,
                        "eal": p.eal,
                        "cla": p.cla,
                        "cin": p.cin,
                        "cp_plan": p.cp_plan,
                    },
                    sensitive=sensitive,
                ),
            )
            for p in pupils
        ),
    )
