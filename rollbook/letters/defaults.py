"""The default letter texts, written from the seed policies, used until a school edits them.

Keys are the `template` keys of the presets' letter actions (preset 002: stage letters 1 to 3,
the formal warning and the punctuality letter). Any other key gets the general concern letter.
Adapted letters (seed 001, S001-30) are for families already working with the school; one text
per circumstance serves every key.

Every stage letter: the figures for the year so far and the "X of 19 days" line (S002-61), the
parents' legal duty under the Education Act 1996 with "parent" in its wide sense (S002-66; the
full paragraph with s.7, s.444 and term-time holidays when the policy sets
`letters.legal_paragraph`, S002-115, S002-130), and an invitation to talk to the school first
naming the policy's contact (S001-45, S002-113). Adapted letters carry the invitation too.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DefaultText:
    subject: str
    body: str


_FIGURES = """\
From {{ period }}, {{ pupil_forename }} has attended {{ attendance_pct }} of sessions, missing \
{{ sessions_missed }} sessions ({{ days_missed }} days), of which {{ unauthorised_sessions }} \
were unauthorised. The chart at the end of this letter shows {{ pupil_forename }}'s attendance in each \
half-term."""

_NINETEEN = """\
A child who misses 19 days or more in a school year is persistently absent. That is as little \
as 6 days in each term, or about one day a fortnight. {{ pupil_forename }} has now missed \
{{ days_missed }} of those {{ pa_line_days }} days."""

# Merge blocks (rules.BLOCKS): the policy decides their wording ([letters] in the policy file).
_LAW = "{{ legal_duty }}"
_TALK = "{{ talk_to_us }}"

_SIGN = """\
Yours sincerely,

{{ signatory_name }}
{{ signatory_title }}, {{ school_name }}"""


def _letter(*paragraphs: str) -> str:
    return "\n\n".join(("Dear {{ salutation }},", *paragraphs, _SIGN))


STANDARD: dict[str, DefaultText] = {
    "stage_1_letter": DefaultText(
        "{{ pupil_name }}: a concerning level of absence",
        _letter(
            "We are writing because {{ pupil_forename }}'s absence from school has reached a "
            "level that concerns us. Every day in school matters for your child's learning, "
            "friendships and well-being.",
            _FIGURES,
            _NINETEEN,
            "We will keep a close eye on {{ pupil_forename }}'s attendance over the coming "
            "weeks. If there is anything the school can do to help, including early help "
            "support for your family, please let us know.",
            _TALK,
            _LAW,
        ),
    ),
    "stage_2_letter": DefaultText(
        "{{ pupil_name }}: serious concerns about attendance",
        _letter(
            "We wrote to you earlier this year about {{ pupil_forename }}'s attendance. "
            "Absence has continued and we now have serious concerns.",
            _FIGURES,
            _NINETEEN,
            "We would like to understand what is making it hard for {{ pupil_forename }} to "
            "attend and to agree with you a plan to remove those barriers. Early help support "
            "is available, and we will review or offer it with you.",
            _TALK,
            _LAW,
        ),
    ),
    "stage_3_letter": DefaultText(
        "{{ pupil_name }}: high risk of persistent absence",
        _letter(
            "{{ pupil_forename }}'s attendance means that they are now at high risk of "
            "becoming persistently absent.",
            _FIGURES,
            _NINETEEN,
            "The Attendance Leader would like to meet you to talk about the support in place, "
            "to review early help and the programmes we run, and to consider the support of "
            "other services. We will contact you to arrange a time.",
            _TALK,
            _LAW,
        ),
    ),
    "formal_warning": DefaultText(
        "Formal warning: {{ pupil_name }}'s attendance",
        _letter(
            "This is a formal warning about {{ pupil_forename }}'s attendance at school. "
            "{{ pupil_forename }} has now missed {{ days_missed }} days this school year and "
            "will be treated as persistently absent for the rest of the year.",
            _FIGURES,
            "We will continue to contact you by letter and telephone and to offer support in "
            "school and from other services. We may ask you to agree an attendance contract, "
            "and the Local Authority may apply for an education supervision order.",
            "Please be aware that if {{ pupil_forename }} is absent without authorisation again "
            "after the date of this letter, the school may ask the Local Authority to consider "
            "a penalty notice, in line with the Local Authority's code of conduct.",
            _TALK,
            _LAW,
        ),
    ),
    "punctuality_concern_letter": DefaultText(
        "{{ pupil_name }}: arriving late to school",
        _letter(
            "We are writing because {{ pupil_forename }} has arrived late to school a number "
            "of times this half-term. The register closes at the time set out in our "
            "attendance policy; arriving after it closes counts as an unauthorised absence for "
            "the morning session and is part of {{ pupil_forename }}'s official attendance "
            "record.",
            "Arriving late means missing the start of lessons and the settled beginning to the "
            "day that helps children learn. Five minutes late every day adds up to more than "
            "three days of lost learning over a school year.",
            _FIGURES,
            _TALK,
            _LAW,
        ),
    ),
}

