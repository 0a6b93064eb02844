"""Forms for taking registers and the office's pages. They parse and check input; actions write.

Templates render these forms by hand in GOV.UK markup, so each form also says where its
errors are (`error_links`, for the error summary) and, for the register, what each pupil's
row shows (`RegisterForm.rows`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time

from django import forms
from django.utils.functional import cached_property

from rollbook.absences import rules as reasons
from rollbook.absences.models import ContactMethod, ContactOutcome
from rollbook.core.calendar import Session
from rollbook.pupils.models import Pupil
from rollbook.registers import codes, taking
from rollbook.registers.models import Mark, Source
from rollbook.registers.office import AbsentPupil
from rollbook.registers.register_actions import Conflict, Entry

MAX_MINUTES_LATE = 240
LATE_CODES = frozenset({"L", "U"})
SOURCE_TEXT = {
    Source.OFFICE: "Recorded by the office",
    Source.LEAVE_REQUEST: "Approved leave",
    Source.PARENT_REPORT: "Reported by a parent and accepted by the office",
    Source.IMPORT: "Recorded in the school records",
    Source.BULK: "Coded by the office for a group",
    Source.REGISTER: "Recorded by the office",
}


@dataclass(frozen=True)
class ErrorLink:
    text: str
    href: str


@dataclass(frozen=True)
class Choice:
    value: str  # what the radio sends
    label: str
    shortcut: str  # the key register.js listens for


@dataclass(frozen=True)
class RegisterRow:
    """One pupil's line on the register, ready to render."""

    pupil_id: int
    name: str
    locked_text: str  # set when the teacher sees the mark but cannot change it
    source_text: str  # where an existing mark came from, for the office
    choice: str  # "present", "absent", "late", "other" or "" (unmarked)
    code: str  # the office's "another code" select
    minutes: str
    version: int
    error: str = ""
    minutes_error: str = ""
    code_error: str = ""
    conflict: str = ""
    badges: tuple[str, ...] = ()  # "returning today" (set by the register view on GET)

    @property
    def field(self) -> str:
        return f"mark-{self.pupil_id}"

    @property
    def has_error(self) -> bool:
        return bool(self.error or self.minutes_error or self.code_error)


def code_label(code: str, day: date, *, long: bool = False) -> str:
    found = codes.definition(code, day)
    if found is None:
        return code
    return f"{code} \N{EN DASH} {found.meaning if long else found.parent_wording}"


def code_choices(day: date, exclude: Iterable[str] = ()) -> list[tuple[str, str]]:
    """Every code that can be recorded for `day`, in the DfE table's order."""
    skip = set(exclude)
    return [
        (c.code, code_label(c.code, day, long=True))
        for c in codes.CODES
        if c.valid_on(day) and c.code not in skip
    ]


def mark_text(mark: Mark) -> str:
    """ "E.g. "L - Late (before the register closed), 12 minutes late" (with an en dash)."""
    text = code_label(mark.code, mark.date)
    return f"{text}, {mark.minutes_late} minutes late" if mark.minutes_late else text


def error_links(form: forms.Form, anchors: Mapping[str, str] | None = None) -> list[ErrorLink]:
    """The error summary's entries: each error links to its field (or to `anchors[name]`)."""
    anchors = anchors or {}
    links = [
        ErrorLink(str(e), anchors.get("__all__", "#main-content")) for e in form.non_field_errors()
    ]
    for name, errors in form.errors.items():
        if name == "__all__":
            continue
        href = anchors.get(name) or f"#{form[name].auto_id}"
        links += [ErrorLink(str(e), href) for e in errors]
    return links


