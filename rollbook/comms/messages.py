"""One small function per message kind: build the text from `templates/comms/<kind>/<lang>/`.

Bump a kind's version whenever its wording changes, so the outbox says which text was sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from rollbook.comms import rules

FIRST_DAY_ABSENCE_VERSION = 1
AWARD_VERSION = 1
CONJUNCTIONS = {"en": "and", "pl": "i"}


@dataclass(frozen=True)
class Rendered:
    template_key: str
    version: int
    language: str
    subject: str
    body: str


def _template(kind: str, language: str, part: str):
    """The template in `language`, or the English one when there is none."""
    try:
        return language, get_template(f"comms/{kind}/{language}/{part}")
    except TemplateDoesNotExist:
        return "en", get_template(f"comms/{kind}/en/{part}")


def first_day_absence(
    *, language: str, school_name: str, child_names: list[str], session: str, school_phone: str = ""
) -> Rendered:
    language, template = _template("first_day_absence", language, "sms.txt")
    names = rules.join_names(child_names, CONJUNCTIONS.get(language, "and"))
    body = template.render(
        {
            "school": school_name,
            "names": names,
            "several": len(child_names) > 1,
            "session": session,
            "school_phone": school_phone,
        }
    ).strip()
    return Rendered(
        f"first_day_absence/{language}/sms", FIRST_DAY_ABSENCE_VERSION, language, "", body
    )


def award(
    *, language: str, school_name: str, child_names: list[str], award_name: str, period: str
) -> Rendered:
    """A positive text home: the child(ren) named and the award they earned."""
    language, template = _template("award", language, "sms.txt")
    names = rules.join_names(child_names, CONJUNCTIONS.get(language, "and"))
    body = template.render(
        {
            "school": school_name,
            "names": names,
            "several": len(child_names) > 1,
            "award": award_name,
            "period": period,
        }
    ).strip()
    return Rendered(f"award/{language}/sms", AWARD_VERSION, language, "", body)


RECOGNITION_VERSION = 1
EXPECTATIONS_VERSION = 1


def recognition(
    *, language: str, school_name: str, child_names: list[str], period: str
) -> Rendered:
    """Recognition of improved attendance (seeds 003-14, 004-32)."""
    language, template = _template("recognition", language, "sms.txt")
    names = rules.join_names(child_names, CONJUNCTIONS.get(language, "and"))
    body = template.render({"school": school_name, "names": names, "period": period}).strip()
    return Rendered(f"recognition/{language}/sms", RECOGNITION_VERSION, language, "", body)


def expectations(*, language: str, school_name: str, child_names: list[str]) -> Rendered:
    """Attendance expectations for a newly admitted pupil's family (seed 001-8)."""
    language, template = _template("expectations", language, "sms.txt")
    names = rules.join_names(child_names, CONJUNCTIONS.get(language, "and"))
    body = template.render(
        {"school": school_name, "names": names, "several": len(child_names) > 1}
    ).strip()
    subject = f"{school_name}: attendance expectations"
    return Rendered(f"expectations/{language}/sms", EXPECTATIONS_VERSION, language, subject, body)