TERMLY_KEY = "termly_attendance"
TERMLY = DefaultText(
    "{{ pupil_name }}: attendance in the {{ term_name }} term",
    _letter(
        "We write to every family at the end of each term to let you know how often your child "
        "has been in school.",
        "In the {{ term_name }} term ({{ term_period }}), {{ pupil_forename }} attended "
        "{{ term_attendance_pct }} of sessions and missed {{ term_days_missed }} days. Over the "
        "school year so far ({{ period }}), {{ pupil_forename }} has attended "
        "{{ attendance_pct }} of sessions.",
        "Every day in school matters for your child's learning, friendships and well-being. "
        "Thank you for your support.",
        _TALK,
    ),
)
STANDARD[TERMLY_KEY] = TERMLY

# Class-wide letters (S002-71): to every family of a class, naming no child. Only the fields in
# rules.CLASS_FIELDS may be used.
CLASS_LETTERS: dict[str, DefaultText] = {
    "head_lice_class_letter": DefaultText(
        "Head lice in class {{ class_name }}",
        "Dear {{ salutation }},\n\n"
        "We have been told that a child in class {{ class_name }} has head lice. We are writing "
        "to every family in the class, in confidence: we do not name any child, and we ask you "
        "not to guess or share who it might be.\n\n"
        "Head lice are common and are not a reason for a child to miss school. Please check your "
        "child's hair carefully with a fine-toothed comb over the next few days and, if you find "
        "lice or eggs, treat them straight away. Your local pharmacist can advise on treatment. "
        "There is no need to keep your child at home.\n\n"
        "If you have any questions, please speak to the school office.\n\n"
        "Yours sincerely,\n\n{{ signatory_name }}\n{{ signatory_title }}, {{ school_name }}",
    ),
}

CLASS_LETTER_LABELS = {"head_lice_class_letter": "Head lice (confidential, names no child)"}

GENERAL = DefaultText(
    "{{ pupil_name }}: attendance at school",
    _letter(
        "We are writing to let you know about {{ pupil_forename }}'s attendance at school "
        "({{ stage_name }}).",
        _FIGURES,
        _TALK,
        _LAW,
    ),
)

_ADAPTED_INTRO = {
    "long_term_illness": (
        "We know that {{ pupil_forename }} has been unwell for a long time, and we are grateful "
        "for the way you have kept in touch with us. This letter is not a warning: we write to "
        "every family when absence reaches a certain level, and we want you to have the same "
        "information as everyone else."
    ),
    "medical_plan": (
        "We know that {{ pupil_forename }} has a medical plan, and we are grateful for the way "
        "you work with us on it. This letter is not a warning: we write to every family when "
        "absence reaches a certain level, and we want you to have the same information as "
        "everyone else."
    ),
    "part_time_timetable": (
        "We know that {{ pupil_forename }} is on a part-time timetable that we agreed together. "
        "This letter is not a warning: we write to every family when absence reaches a certain "
        "level, and we want you to have the same information as everyone else."
    ),
}


def _adapted(adaptation: str) -> DefaultText:
    return DefaultText(
        "{{ pupil_name }}: keeping you informed about attendance",
        _letter(
            _ADAPTED_INTRO[adaptation],
            _FIGURES,
            "We will keep supporting {{ pupil_forename }} and your family. If anything changes, "
            "or if there is more we could do to help {{ pupil_forename }} attend, please let us "
            "know.",
            _TALK,
        ),
    )


ADAPTED: dict[str, DefaultText] = {a: _adapted(a) for a in _ADAPTED_INTRO}


def default_text(key: str, adaptation: str = "") -> DefaultText:
    if adaptation:
        return ADAPTED[adaptation]
    return CLASS_LETTERS.get(key) or STANDARD.get(key, GENERAL)