class RegisterForm(forms.Form):
    """A class's register for one session: one radio group per pupil the user may mark.

    Teachers do not get fields for marks the office set (they are shown, locked). The
    office also gets “another code” with every code valid on the day.
    """

    reason = forms.CharField(required=False, max_length=500, label="Reason for the changes")
    # The office only: what it saw for an M recorded here (S002-69).
    evidence = forms.ChoiceField(
        required=False,
        label="Evidence seen for M",
        choices=[("", "None"), *taking.EVIDENCE_TYPES],
        error_messages={"invalid_choice": "Choose the evidence you saw from the list"},
    )

    def __init__(
        self,
        data=None,
        *,
        pupils: list[Pupil],
        marks: dict[int, Mark],
        day: date,
        session: Session,
        office: bool,
        submitted: bool,
    ):
        super().__init__(data)
        self.pupils, self.marks, self.day, self.session = pupils, marks, day, session
        self.office, self.submitted = office, submitted
        self.present = taking.present_code(session)
        self.conflicts: dict[int, Conflict] = {}
        self.reloaded = False
        self.entries: list[Entry] = []
        for pupil in pupils:
            if not self.locked(pupil.pk):
                self._add_fields(pupil)

    @property
    def choices(self) -> list[Choice]:
        found = [
            Choice("present", f"Present ({self.present})", "/"),
            Choice("absent", "Absent (N)", "n"),
            Choice("late", "Late (L)", "l"),
        ]
        return [*found, Choice("other", "Another code", "")] if self.office else found

    @cached_property
    def code_choices(self) -> list[tuple[str, str]]:
        return [("", "Choose a code"), *code_choices(self.day)]

    def locked(self, pupil_id: int) -> bool:
        mark = self.marks.get(pupil_id)
        if mark is None or self.office:
            return False
        return taking.locked_for_teacher(mark.source) or mark.code not in codes.TEACHER_CODES

    def _add_fields(self, pupil: Pupil) -> None:
        pk, name = pupil.pk, pupil.display_name
        values = [c.value for c in self.choices]
        self.fields[f"mark-{pk}"] = forms.ChoiceField(
            choices=[(v, v) for v in values],
            required=False,
            error_messages={"invalid_choice": f"Choose present, absent or late for {name}"},
        )
        self.fields[f"minutes-{pk}"] = forms.IntegerField(
            required=False,
            min_value=1,
            max_value=MAX_MINUTES_LATE,
            error_messages=dict.fromkeys(
                ("invalid", "min_value", "max_value"),
                f"Minutes late for {name} must be a whole number from 1 to {MAX_MINUTES_LATE}",
            ),
        )
        self.fields[f"version-{pk}"] = forms.IntegerField(required=False, min_value=0)
        if self.office:
            self.fields[f"code-{pk}"] = forms.ChoiceField(
                choices=self.code_choices,
                required=False,
                error_messages={"invalid_choice": f"Choose a code for {name}"},
            )

    def _code(self, pupil: Pupil, choice: str) -> str | None:
        if choice == "other":
            code = self.cleaned_data.get(f"code-{pupil.pk}")
            if not code:
                self.add_error(f"code-{pupil.pk}", f"Choose a code for {pupil.display_name}")
            return code or None
        return {"present": self.present, "absent": "N", "late": "L"}[choice]

    def clean(self):
        data = super().clean()
        all_present = self.data.get("action") == "all_present"
        changed = False
        for pupil in self.pupils:
            pk = pupil.pk
            if self.locked(pk):
                self._check_still_locked(pupil)
                continue
            if any(f"{f}-{pk}" in self.errors for f in ("mark", "code", "minutes")):
                continue
            unmarked = pk not in self.marks
            choice = data.get(f"mark-{pk}") or ("present" if all_present and unmarked else "")
            if not choice:
                if unmarked:
                    self.add_error(
                        f"mark-{pk}", f"Choose present, absent or late for {pupil.display_name}"
                    )
                continue
            code = self._code(pupil, choice)
            if code is None:
                continue
            minutes = data.get(f"minutes-{pk}") if code in LATE_CODES else None
            seen = data.get(f"version-{pk}") or 0
            self.entries.append(Entry(pk, code, minutes, seen))
            mark = self.marks.get(pk)
            if mark and mark.version == seen and (mark.code, mark.minutes_late) != (code, minutes):
                changed = True
        if changed and not data.get("reason", "").strip():
            self.add_error("reason", "Give a reason for changing marks that were already saved")
        self._check_evidence(data)
        return data

    def _check_evidence(self, data) -> None:
        """An M added or changed by the office needs the evidence seen (as the action checks)."""
        if "evidence" in self.errors:
            return
        new = [
            e.code
            for e in self.entries
            if (mark := self.marks.get(e.pupil_id)) is None or mark.code != e.code
        ]
        if problem := taking.evidence_problem(new, data.get("evidence", "")):
            self.add_error("evidence", problem)

    def _check_still_locked(self, pupil: Pupil) -> None:
        """A mark the office set while a teacher had the form open: tell them, do not drop it."""
        mark = self.marks[pupil.pk]
        if f"mark-{pupil.pk}" in self.data and self._posted_version(pupil.pk) != mark.version:
            self.add_error(
                None,
                f"{pupil.display_name}: while you had the register open, the office recorded "
                f"{mark_text(mark)}. Only the office can change it. Check the register and save again.",
            )

    def _posted_version(self, pk: int) -> int:
        raw = self.data.get(f"version-{pk}", "")
        return int(raw) if raw.isdigit() else 0

    @property
    def asks_reason(self) -> bool:
        """Changing a saved mark needs a reason, so show the field when there are any."""
        return self.submitted or any(not self.locked(pk) for pk in self.marks)

    def reload(self, marks: dict[int, Mark], conflicts: list[Conflict]) -> None:
        """After a conflict: show the current marks' versions, so saving again confirms."""
        self.marks, self.reloaded = marks, True
        self.conflicts = {c.pupil_id: c for c in conflicts}

    def _version(self, pk: int) -> int:
        mark = self.marks.get(pk)
        if self.is_bound and not self.reloaded:
            return self._posted_version(pk)
        return mark.version if mark else 0

    def _conflict_text(self, pk: int) -> str:
        conflict = self.conflicts.get(pk)
        if conflict is None:
            return ""
        return (
            f"While you had the register open, someone else recorded "
            f"{code_label(conflict.current_code, self.day)}. You chose "
            f"{code_label(conflict.your_code, self.day)}: save again to keep your choice, or change it."
        )

    def _choice(self, pk: int) -> tuple[str, str, str]:
        """(choice, other code, minutes) as submitted, else as saved."""
        if self.is_bound:
            return (
                self.data.get(f"mark-{pk}", ""),
                self.data.get(f"code-{pk}", ""),
                self.data.get(f"minutes-{pk}", ""),
            )
        mark = self.marks.get(pk)
        if mark is None:
            return "", "", ""
        minutes = str(mark.minutes_late or "")
        simple = {self.present: "present", "N": "absent", "L": "late"}.get(mark.code)
        return (simple, "", minutes) if simple else ("other", mark.code, minutes)

    def rows(self) -> list[RegisterRow]:
        rows = []
        for pupil in self.pupils:
            pk, mark = pupil.pk, self.marks.get(pupil.pk)
            choice, code, minutes = self._choice(pk)
            source = SOURCE_TEXT.get(mark.source, "") if mark else ""
            locked = self.locked(pk)
            rows.append(
                RegisterRow(
                    pupil_id=pk,
                    name=pupil.display_name,
                    locked_text=f"{source}: {mark_text(mark)}" if locked else "",
                    source_text=source if mark and mark.source != Source.REGISTER else "",
                    choice=choice,
                    code=code,
                    minutes=minutes,
                    version=self._version(pk),
                    error=self._first_error(f"mark-{pk}"),
                    minutes_error=self._first_error(f"minutes-{pk}"),
                    code_error=self._first_error(f"code-{pk}"),
                    conflict=self._conflict_text(pk),
                )
            )
        return rows

    def _first_error(self, name: str) -> str:
        errors = self.errors.get(name) if self.is_bound else None
        return str(errors[0]) if errors else ""

    def anchors(self) -> dict[str, str]:
        """Error summary targets: a pupil's radio group links to its first radio."""
        found = {f"mark-{p.pk}": f"#mark-{p.pk}-present" for p in self.pupils}
        found |= {f"minutes-{p.pk}": f"#minutes-{p.pk}" for p in self.pupils}
        found |= {f"code-{p.pk}": f"#code-{p.pk}" for p in self.pupils}
        return found | {"reason": "#reason", "evidence": "#evidence", "__all__": "#pupils"}


