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
    """Each persona's expected outcome; every persona exactly once."""
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


def pick_pupils(side) -> dict:
    return {"scope": "pupils", "pick_group": side.group.pk, "pupils": [side.pupil.pk]}


# Office-only, on a named object: Hill's head has the office role at Hill only.
OFFICE_OWN = who(allow=OFFICE_LIKE, deny=NOT_OFFICE, hide=(OTHER_SCHOOL_HEAD,))
OFFICE_OTHER = who(allow=(OTHER_SCHOOL_HEAD,), deny=NOT_OFFICE, hide=OFFICE_LIKE)
# Office-only pages of one's own school (no object named, or other ids filtered out).
OFFICE_PAGE = who(allow=(*OFFICE_LIKE, OTHER_SCHOOL_HEAD), deny=NOT_OFFICE)
EVERY_STAFF = who(allow=STAFF)
# The REST API (rollbook/api): token-authenticated, so every session persona gets 401.
# Its own tests cover tokens and roles. The OpenAPI document is public; the API root is 404.
API_TOKEN_ONLY = who(token=PERSONAS, login=())
PUBLIC_API = ("api:openapi-json", "api:api-root")
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
PUPIL_LIST = who(
    allow=(*OFFICE_LIKE, DSL, SENCO, TEACHER_OWN, TEACHER_OTHER, OTHER_SCHOOL_HEAD),
    deny=AGGREGATES_ONLY,
)

TABLE: Mapping[str, Entry] = {
    # --- reports ---------------------------------------------------------------------------
    "home": Entry(("GET",), {"school": EVERY_STAFF}, pupil_level=False),
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
    # --- casework --------------------------------------------------------------------------
    # Read: office roles, DSL and SENCO; write: office roles and DSL. Empty POSTs re-render
    # the page with errors (200) and write nothing. The sample pupils each have a family.
    "casework:caseload": Entry(("GET",), {"school": CASE_PAGE}),
    "casework:pupil": Entry(("GET",), CASE_READ, kwargs=pupil),
    "casework:open": Entry(("POST",), CASE_WRITE, kwargs=pupil),
    "casework:assign": Entry(("POST",), CASE_WRITE, kwargs=pupil),
    "casework:close": Entry(("POST",), CASE_WRITE, kwargs=pupil),
    "casework:note": Entry(("POST",), CASE_WRITE, kwargs=pupil),
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
    # --- penalty notices (rollbook/penalties) ------------------------------------------------
    # --- referrals (rollbook/referrals) ------------------------------------------------------
    # --- privacy (rollbook/privacy) ----------------------------------------------------------
    # --- accounts: two-factor sign-in, audit log (rollbook/accounts) -------------------------
    # --- casework: meetings, plans, contracts, caseloads (rollbook/casework) ------------------
    # --- parent portal (rollbook/portal) -----------------------------------------------------
    # --- comms: campaigns, receipts (rollbook/comms) ------------------------------------------
    # --- reports: governors, half-termly, exports (rollbook/reports) --------------------------
    # --- Common Transfer Files (rollbook/pupils/transfer_views.py) ----------------------------
    # Office only. The export names a pupil; the import page belongs to the user's school.
    # The download is an export of the pupil's data, so it writes an audit row.
    "pupils:ctf_export": Entry(
        ("GET",), {"own": OFFICE_OWN, "other": OFFICE_OTHER}, kwargs=pupil, writes=True
    ),
    # POST without a file: the form is re-rendered with its errors (200), nothing written.
    "pupils:ctf_import": Entry(("GET", "POST"), {"school": OFFICE_PAGE}, pupil_level=False),
    # --- sign in and out -------------------------------------------------------------------
    # Signed-in users are sent on from the sign-in page; signing out ends on the sign-in page.
    "login": Entry(("GET", "POST"), {"school": who(allow=PERSONAS, login=())}, pupil_level=False),
    "logout": Entry(("POST",), {"school": who(login=PERSONAS)}, pupil_level=False),
}
