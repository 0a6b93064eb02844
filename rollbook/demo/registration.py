"""The demo school's admission register: entries for recent joiners and the LA told of them.

Through the admissions actions, as the office would do it, so the Admissions pages, the LA
notice countdown and its task look as they do in a school that has used Rollbook for a while.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model

from rollbook.admissions.actions import record_admission, record_la_notified
from rollbook.core.calendar import academic_year_of
from rollbook.core.models import School

OFFICE = "office"  # the demo's office login tells the LA (generate.STAFF)
LA_TOLD_AFTER = 3  # school days after admission: inside the statutory five


def record_admission_register(
    school: School, today: date, actor_label: str
) -> tuple[int, int, int]:
    """An entry for every pupil admitted this school year (into Reception in September, or
    from another school since), and the LA told of each joiner three school days after
    admission, except the most recent, whose notice is still to do (its task is open).

    This year only: `record_admission` judges whether the LA must be told from the pupil's
    year group now, which for an admission in an earlier school year is not the year group
    the pupil joined (last September's Reception starters are in Year 1 today).

    Returns (entries, LA notices recorded, notices still to send).
    """
    calendar = school.calendar()
    since = date(academic_year_of(today), 8, 1)
    joiners = school.pupils.filter(admission_date__gte=since, admission_date__lte=today)
    entries = [
        record_admission(actor_label=actor_label, pupil=p, as_of=today)
        for p in joiners.order_by("admission_date", "id")
    ]
    owed = [e for e in entries if e.la_notice_required]
    latest = owed[-1] if owed else None
    office = get_user_model().objects.filter(username=OFFICE).first()
    told = 0
    for entry in owed:
        after = calendar.school_days(entry.admitted_on)[1 : LA_TOLD_AFTER + 1]
        if entry is latest or len(after) < LA_TOLD_AFTER or after[-1] > today:
            continue
        record_la_notified(
            actor=office,
            entry=entry,
            notified_on=after[-1],
            reference=f"NP-{entry.admitted_on:%y%m}-{entry.pupil_id:04d}",
            today=today,
        )
        told += 1
    return len(entries), told, len(owed) - told
