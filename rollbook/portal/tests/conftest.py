"""Meadow Primary on Monday 23 November 2026 at 08:15, before the morning register.

Mum (mum@example.org) has parental responsibility for Amy and Ben (3A); the Coles (Cara, 3A)
are another family. The school runs preset 001's colour bands (96 % green, 92 % amber, red).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from rollbook.core.models import Role
from rollbook.core.tests.factories import aware, make_school
from rollbook.policy.actions import adopt_policy
from rollbook.portal import views
from rollbook.portal.actions import sync_account
from rollbook.pupils.actions import add_class_teacher, add_contact, save_pupils
from rollbook.pupils.models import Pupil
from rollbook.registers.tests.test_views_world import TERMS_2026_27, TODAY, pupil_row, staff

EARLY = aware(2026, 11, 23, 8, 15)
MUM = "mum@example.org"
POLICY = (
    'name="portal test"\nversion=1\n'
    '[[bands]]\nat_least_pct=96\nlabel="At or above our 96% target"\ncolour="green"\n'
    '[[bands]]\nat_least_pct=92\nlabel="Below our target"\ncolour="amber"\n'
    '[[bands]]\nat_least_pct=0\nlabel="Below 92%: we will meet you"\ncolour="red"\n'
)


@dataclass
class PortalWorld:
    school: object
    amy: Pupil
    ben: Pupil
    cara: Pupil
    mum: object  # Contact
    account: object  # ParentAccount
    office: object
    head: object
    teacher: object


@pytest.fixture
def clock(monkeypatch):
    """The portal's clock, pinned (the views read it only through views.now)."""
    monkeypatch.setattr(views, "now", lambda: EARLY)
    return EARLY


@pytest.fixture
def pw(db, clock) -> PortalWorld:
    school = make_school(name="Meadow Primary", terms=TERMS_2026_27)
    adopt_policy(actor_label="test", school=school, text=POLICY, source="test")
    save_pupils(
        actor_label="test",
        school=school,
        rows=[
            pupil_row("Amy Brook", "3A", 7001, family_id="B"),
            pupil_row("Ben Brook", "3A", 7001, family_id="B"),
            pupil_row("Cara Cole", "3A", 7001, cp_plan=True),
        ],
    )
    kids = {p.legal_forename: p for p in Pupil.objects.filter(school=school)}
    mum = add_contact(
        actor_label="test",
        school=school,
        pupils=[kids["Amy"], kids["Ben"]],
        forename="Bella",
        surname="Brook",
        relationship="Mother",
        mobile_phone="07700 900123",
        email="Mum@Example.org",
    )
    add_contact(
        actor_label="test",
        school=school,
        pupils=[kids["Cara"]],
        forename="Carl",
        surname="Cole",
        relationship="Father",
        mobile_phone="07700 900456",
        email="carl@example.org",
    )
    teacher = staff(school, "teacher", Role.TEACHER)
    add_class_teacher(actor_label="test", group=kids["Amy"].registration_group, user=teacher)
    return PortalWorld(
        school=school,
        amy=kids["Amy"],
        ben=kids["Ben"],
        cara=kids["Cara"],
        mum=mum,
        account=sync_account(MUM, EARLY),
        office=staff(school, "office", Role.OFFICE),
        head=staff(school, "head", Role.HEAD),
        teacher=teacher,
    )


__all__ = ["TODAY"]
