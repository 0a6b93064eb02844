"""The authorisation matrix: every URL of the project, who may use it, on whose objects.

Read by `test_authorisation_matrix.py`, which requests every (URL, persona, variant, method)
and compares the outcome with the one declared here. A URL pattern missing from `TABLE`
fails that test, so every new view has to be declared.

Outcomes:
  ALLOW  2xx, or a redirect that is not to the sign-in page
  LOGIN  a redirect to the sign-in page
  DENY   403 (inside the user's school but not allowed)
  HIDE   404 (outside the user's school: we do not confirm the object exists)
  BAD    400 (a request no page of ours sends)
  TOKEN  401 (an API endpoint: bearer tokens only, a signed-in session is not accepted)

Variants (which objects the request names, in its URL, query string or form data):
  school  the URL names no object: the persona's own school's page
  own     objects at Meadow, the school of every persona except other_school_head
  other   the same kinds of objects at Hill, other_school_head's school
  mixed   a Meadow pupil with a Hill mark (a URL naming two objects)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

ALLOW, LOGIN, DENY, HIDE, BAD = "ALLOW", "LOGIN", "DENY", "HIDE", "BAD"
TOKEN = "TOKEN"

ANONYMOUS = "anonymous"
TEACHER_OWN = "teacher_own"  # teaches 3A, the sample pupil's class
TEACHER_OTHER = "teacher_other"  # teaches 5A only
OFFICE = "office"
ATTENDANCE_LEAD = "attendance_lead"
DSL = "dsl"
SENCO = "senco"
HEAD = "head"
GOVERNOR = "governor"
TRUST_ANALYST = "trust_analyst"
ADMIN = "admin"  # superuser, with the admin role at Meadow
OTHER_SCHOOL_HEAD = "other_school_head"  # head at Hill
PARENT = "parent"  # Amaryllis's parent, signed in to the parent portal; no staff role

PERSONAS = (
    ANONYMOUS,
    TEACHER_OWN,
    TEACHER_OTHER,
    OFFICE,
    ATTENDANCE_LEAD,
    DSL,
    SENCO,
    HEAD,
    GOVERNOR,
    TRUST_ANALYST,
    ADMIN,
    OTHER_SCHOOL_HEAD,
    PARENT,
)
# Which side each persona works at ("own" = Meadow, "other" = Hill); the superuser is exempt
# from the cross-school rule and anonymous users have no school.
HOME_SIDE = dict.fromkeys(PERSONAS, "own") | {
    OTHER_SCHOOL_HEAD: "other",
    ANONYMOUS: None,
    ADMIN: None,
}

OFFICE_LIKE = (OFFICE, ATTENDANCE_LEAD, HEAD, ADMIN)  # access.OFFICE_ROLES at Meadow
NOT_OFFICE = (TEACHER_OWN, TEACHER_OTHER, DSL, SENCO, GOVERNOR, TRUST_ANALYST)
MEADOW_STAFF = OFFICE_LIKE + NOT_OFFICE
STAFF = (*MEADOW_STAFF, OTHER_SCHOOL_HEAD)
AGGREGATES_ONLY = (GOVERNOR, TRUST_ANALYST)

# Pupil names and sensitive text that must never appear in a 2xx response to the persona.
# Amaryllis Sampleton: Meadow 3A, child protection plan. Dorian Fivers: Meadow 5A.
# Zebedee Elsewhere: Hill 3A.
OWN_PUPIL, CLASSMATE, OTHER_PUPIL = "Amaryllis", "Dorian", "Zebedee"
SENSITIVE = ("Child protection plan", "CP plan")
FORBIDDEN: Mapping[str, tuple[str, ...]] = {
    ANONYMOUS: (OWN_PUPIL, CLASSMATE, OTHER_PUPIL),
    TEACHER_OWN: (CLASSMATE, OTHER_PUPIL, *SENSITIVE),
    TEACHER_OTHER: (OWN_PUPIL, OTHER_PUPIL, *SENSITIVE),
    OFFICE: (OTHER_PUPIL,),
    ATTENDANCE_LEAD: (OTHER_PUPIL,),
    DSL: (OTHER_PUPIL,),
    SENCO: (OTHER_PUPIL,),
    HEAD: (OTHER_PUPIL,),
    GOVERNOR: (OWN_PUPIL, CLASSMATE, OTHER_PUPIL),
    TRUST_ANALYST: (OWN_PUPIL, CLASSMATE, OTHER_PUPIL),
    ADMIN: (),
    OTHER_SCHOOL_HEAD: (OWN_PUPIL, CLASSMATE),
    PARENT: (CLASSMATE, OTHER_PUPIL, *SENSITIVE),
}

TODAY = date(2026, 11, 23)  # a Monday; the tests pin the clock to 09:30 that day


def who(
    *,
    allow: Iterable[str] = (),
    deny: Iterable[str] = (),
    hide: Iterable[str] = (),
    bad: Iterable[str] = (),
    token: Iterable[str] = (),
    login: Iterable[str] = (ANONYMOUS,),
) -> dict[str, str]:
    """Each persona's expected outcome; every persona exactly once.

    A parent not named is refused (403): staff pages call `core.access.require_school`,
    which refuses users with no staff role.
    """
    expected: dict[str, str] = {}
    for outcome, personas in (
        (ALLOW, allow),
        (DENY, deny),
        (HIDE, hide),
        (BAD, bad),
        (TOKEN, token),
        (LOGIN, login),
    ):
        for persona in personas:
            assert persona not in expected, f"{persona} declared twice"
            expected[persona] = outcome
    expected.setdefault(PARENT, DENY)
    missing = set(PERSONAS) - set(expected)
    assert not missing, f"no outcome declared for {sorted(missing)}"
    return expected


Builder = Callable[[Any], dict]  # takes a side of the test world (its .group, .pupil, ...)


def _nothing(side) -> dict:
    return {}


@dataclass(frozen=True)
class Entry:
    methods: tuple[str, ...]
    # variant -> persona -> outcome; a key "variant METHOD" overrides it for that method.
    expect: Mapping[str, Mapping[str, str]]
    kwargs: Builder = _nothing  # URL kwargs
    query: Builder = _nothing  # GET parameters
    data: Builder = _nothing  # POST data: minimal, so that it writes nothing ...
    writes: bool = False  # ... unless this says an allowed POST may write
    pupil_level: bool = True  # shows or changes a named pupil's data
    # The methods for which the view filters another school's ids out of a search or a
    # form (the response content is checked) instead of refusing the request.
    filtered: tuple[str, ...] = ()

    @property
    def variants(self) -> list[str]:
        return [v for v in self.expect if " " not in v]

    def expected(self, variant: str, method: str, persona: str) -> str:
        return self.expect.get(f"{variant} {method}", self.expect[variant])[persona]


def group_day(side) -> dict:
    return {"group_id": side.group.pk, "day": TODAY, "session": "AM"}


def pupil(side) -> dict:
    return {"pupil_id": side.pupil.pk}


def pupil_mark(side) -> dict:
    return {"pupil_id": side.pupil.pk, "mark_id": side.mark.pk}


def pupil_field(side) -> dict:
    return {"pupil": side.pupil.pk}


def leave(side) -> dict:
    from rollbook.leave.tests.samples import sample_leave_id  # needs the apps loaded

    return {"leave_id": sample_leave_id(side)}


def family(side) -> dict:
    return {"family_id": side.pupil.family_id}


def report(side) -> dict:
    from rollbook.portal.tests.samples import sample_report_id  # needs the apps loaded

    return {"report_id": sample_report_id(side)}


def pick_pupils(side) -> dict:
    return {"scope": "pupils", "pick_group": side.group.pk, "pupils": [side.pupil.pk]}


# Office-only, on a named object: Hill's head has the office role at Hill only.
OFFICE_OWN = who(allow=OFFICE_LIKE, deny=NOT_OFFICE, hide=(OTHER_SCHOOL_HEAD,))
OFFICE_OTHER = who(allow=(OTHER_SCHOOL_HEAD,), deny=NOT_OFFICE, hide=OFFICE_LIKE)
# Office-only pages of one's own school (no object named, or other ids filtered out).
OFFICE_PAGE = who(allow=(*OFFICE_LIKE, OTHER_SCHOOL_HEAD), deny=NOT_OFFICE)
EVERY_STAFF = who(allow=STAFF)
# Comms forms that name their object in the POST data (rollbook/comms): empty is 400.
COMMS_FORM = who(bad=(*OFFICE_LIKE, OTHER_SCHOOL_HEAD), deny=NOT_OFFICE)
# The REST API (rollbook/api): token-authenticated, so every session persona gets 401.
# Its own tests cover tokens and roles. The OpenAPI document is public; the API root is 404.
API_TOKEN_ONLY = who(token=PERSONAS, login=())
PUBLIC_API = ("api:openapi-json", "api:api-root")
# Pages anyone may open: the parent portal's sign-in (by emailed link).
PUBLIC_PAGES = ("portal:sign_in", "portal:sign_in_link")
# Pages anyone may read without signing in (checked with the public API endpoints).
PUBLIC_API += ("privacy:notice",)
# The published attendance policy (rollbook/policy/published.py): no personal data.
PUBLIC_PAGES += ("policy:published", "policy:published_pdf")
# Casework (rollbook/casework): read by office roles, DSL and SENCO; written by office and DSL.
CASE_PAGE = who(
    allow=(*OFFICE_LIKE, DSL, SENCO, OTHER_SCHOOL_HEAD),
    deny=(TEACHER_OWN, TEACHER_OTHER, *AGGREGATES_ONLY),
)
CASE_READ = {
    "own": who(
        allow=(*OFFICE_LIKE, DSL, SENCO),
        deny=(TEACHER_OWN, TEACHER_OTHER, *AGGREGATES_ONLY),
        hide=(OTHER_SCHOOL_HEAD,),
    ),
    "other": who(allow=(OTHER_SCHOOL_HEAD,), hide=MEADOW_STAFF),
}
CASE_WRITE = {
    "own": who(
        allow=(*OFFICE_LIKE, DSL),
        deny=(TEACHER_OWN, TEACHER_OTHER, SENCO, *AGGREGATES_ONLY),
        hide=(OTHER_SCHOOL_HEAD,),
    ),
    "other": who(allow=(OTHER_SCHOOL_HEAD,), hide=MEADOW_STAFF),
}
# A pupil's timeline: case readers, and a class teacher for their own class's pupils (read-only,
# no safeguarding notes); another class's teacher is refused.
TIMELINE_READ = {
    "own": who(
        allow=(*OFFICE_LIKE, DSL, SENCO, TEACHER_OWN),
        deny=(TEACHER_OTHER, *AGGREGATES_ONLY),
        hide=(OTHER_SCHOOL_HEAD,),
    ),
    "other": who(allow=(OTHER_SCHOOL_HEAD,), hide=MEADOW_STAFF),
}
# The parent portal: the parent only; on a named child, report or request, their own family's.
PARENT_PAGE = who(allow=(PARENT,), deny=STAFF)
PARENT_OWN = {
    "own": who(allow=(PARENT,), deny=STAFF),
    "other": who(hide=(PARENT,), deny=STAFF),
}
# Reports (rollbook/reports): staff who read every pupil, governors and trust analysts.
REPORT_READERS = who(
    allow=(*OFFICE_LIKE, DSL, SENCO, GOVERNOR, TRUST_ANALYST, OTHER_SCHOOL_HEAD),
    deny=(TEACHER_OWN, TEACHER_OTHER),
)
PUPIL_LIST = who(
    allow=(*OFFICE_LIKE, DSL, SENCO, TEACHER_OWN, TEACHER_OTHER, OTHER_SCHOOL_HEAD),
    deny=AGGREGATES_ONLY,
)
# Report pages that name pupils or show SEN/safeguarding/health data: staff who read every pupil.
PUPIL_READERS_PAGE = who(
    allow=(*OFFICE_LIKE, DSL, SENCO, OTHER_SCHOOL_HEAD),
    deny=(TEACHER_OWN, TEACHER_OTHER, *AGGREGATES_ONLY),
)


# Accounts (rollbook/accounts): the audit log and staff sign-in.
def _but(personas: Iterable[str], *left_out: str) -> tuple[str, ...]:
    return tuple(p for p in personas if p not in left_out)


AUDIT_READERS = who(
    allow=(HEAD, ADMIN, OTHER_SCHOOL_HEAD), deny=_but(STAFF, HEAD, ADMIN, OTHER_SCHOOL_HEAD)
)


def staff_member(side) -> dict:
    """A member of staff at the side's school (Meadow's first, or Hill's head)."""
    from rollbook.core.models import StaffRole  # needs the apps loaded

    grant = StaffRole.objects.filter(school=side.school).order_by("id").first()
    return {"user_id": grant.user_id}


