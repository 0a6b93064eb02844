"""Enumerations shared by the policy schema and the models, kept free of pydantic so that
loading the models (every command's start-up) does not import it."""

from enum import StrEnum


class ActionKind(StrEnum):
    TASK = "task"  # a to-do for a role (a phone call, a home visit: people do these)
    LETTER = "letter"  # a letter drafted from a template
    MESSAGE = "message"  # a text/email to parents, drafted
    MEETING = "meeting"  # a meeting to arrange
    SUPPORT_PLAN = "support_plan"
    CONTRACT = "contract"
    REFERRAL = "referral"
    FLAG = "flag"  # a marker on the pupil (e.g. "PA for the rest of the year")
