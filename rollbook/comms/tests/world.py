"""A small school for the outbox tests: two families with absent children, one present pupil."""

from datetime import date

from rollbook.core.tests.factories import add_marks, aware, make_pupil, make_school
from rollbook.pupils.actions import add_contact

DAY = date(2025, 11, 24)  # a Monday in Autumn 2
NOW = aware(2025, 11, 24, 9, 30)  # the AM register closed at 09:15


class World:
    pass


def build_world() -> World:
    w = World()
    w.school = make_school(name="Meadow Primary")
    # Amy and Ben are siblings (family F1); Cal is in another family; Dot is present.
    w.amy = make_pupil(
        w.school, legal_forename="Amy", family_id="F1", date_of_birth=date(2017, 3, 1)
    )
    w.ben = make_pupil(
        w.school, legal_forename="Ben", family_id="F1", date_of_birth=date(2019, 5, 1)
    )
    w.cal = make_pupil(w.school, legal_forename="Cal", family_id="F2")
    w.dot = make_pupil(w.school, legal_forename="Dot", family_id="F3")
    w.mum = add_contact(
        actor_label="test",
        school=w.school,
        pupils=[w.amy, w.ben],
        forename="Mia",
        surname="Mum",
        relationship="Mother",
        mobile_phone="07700900001",
    )
    w.dad = add_contact(
        actor_label="test",
        school=w.school,
        pupils=[w.cal],
        forename="Dan",
        surname="Dad",
        relationship="Father",
        mobile_phone="07700900002",
        preferred_language="Polish",
    )
    add_contact(
        actor_label="test",
        school=w.school,
        pupils=[w.dot],
        forename="Dee",
        surname="Dot",
        relationship="Mother",
        mobile_phone="07700900003",
    )
    for pupil, code in ((w.amy, "N"), (w.ben, "N"), (w.cal, "N"), (w.dot, "/")):
        add_marks(pupil, [(DAY, "AM", code)])
    return w