class ChaseForm(forms.Form):
    group = forms.IntegerField(min_value=1)
    session = forms.ChoiceField(choices=[(s.value, s.value) for s in Session])


class TodayForm(forms.Form):
    """The Today page's one setting: how long after opening a register counts as missing."""

    grace = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=180,
        label="Minutes after the register opens",
        error_messages=dict.fromkeys(
            ("invalid", "min_value", "max_value"),
            "Enter the minutes as a whole number from 0 to 180",
        ),
    )

    def minutes(self, default: int = 15) -> int:
        if self.is_valid() and self.cleaned_data["grace"] is not None:
            return self.cleaned_data["grace"]
        return default


class ContactAttemptForm(forms.Form):
    contact = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Who")
    method = forms.ChoiceField(
        choices=[("", "Choose how"), *ContactMethod.choices],
        label="How",
        error_messages={"required": "Choose how you tried to make contact"},
    )
    outcome = forms.ChoiceField(
        choices=[("", "Choose what happened"), *ContactOutcome.choices],
        label="What happened",
        error_messages={"required": "Choose what happened"},
    )
    note = forms.CharField(required=False, max_length=1000, label="Note (optional)")

    def __init__(self, data=None, *, card: AbsentPupil):
        super().__init__(data, prefix=f"attempt-{card.pupil_id}")
        self.fields["contact"].choices = [
            ("", "Nobody in particular"),
            *((c.contact_id, f"{c.name} ({c.relationship})") for c in card.contacts),
        ]