def import_run(side) -> dict:
    """A finished CSV import of the side's school (made in test_authorisation_matrix)."""
    from rollbook.pupils.models import ImportRun  # needs the apps loaded

    return {"run_id": ImportRun.objects.filter(school=side.school).earliest("pk").pk}


# Letters (rollbook/letters): the sample objects come from rollbook/letters/tests/samples.py.
def letter(side) -> dict:
    from rollbook.letters.tests.samples import sample_letter_id  # needs the apps loaded

    return {"letter_id": sample_letter_id(side)}


def batch(side) -> dict:
    from rollbook.letters.tests.samples import sample_batch_id  # needs the apps loaded

    return {"batch_id": sample_batch_id(side)}


LETTER_DECIDE = {
    "own": who(
        allow=(ATTENDANCE_LEAD, HEAD, ADMIN),
        deny=(OFFICE, *NOT_OFFICE),
        hide=(OTHER_SCHOOL_HEAD,),
    ),
    "other": OFFICE_OTHER,
}

TABLE: Mapping[str, Entry] = {
    # --- reports ---------------------------------------------------------------------------
    # A parent (no staff role) sees "no school is linked to your account", no figures.
    "home": Entry(("GET",), {"school": who(allow=(*STAFF, PARENT))}, pupil_level=False),
    # Aggregates only (small groups suppressed for governors and analysts); no pupil names.
    "group_report": Entry(
        ("GET",),
        {
            "school": who(
                allow=(*OFFICE_LIKE, DSL, SENCO, GOVERNOR, TRUST_ANALYST, OTHER_SCHOOL_HEAD),
                deny=(TEACHER_OWN, TEACHER_OTHER),
            )
        },
        pupil_level=False,
    ),
    # Names pupils for staff who may read every pupil; governors and analysts get aggregates.
    "weekly_report": Entry(
        ("GET",),
        {
            "school": who(
                allow=(*OFFICE_LIKE, DSL, SENCO, GOVERNOR, TRUST_ANALYST, OTHER_SCHOOL_HEAD),
                deny=(TEACHER_OWN, TEACHER_OTHER),
            )
        },
        pupil_level=False,
    ),
    # --- registers -------------------------------------------------------------------------
    "register_list": Entry(("GET",), {"school": EVERY_STAFF}, pupil_level=False),
    "register_take": Entry(
        ("GET", "POST"),
        {
            "own": who(
                allow=(TEACHER_OWN, *OFFICE_LIKE),
                deny=(TEACHER_OTHER, DSL, SENCO, GOVERNOR, TRUST_ANALYST),
                hide=(OTHER_SCHOOL_HEAD,),
            ),
            "other": who(allow=(OTHER_SCHOOL_HEAD,), hide=MEADOW_STAFF),
        },
        kwargs=group_day,
        # An invalid choice: re-rendered (200). An empty POST is a valid "save unchanged",
        # which records a register.amended audit row, so it is not used here.
        data=lambda side: {f"mark-{side.pupil.pk}": "?"},
    ),
    "office_today": Entry(("GET",), {"school": OFFICE_PAGE}),
    "office_chase": Entry(
        ("POST",),
        {"own": OFFICE_OWN, "other": OFFICE_OTHER},
        # 3A's morning register is taken at both schools, so a chase is refused (200).
        data=lambda side: {"group": side.group.pk, "session": "AM"},
    ),
    "office_log_contact": Entry(
        ("POST",), {"own": OFFICE_OWN, "other": OFFICE_OTHER}, kwargs=pupil
    ),
    "office_record_reason": Entry(
        ("POST",), {"own": OFFICE_OWN, "other": OFFICE_OTHER}, kwargs=pupil
    ),
    "evidence_required": Entry(
        ("GET", "POST"), {"own": OFFICE_OWN, "other": OFFICE_OTHER}, kwargs=pupil
    ),
    "late_sign_in": Entry(
        ("GET", "POST"),
        # GET searches by name (only the user's school is searched); POST names the pupil.
        {
            "own": OFFICE_OWN,
            "other": OFFICE_OTHER,
            "own GET": OFFICE_PAGE,
            "other GET": OFFICE_PAGE,
        },
        query=lambda side: {"q": side.pupil.legal_surname},
        data=pupil_field,
        filtered=("GET",),
    ),
    # --- bulk coding -----------------------------------------------------------------------
    "bulk:form": Entry(
        ("GET", "POST"),
        {"own": OFFICE_PAGE, "other": OFFICE_PAGE},
        query=pick_pupils,
        data=pick_pupils,
        filtered=("GET", "POST"),
    ),
    "bulk:preview": Entry(
        ("POST",), {"own": OFFICE_PAGE, "other": OFFICE_PAGE}, data=pick_pupils, filtered=("POST",)
    ),
    "bulk:confirm": Entry(
        ("POST",), {"own": OFFICE_PAGE, "other": OFFICE_PAGE}, data=pick_pupils, filtered=("POST",)
    ),
    # --- pupils ----------------------------------------------------------------------------
    "pupils:list": Entry(
        ("GET",),
        # Searching by the pupil's surname: teachers see their own classes only.
        {"own": PUPIL_LIST, "other": PUPIL_LIST},
        query=lambda side: {"q": side.pupil.legal_surname, "left": "on"},
        filtered=("GET",),
    ),
    "pupils:detail": Entry(
        ("GET",),
        {
            "own": who(
                allow=(*OFFICE_LIKE, DSL, SENCO, TEACHER_OWN),
                deny=(TEACHER_OTHER, *AGGREGATES_ONLY),
                hide=(OTHER_SCHOOL_HEAD,),
            ),
            "other": who(allow=(OTHER_SCHOOL_HEAD,), hide=MEADOW_STAFF),
        },
        kwargs=pupil,
    ),
    "pupils:amend_mark": Entry(
        ("GET", "POST"),
        {
            "own": who(allow=OFFICE_LIKE, deny=NOT_OFFICE, hide=(OTHER_SCHOOL_HEAD,)),
            "other": who(allow=(OTHER_SCHOOL_HEAD,), hide=MEADOW_STAFF),
            # Meadow's pupil, Hill's mark: the pupil check comes first (403 for non-office
            # roles), then the mark must belong to the pupil (404).
            "mixed": who(deny=NOT_OFFICE, hide=(*OFFICE_LIKE, OTHER_SCHOOL_HEAD)),
        },
        kwargs=pupil_mark,
    ),
    # --- policy (alerts) -------------------------------------------------------------------
    "policy:alerts": Entry(("GET",), {"school": OFFICE_PAGE}),
    # Staff confirm reading the policy in force (S001-4): every member of staff; a POST
    # records the signed-in person's confirmation of their own school's version.
    "policy:read": Entry(("GET", "POST"), {"school": EVERY_STAFF}, pupil_level=False, writes=True),
    # A pupil's support tier and its history (S001-49): office roles; an empty POST re-renders
    # with errors and writes nothing.
    "policy:tiers": Entry(
        ("GET", "POST"), {"own": OFFICE_OWN, "other": OFFICE_OTHER}, kwargs=pupil
    ),
    # The published policy (S001-6): public by design, built from the policy file alone.
    "policy:published": Entry(
        ("GET",),
        {"school": who(allow=PERSONAS, login=())},
        kwargs=lambda side: {"urn": side.school.urn},
        pupil_level=False,
    ),
    "policy:published_pdf": Entry(
        ("GET",),
        {"school": who(allow=PERSONAS, login=())},
        kwargs=lambda side: {"urn": side.school.urn},
        pupil_level=False,
    ),
    # --- comms ------------------------------------------------------------------------------
    "comms:outbox": Entry(("GET",), {"school": OFFICE_PAGE}),
    "policy:decide": Entry(
        ("POST",),
        {"own": OFFICE_OWN, "other": OFFICE_OTHER},
        kwargs=lambda side: {"alert_id": side.alert.pk},
    ),
    "policy:action_done": Entry(
        ("POST",),
        {"own": OFFICE_OWN, "other": OFFICE_OTHER},
        kwargs=lambda side: {"action_id": side.action.pk},
        writes=True,  # the note is optional: an empty POST marks the action done
    ),
    # --- leave of absence and part-time timetables ------------------------------------------
    # Office pages; only the policy's leave.decision_role (here the head) or the head decides.
    # Empty POSTs re-render their form with errors (200) and write nothing. The sample
    # request is pending, so its letter redirects to the request.
    "leave:list": Entry(("GET",), {"school": OFFICE_PAGE}),
    "leave:new": Entry(("GET", "POST"), {"school": OFFICE_PAGE}),
    "leave:detail": Entry(("GET",), {"own": OFFICE_OWN, "other": OFFICE_OTHER}, kwargs=leave),
    "leave:decide": Entry(
        ("POST",),
        {
            "own": who(
                allow=(HEAD, ADMIN),
                deny=(OFFICE, ATTENDANCE_LEAD, *NOT_OFFICE),
                hide=(OTHER_SCHOOL_HEAD,),
            ),
            "other": who(
                allow=(OTHER_SCHOOL_HEAD,),
                deny=(OFFICE, ATTENDANCE_LEAD, *NOT_OFFICE),
                hide=(HEAD, ADMIN),
            ),
        },
        kwargs=leave,
    ),
    "leave:taken": Entry(("POST",), {"own": OFFICE_OWN, "other": OFFICE_OTHER}, kwargs=leave),
    "leave:letter": Entry(("GET",), {"own": OFFICE_OWN, "other": OFFICE_OTHER}, kwargs=leave),
    # The parent's upload (the sample request has one, as if sent through the portal).
    "leave:evidence": Entry(("GET",), {"own": OFFICE_OWN, "other": OFFICE_OTHER}, kwargs=leave),
    "leave:part_time_list": Entry(("GET",), {"school": OFFICE_PAGE}),
    "leave:part_time_new": Entry(("GET", "POST"), {"school": OFFICE_PAGE}),
    # --- rewards ---------------------------------------------------------------------------
    # The league and the hall display show class names and figures only: every member of
    # staff (governors too). Pupil awards, certificates and draws name pupils: office only.
    # A POST without a valid award re-renders the page (200) and writes nothing.
    "rewards:league": Entry(("GET",), {"school": EVERY_STAFF}, pupil_level=False),
    "rewards:display": Entry(("GET",), {"school": EVERY_STAFF}, pupil_level=False),
    # Focus pupils' trackers name pupils: as the pupil list, teachers see their own classes.
    "rewards:trackers": Entry(("GET",), {"school": PUPIL_LIST}),
    "rewards:awards": Entry(("GET",), {"school": OFFICE_PAGE}),
    "rewards:certificates": Entry(("GET",), {"school": OFFICE_PAGE}),
    "rewards:record": Entry(("POST",), {"school": OFFICE_PAGE}),
    "rewards:draw": Entry(("POST",), {"school": OFFICE_PAGE}),
    # Qualifying lists and improvers name pupils: office only (staff-facing lists).
    "rewards:qualifying": Entry(("GET",), {"school": OFFICE_PAGE}),
    "rewards:improvers": Entry(("GET",), {"school": OFFICE_PAGE}),
    # The assembly sheet names the 100 % pupils: staff-facing, office only.
    "rewards:assembly": Entry(("GET",), {"school": OFFICE_PAGE}),
    # Treats name pupils: office only. An empty POST re-renders the page with errors.
    "rewards:treats": Entry(("GET",), {"school": OFFICE_PAGE}),
    "rewards:offer_treat": Entry(("POST",), {"school": OFFICE_PAGE}),
    # Friday tracker pages for a class: as taking its register (its teachers and the office).
    "rewards:booklet": Entry(
        ("GET",),
        {
            "own": who(
                allow=(TEACHER_OWN, *OFFICE_LIKE),
                deny=(TEACHER_OTHER, DSL, SENCO, GOVERNOR, TRUST_ANALYST),
                hide=(OTHER_SCHOOL_HEAD,),
            ),
            "other": who(allow=(OTHER_SCHOOL_HEAD,), hide=MEADOW_STAFF),
        },
        kwargs=lambda side: {"group_id": side.group.pk},
    ),
    # A pupil's personal goal: read as the pupil's page; set by pastoral staff (office roles,
    # DSL, SENCO). An empty POST re-renders the form with errors (200) and writes nothing.
    "rewards:goal": Entry(
        ("GET", "POST"),
        {
            "own": who(
                allow=(*OFFICE_LIKE, DSL, SENCO, TEACHER_OWN),
                deny=(TEACHER_OTHER, *AGGREGATES_ONLY),
                hide=(OTHER_SCHOOL_HEAD,),
            ),
            "own POST": who(
                allow=(*OFFICE_LIKE, DSL, SENCO),
                deny=(TEACHER_OWN, TEACHER_OTHER, *AGGREGATES_ONLY),
                hide=(OTHER_SCHOOL_HEAD,),
            ),
            "other": who(allow=(OTHER_SCHOOL_HEAD,), hide=MEADOW_STAFF),
        },
        kwargs=pupil,
    ),
    # --- casework --------------------------------------------------------------------------
    # Read: office roles, DSL and SENCO; write: office roles and DSL. Empty POSTs re-render
    # the page with errors (200) and write nothing. The sample pupils each have a family.
    "casework:caseload": Entry(("GET",), {"school": CASE_PAGE}),
    "casework:pupil": Entry(("GET",), TIMELINE_READ, kwargs=pupil),
    "casework:open": Entry(("POST",), CASE_WRITE, kwargs=pupil),
    "casework:assign": Entry(("POST",), CASE_WRITE, kwargs=pupil),
    "casework:close": Entry(("POST",), CASE_WRITE, kwargs=pupil),
    "casework:note": Entry(("POST",), CASE_WRITE, kwargs=pupil),
    "casework:barrier": Entry(("POST",), CASE_WRITE, kwargs=pupil),
    "casework:agency": Entry(("POST",), CASE_WRITE, kwargs=pupil),
    "casework:stage": Entry(("POST",), CASE_WRITE, kwargs=pupil),
    # A concern: anyone who may read the pupil's timeline (a class teacher: their own class).
    "casework:concern": Entry(("POST",), TIMELINE_READ, kwargs=pupil),
    "casework:left_site": Entry(("POST",), TIMELINE_READ, kwargs=pupil),
    "casework:family": Entry(("GET",), CASE_READ, kwargs=family),
    # --- REST API --------------------------------------------------------------------------
    "api:openapi-json": Entry(
        ("GET",), {"school": who(allow=PERSONAS, login=())}, pupil_level=False
    ),
    "api:api-root": Entry(("GET", "POST"), {"school": who(hide=PERSONAS, login=())}),
    "api:school": Entry(("GET",), {"school": API_TOKEN_ONLY}, pupil_level=False),
    "api:classes": Entry(("GET",), {"school": API_TOKEN_ONLY}, pupil_level=False),
    "api:pupils": Entry(("GET",), {"school": API_TOKEN_ONLY}),
    "api:pupil": Entry(
        ("GET",),
        {"own": API_TOKEN_ONLY, "other": API_TOKEN_ONLY},
        kwargs=lambda side: {"upn": side.pupil.upn},
    ),
    # GET here; PUT (the upsert) is not a method the matrix sends: see rollbook/api/tests.
    "api:marks": Entry(
        ("GET",), {"school": API_TOKEN_ONLY}, query=lambda side: {"from": TODAY, "to": TODAY}
    ),
    "api:statistics": Entry(
        ("GET",),
        {"school": API_TOKEN_ONLY},
        query=lambda side: {"from": TODAY, "to": TODAY},
        pupil_level=False,
    ),
    "api:alerts": Entry(("GET",), {"school": API_TOKEN_ONLY}),
    "api:absence_reports": Entry(("GET",), {"school": API_TOKEN_ONLY}),
    "api:contacts": Entry(
        ("GET",),
        {"own": API_TOKEN_ONLY, "other": API_TOKEN_ONLY},
        kwargs=lambda side: {"upn": side.pupil.upn},
    ),
    "api:pupil_ctf": Entry(
        ("GET",),
        {"own": API_TOKEN_ONLY, "other": API_TOKEN_ONLY},
        kwargs=lambda side: {"upn": side.pupil.upn},
    ),
    # --- letters (rollbook/letters) ---------------------------------------------------------
    # Office roles read letters and print batches. A letter is sent or withdrawn by the role its
    # policy action names, or the head (the sample stage's letter: the attendance lead, its
    # owner). Empty POSTs re-render with errors (200) and write nothing. Templates: office
    # roles read the list; the attendance lead, head and admin edit (keyed by template key).
    "letters:list": Entry(("GET",), {"school": OFFICE_PAGE}),
    "letters:detail": Entry(("GET",), {"own": OFFICE_OWN, "other": OFFICE_OTHER}, kwargs=letter),
    "letters:pdf": Entry(("GET",), {"own": OFFICE_OWN, "other": OFFICE_OTHER}, kwargs=letter),
    "letters:send": Entry(("POST",), LETTER_DECIDE, kwargs=letter),
    "letters:withdraw": Entry(("POST",), LETTER_DECIDE, kwargs=letter),
    # Who signs a draft (S003-15): the same people as send and withdraw.
    "letters:signatory": Entry(("POST",), LETTER_DECIDE, kwargs=letter),
    "letters:batch_create": Entry(("POST",), {"school": OFFICE_PAGE}),
    # The termly letter to every family (S001-29): office roles; a redirect to the new batch.
    "letters:termly_create": Entry(("POST",), {"school": OFFICE_PAGE}, writes=True),
    # A class-wide letter naming no child (S002-71): an empty POST re-renders with errors.
    "letters:class_letter": Entry(("GET", "POST"), {"school": OFFICE_PAGE}, pupil_level=False),
    "letters:batch": Entry(("GET",), {"own": OFFICE_OWN, "other": OFFICE_OTHER}, kwargs=batch),
    "letters:batch_combined": Entry(
        ("GET",), {"own": OFFICE_OWN, "other": OFFICE_OTHER}, kwargs=batch
    ),
    "letters:batch_families": Entry(
        ("GET",), {"own": OFFICE_OWN, "other": OFFICE_OTHER}, kwargs=batch
    ),
    "letters:templates": Entry(("GET",), {"school": OFFICE_PAGE}, pupil_level=False),
    "letters:template_edit": Entry(
        ("GET", "POST"),
        {
            "school": who(
                allow=(ATTENDANCE_LEAD, HEAD, ADMIN, OTHER_SCHOOL_HEAD),
                deny=(OFFICE, *NOT_OFFICE),
            )
        },
        kwargs=lambda side: {"key": "stage_1_letter"},
        pupil_level=False,
    ),
    # --- penalty notices (rollbook/penalties) ------------------------------------------------
    # Office roles only: the attendance lead (or the office, head, admin) decides; 403 for
    # others before any lookup. The sample alert is a policy stage, not a penalty alert: a
    # POST to decide it shows the pupil's page with the reason (200) and writes nothing.
    # Empty POSTs re-render with errors (200). A pack without ?notice= or ?scope=year goes
    # to the pupil's page (the PDF is not rendered here: see rollbook/penalties/tests).
    "penalties:decisions": Entry(("GET",), {"school": OFFICE_PAGE}),
    "penalties:decide": Entry(
        ("POST",),
        {"own": OFFICE_OWN, "other": OFFICE_OTHER},
        kwargs=lambda side: {"alert_id": side.alert.pk},
    ),
    # A pupil's notices are read by the case readers too (DSL, SENCO), as the timeline is.
    "penalties:pupil": Entry(("GET",), CASE_READ, kwargs=pupil),
    "penalties:consider": Entry(
        ("POST",), {"own": OFFICE_OWN, "other": OFFICE_OTHER}, kwargs=pupil
    ),
    "penalties:step": Entry(("POST",), {"own": OFFICE_OWN, "other": OFFICE_OTHER}, kwargs=pupil),
    "penalties:pack_pdf": Entry(("GET",), {"own": OFFICE_OWN, "other": OFFICE_OTHER}, kwargs=pupil),
    "penalties:pack_csv": Entry(
        ("GET",),
        {"own": OFFICE_OWN, "other": OFFICE_OTHER},
        kwargs=pupil,
        query=lambda side: {"scope": "year"},
    ),
    # --- referrals (rollbook/referrals) ------------------------------------------------------
    # As casework: read by office roles, DSL and SENCO; written by office roles and DSL.
    # Social-care referrals are for the DSL only (rollbook/referrals/tests). Empty POSTs
    # re-render the page with errors (200) and write nothing.
    "referrals:pupil": Entry(("GET",), CASE_READ, kwargs=pupil),
    "referrals:record": Entry(("POST",), CASE_WRITE, kwargs=pupil),
    "referrals:close": Entry(("POST",), CASE_WRITE, kwargs=pupil),
    "referrals:sign_off": Entry(("POST",), CASE_WRITE, kwargs=pupil),
    # --- privacy (rollbook/privacy) ----------------------------------------------------------
    # Subject access exports: the head, the administrator and the DSL (not the whole office).
    # An empty POST re-renders the form with errors (200) and writes nothing. The retention
    # report (a dry run) is for the head and the administrator; the notice is public.
    "privacy:index": Entry(
        ("GET",),
        {
            "school": who(
                allow=(HEAD, ADMIN, DSL, OTHER_SCHOOL_HEAD),
                deny=(OFFICE, ATTENDANCE_LEAD, TEACHER_OWN, TEACHER_OTHER, SENCO, *AGGREGATES_ONLY),
            )
        },
        query=lambda side: {"q": side.pupil.legal_surname},
        filtered=("GET",),
    ),
    "privacy:export": Entry(
        ("GET", "POST"),
        {
            "own": who(
                allow=(HEAD, ADMIN, DSL),
                deny=(OFFICE, ATTENDANCE_LEAD, TEACHER_OWN, TEACHER_OTHER, SENCO, *AGGREGATES_ONLY),
                hide=(OTHER_SCHOOL_HEAD,),
            ),
            "other": who(allow=(OTHER_SCHOOL_HEAD,), hide=MEADOW_STAFF),
        },
        kwargs=pupil,
    ),
    "privacy:retention": Entry(
        ("GET",),
        {
            "school": who(
                allow=(HEAD, ADMIN, OTHER_SCHOOL_HEAD),
                deny=(
                    OFFICE,
                    ATTENDANCE_LEAD,
                    DSL,
                    TEACHER_OWN,
                    TEACHER_OTHER,
                    SENCO,
                    *AGGREGATES_ONLY,
                ),
            )
        },
    ),
    "privacy:notice": Entry(("GET",), {"school": who(allow=PERSONAS, login=())}, pupil_level=False),
    # --- accounts: two-factor sign-in, audit log (rollbook/accounts) -------------------------
    # Your own sign-in: every member of staff. Nobody in the matrix world has set up
    # two-factor, so verify, the recovery codes and removing redirect (and write nothing).
    "accounts:two_factor": Entry(("GET", "POST"), {"school": EVERY_STAFF}, pupil_level=False),
    "accounts:recovery_codes": Entry(("GET", "POST"), {"school": EVERY_STAFF}, pupil_level=False),
    "accounts:recovery_codes_download": Entry(("GET",), {"school": EVERY_STAFF}, pupil_level=False),
    "accounts:make_recovery_codes": Entry(("POST",), {"school": EVERY_STAFF}, pupil_level=False),
    "accounts:remove_two_factor": Entry(
        ("GET", "POST"), {"school": EVERY_STAFF}, pupil_level=False
    ),
    "accounts:verify": Entry(("GET", "POST"), {"school": EVERY_STAFF}, pupil_level=False),
    # Staff sign-in and resets: the administrator only (an empty POST needs a reason: 200).
    "accounts:staff": Entry(
        ("GET",), {"school": who(allow=(ADMIN,), deny=_but(STAFF, ADMIN))}, pupil_level=False
    ),
    "accounts:reset_two_factor": Entry(
        ("GET", "POST"),
        {
            "own": who(allow=(ADMIN,), deny=_but(STAFF, ADMIN)),
            "other": who(hide=(ADMIN,), deny=_but(STAFF, ADMIN)),
        },
        kwargs=staff_member,
        pupil_level=False,
    ),
    # The audit log names the school's pupils: the head and the administrator. Its CSV export
    # writes an audit row of its own (the audit of exports).
    "accounts:audit": Entry(("GET",), {"school": AUDIT_READERS}),
    "accounts:audit_export": Entry(("GET",), {"school": AUDIT_READERS}, writes=True),
    # --- casework: meetings, plans, contracts, caseloads (rollbook/casework) ------------------
    # Meetings, plans and tasks are keyed by the pupil (the meeting or plan shown comes from
    # the query string or form, checked against the pupil). Empty POSTs re-render (200).
    "casework:meetings": Entry(("GET",), CASE_READ, kwargs=pupil),
    "casework:meeting_new": Entry(("GET", "POST"), CASE_WRITE, kwargs=pupil),
    "casework:plan_print": Entry(("GET",), CASE_READ, kwargs=pupil),
    "casework:plan_outcome": Entry(("POST",), CASE_WRITE, kwargs=pupil),
    "casework:task_done": Entry(("POST",), CASE_WRITE, kwargs=pupil),
    # My caseload: any member of staff who may hold families or tasks (teachers: year group
    # leaders); the sample world allocates nothing, so it names nobody.
    "casework:mine": Entry(("GET",), {"school": PUPIL_LIST}),
    "casework:allocations": Entry(("GET",), {"school": CASE_PAGE}),
    "casework:allocate": Entry(("POST",), CASE_WRITE, kwargs=family),
    "casework:hand_back": Entry(("POST",), CASE_WRITE, kwargs=family),
    # The weekly tracker: read by case readers, ticked by case writers.
    "casework:tracker": Entry(
        ("GET", "POST"),
        {
            "school": CASE_PAGE,
            "school POST": who(
                allow=(*OFFICE_LIKE, DSL, OTHER_SCHOOL_HEAD),
                deny=(TEACHER_OWN, TEACHER_OTHER, SENCO, *AGGREGATES_ONLY),
            ),
        },
    ),
    # --- parent portal (rollbook/portal) -----------------------------------------------------
    # Parents see only their own children: another family's child, report or request is 404
    # (the sample parent's family is at Meadow). Staff get 403; anonymous visitors are sent to
    # the portal's sign-in page. Empty POSTs re-render the form (200) and write nothing.
    "portal:sign_in": Entry(
        ("GET", "POST"), {"school": who(allow=PERSONAS, login=())}, pupil_level=False
    ),
    "portal:sign_in_link": Entry(
        ("GET", "POST"),
        {"school": who(allow=PERSONAS, login=())},
        kwargs=lambda side: {"token": "not-a-real-token"},
        pupil_level=False,
    ),
    "portal:sign_out": Entry(("POST",), {"school": who(login=PERSONAS)}, pupil_level=False),
    "portal:home": Entry(("GET",), {"school": PARENT_PAGE}),
    "portal:messages": Entry(("GET",), {"school": PARENT_PAGE}),
    # Sent letters only: the sample letter is a draft, so it is 404 for its parent too.
    "portal:letter": Entry(
        ("GET",),
        {"own": who(hide=(PARENT,), deny=STAFF), "other": who(hide=(PARENT,), deny=STAFF)},
        kwargs=letter,
    ),
    "portal:report_absence": Entry(("GET", "POST"), {"school": PARENT_PAGE}),
    "portal:leave_new": Entry(("GET", "POST"), {"school": PARENT_PAGE}),
    "portal:child": Entry(("GET",), PARENT_OWN, kwargs=pupil),
    "portal:report_detail": Entry(("GET",), PARENT_OWN, kwargs=report),
    "portal:report_reply": Entry(("POST",), PARENT_OWN, kwargs=report),
    "portal:leave_detail": Entry(("GET",), PARENT_OWN, kwargs=leave),
    # The sample request is pending: its letter redirects to the request.
    "portal:leave_letter": Entry(("GET",), PARENT_OWN, kwargs=leave),
    # The office's inbox of parents' reports (rollbook/absences/views.py).
    "portal:inbox": Entry(("GET",), {"school": OFFICE_PAGE}),
    "portal:inbox_report": Entry(
        ("GET",), {"own": OFFICE_OWN, "other": OFFICE_OTHER}, kwargs=report
    ),
    "portal:inbox_accept": Entry(
        ("POST",), {"own": OFFICE_OWN, "other": OFFICE_OTHER}, kwargs=report
    ),
    "portal:inbox_query": Entry(
        ("POST",), {"own": OFFICE_OWN, "other": OFFICE_OTHER}, kwargs=report
    ),
    "portal:inbox_evidence": Entry(
        ("GET",), {"own": OFFICE_OWN, "other": OFFICE_OTHER}, kwargs=report
    ),
    # --- comms: campaigns, receipts (rollbook/comms) ------------------------------------------
    # Office pages. The forms name the message or campaign in their data; a POST naming none
    # is not one our pages send (400). Another school's ids are 404: rollbook/comms/tests.
    "comms:cancel": Entry(("POST",), {"school": COMMS_FORM}),
    "comms:campaigns": Entry(("GET",), {"school": OFFICE_PAGE}),
    "comms:campaign_decide": Entry(("POST",), {"school": COMMS_FORM}),
    # An empty POST re-renders the form with errors (200) and writes nothing.
    "comms:templates": Entry(("GET", "POST"), {"school": OFFICE_PAGE}, pupil_level=False),
    # Newsletter snippet and draft posts: aggregates only, never names (rollbook/comms).
    "comms:public_texts": Entry(("GET",), {"school": OFFICE_PAGE}, pupil_level=False),
    # Reusable text blocks: an empty POST re-renders the form with errors (200), writes nothing.
    "comms:text_blocks": Entry(("GET", "POST"), {"school": OFFICE_PAGE}, pupil_level=False),
    # Improvers and their recognition: an empty POST re-renders with errors (200).
    "comms:recognition": Entry(("GET", "POST"), {"school": OFFICE_PAGE}),
    # Parents' requests and concerns: the inbox; logging one names the pupil (query or form;
    # an empty form re-renders with errors); a reply names its request (none: 400).
    "comms:requests": Entry(("GET",), {"school": OFFICE_PAGE}),
    "comms:request_new": Entry(
        ("GET", "POST"),
        {"own": OFFICE_OWN, "other": OFFICE_OTHER},
        query=pupil_field,
        data=pupil_field,
    ),
    "comms:request_reply": Entry(("POST",), {"school": COMMS_FORM}),
    # GOV.UK Notify's delivery receipts: a bearer token only (none is set in tests).
    "comms:notify_receipt": Entry(
        ("POST",), {"school": who(token=PERSONAS, login=())}, pupil_level=False
    ),
    # --- reports: governors, half-termly, exports (rollbook/reports) --------------------------
    # Aggregates (governors' report, census totals) for governors and analysts; names in the
    # review and census downloads only for staff who may read every pupil.
    "governors_report": Entry(("GET",), {"school": REPORT_READERS}, pupil_level=False),
    "governors_pdf_status": Entry(
        ("GET",),
        {"school": REPORT_READERS},
        query=lambda side: {"period": "2025-autumn"},
        pupil_level=False,
    ),
    # No PDF has been built in the matrix world: a redirect to the status page.
    "governors_pdf_download": Entry(
        ("GET",),
        {"school": REPORT_READERS},
        query=lambda side: {"period": "2025-autumn"},
        pupil_level=False,
    ),
    # An empty POST names no period: 400 for those allowed, so nothing is built.
    "governors_pdf_request": Entry(
        ("POST",),
        {
            "school": who(
                bad=(*OFFICE_LIKE, DSL, SENCO, GOVERNOR, TRUST_ANALYST, OTHER_SCHOOL_HEAD),
                deny=(TEACHER_OWN, TEACHER_OTHER),
            )
        },
        pupil_level=False,
    ),
    "review_report": Entry(("GET",), {"school": REPORT_READERS}, pupil_level=False),
    "census_report": Entry(("GET",), {"school": REPORT_READERS}, pupil_level=False),
    # --- cohort and pattern views (rollbook/reports/insight_views.py) ---
    # SEN and vulnerable-group data (names, CLA/CIN/CP/health): staff who read every pupil only.
    "sen_cohorts": Entry(("GET",), {"school": PUPIL_READERS_PAGE}),
    "watch_list": Entry(("GET",), {"school": PUPIL_READERS_PAGE}),
    # Counts by year group; small year groups suppressed for governors and analysts.
    "absence_reasons": Entry(("GET",), {"school": REPORT_READERS}, pupil_level=False),
    # Lates per week against last year: school-wide counts only.
    "late_trend": Entry(("GET",), {"school": REPORT_READERS}, pupil_level=False),
    # The cluster's anonymised school figures: small numbers suppressed for everyone.
    "cluster_export": Entry(("GET",), {"school": REPORT_READERS}, pupil_level=False),
    # Pupils at risk of PA (named): staff who read every pupil.
    "pa_risk": Entry(("GET",), {"school": PUPIL_READERS_PAGE}),
    # Class attendance packs: a class's own teachers and staff who read every pupil.
    "class_packs": Entry(("GET",), {"school": PUPIL_LIST}, pupil_level=False),
    "class_pack": Entry(("GET",), TIMELINE_READ, kwargs=lambda side: {"group_id": side.group.pk}),
    # Late counts per family name the children: staff who read every pupil.
    "family_lates": Entry(("GET",), {"school": PUPIL_READERS_PAGE}),
    # --- Common Transfer Files (rollbook/pupils/transfer_views.py) ----------------------------
    # Office only. The export names a pupil; the import page belongs to the user's school.
    # The download is an export of the pupil's data, so it writes an audit row.
    "pupils:ctf_export": Entry(
        ("GET",), {"own": OFFICE_OWN, "other": OFFICE_OTHER}, kwargs=pupil, writes=True
    ),
    # POST without a file: the form is re-rendered with its errors (200), nothing written.
    "pupils:ctf_import": Entry(("GET", "POST"), {"school": OFFICE_PAGE}, pupil_level=False),
    # --- admissions (rollbook/admissions) ---
    # Office roles; deleting a pupil from the register is for the head and an administrator.
    # Empty POSTs re-render the pupil's registration page with errors (200), writing nothing.
    # The CSV download of the LA returns is an export: it writes an audit row.
    "admissions:register": Entry(("GET",), {"school": OFFICE_PAGE}),
    "admissions:cme_list": Entry(("GET",), {"school": OFFICE_PAGE}),
    "admissions:la_returns": Entry(("GET",), {"school": OFFICE_PAGE}),
    "admissions:la_returns_csv": Entry(("GET",), {"school": OFFICE_PAGE}, writes=True),
    "admissions:pupil": Entry(("GET",), {"own": OFFICE_OWN, "other": OFFICE_OTHER}, kwargs=pupil),
    "admissions:la_notified": Entry(
        ("POST",), {"own": OFFICE_OWN, "other": OFFICE_OTHER}, kwargs=pupil
    ),
    "admissions:deletion": Entry(
        ("POST",),
        {
            "own": who(
                allow=(HEAD, ADMIN),
                deny=(OFFICE, ATTENDANCE_LEAD, *NOT_OFFICE),
                hide=(OTHER_SCHOOL_HEAD,),
            ),
            "other": who(
                allow=(OTHER_SCHOOL_HEAD,),
                deny=(OFFICE, ATTENDANCE_LEAD, *NOT_OFFICE),
                hide=(HEAD, ADMIN),
            ),
        },
        kwargs=pupil,
    ),
    "admissions:ehe": Entry(("POST",), {"own": OFFICE_OWN, "other": OFFICE_OTHER}, kwargs=pupil),
    "admissions:cme_open": Entry(
        ("POST",), {"own": OFFICE_OWN, "other": OFFICE_OTHER}, kwargs=pupil
    ),
    "admissions:cme_enquiry": Entry(
        ("POST",), {"own": OFFICE_OWN, "other": OFFICE_OTHER}, kwargs=pupil
    ),
    "admissions:cme_close": Entry(
        ("POST",), {"own": OFFICE_OWN, "other": OFFICE_OTHER}, kwargs=pupil
    ),
    # --- trust / LA dashboard (rollbook/reports/trust_views.py) ---
    # The group report's readers, each seeing only the schools where they hold such a role
    # (the analyst: Meadow only, so Hill's figures never appear); teachers are refused.
    "trust_dashboard": Entry(("GET",), {"school": REPORT_READERS}, pupil_level=False),
    # --- CSV import with column mapping (rollbook/pupils) ---
    # Office only, the user's own school. POST without a file re-renders the form (200); the
    # columns page with nothing uploaded in the session sends the user back to the upload.
    "pupils:csv_import": Entry(("GET", "POST"), {"school": OFFICE_PAGE}, pupil_level=False),
    "pupils:csv_import_map": Entry(("GET", "POST"), {"school": OFFICE_PAGE}, pupil_level=False),
    # An import's progress page: the office of the run's school; another school's is a 404.
    "pupils:csv_import_run": Entry(
        ("GET",), {"own": OFFICE_OWN, "other": OFFICE_OTHER}, kwargs=import_run, pupil_level=False
    ),
    # --- sign in and out -------------------------------------------------------------------
    # Signed-in users are sent on from the sign-in page; signing out ends on the sign-in page.
    "login": Entry(("GET", "POST"), {"school": who(allow=PERSONAS, login=())}, pupil_level=False),
    "logout": Entry(("POST",), {"school": who(login=PERSONAS)}, pupil_level=False),
}