class AbsenceReasonForm(forms.Form):
    """Turn today's N into the code for the reason found (one pupil, one or both sessions).

    A never-acceptable reason (S002-70) sets the code by itself; M, and I for a pupil
    flagged "evidence required", need the evidence seen (S002-69, S002-68). The rule is
    `absences.rules.reason_code`; `absences.actions.record_absence_reason` applies it again.
    """

    sessions = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        label="Sessions",
        error_messages={"required": "Choose the morning, the afternoon or both"},
    )
    reason_key = forms.ChoiceField(
        label="Reason that is never authorised (sets O, or G for leave, by itself)",
        required=False,
        choices=[("", "None of these"), *((k, label) for k, label, _ in reasons.NEVER_ACCEPTABLE)],
        error_messages={"invalid_choice": "Choose a reason from the list"},
    )
    code = forms.ChoiceField(label="Code", required=False)
    evidence = forms.ChoiceField(
        label="Evidence seen",
        required=False,
        choices=[("", "None"), *reasons.EVIDENCE_TYPES],
        error_messages={"invalid_choice": "Choose the evidence you saw from the list"},
    )
    reason = forms.CharField(max_length=500, label="Reason", required=False)

    def __init__(self, data=None, *, card: AbsentPupil, day: date):
        super().__init__(data, prefix=f"reason-{card.pupil_id}")
        self.card = card
        self.fields["sessions"].choices = [(m.session.value, m.session_label) for m in card.marks]
        self.fields["sessions"].initial = [m.session.value for m in card.marks]
        self.fields["code"].choices = [("", "Choose a code"), *code_choices(day, exclude={"N"})]
        self.fields["code"].error_messages["invalid_choice"] = "Choose a code from the list"
        for m in card.marks:
            self.fields[f"version-{m.session}"] = forms.IntegerField(
                min_value=1, initial=m.version, widget=forms.HiddenInput
            )

    def clean(self):
        data = super().clean()
        if any(f in self.errors for f in ("code", "reason_key", "evidence")):
            return data
        code, problem = reasons.reason_code(
            code=data.get("code", ""),
            reason_key=data.get("reason_key", ""),
            evidence=data.get("evidence", ""),
            evidence_required=self.card.evidence_required,
        )
        if problem:
            self.add_error(*problem)
        data["code"] = code
        if not data.get("reason", "").strip() and not data.get("reason_key"):
            self.add_error("reason", "Enter the reason and who gave it")
        return data

    def chosen(self) -> list[tuple[int, int]]:
        """(mark id, version seen) for each chosen session."""
        ids = {m.session.value: m.mark_id for m in self.card.marks}
        return [(ids[s], self.cleaned_data[f"version-{s}"]) for s in self.cleaned_data["sessions"]]


class LateSearchForm(forms.Form):
    q = forms.CharField(
        required=False, max_length=100, label="Pupil\N{RIGHT SINGLE QUOTATION MARK}s name or UPN"
    )


class LateSignInForm(forms.Form):
    """One late arrival at reception, for a pupil the view has already fetched."""

    session = forms.ChoiceField(
        choices=[
            (s.value, label) for s, label in ((Session.AM, "Morning"), (Session.PM, "Afternoon"))
        ],
        widget=forms.RadioSelect,
        label="Session",
        error_messages={"required": "Choose the morning or the afternoon"},
    )
    arrived = forms.TimeField(
        label="Arrival time",
        input_formats=["%H:%M", "%H.%M", "%H:%M:%S"],
        error_messages={
            "required": "Enter the arrival time, for example 09:05",
            "invalid": "Enter the arrival time as hours and minutes, for example 09:05",
        },
    )
    reason = forms.CharField(
        max_length=500,
        label="Reason for being late",
        error_messages={"required": "Enter why the pupil was late"},
    )

    def __init__(self, data=None, *, pupil: Pupil, now: datetime):
        self.pupil, self.now = pupil, now.astimezone(taking.LONDON)
        initial = {"session": self.default_session(now), "arrived": f"{self.now:%H:%M}"}
        super().__init__(data, initial=initial)

    def clean_arrived(self) -> time:
        arrived = self.cleaned_data["arrived"]
        if arrived.replace(second=0) > self.now.time().replace(second=0, microsecond=0):
            raise forms.ValidationError("The arrival time cannot be later than now")
        return arrived

    def arrived_at(self) -> datetime:
        return datetime.combine(self.now.date(), self.cleaned_data["arrived"], tzinfo=taking.LONDON)

    @staticmethod
    def default_session(now: datetime, times: taking.RegisterTimes = taking.DEFAULT_TIMES) -> str:
        local = now.astimezone(taking.LONDON)
        return Session.PM if local >= times.opens(local.date(), Session.PM) else Session.AM
