"""Leave requests and part-time timetables for the office; decisions for the authorised role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rollbook.core.access import require_office
from rollbook.core.calendar import academic_year_of
from rollbook.core.downloads import upload_download
from rollbook.leave import rules
from rollbook.leave.access import (
    get_leave_for_decider,
    get_leave_for_office,
    may_decide,
)
from rollbook.leave.actions import (
    LeaveError,
    agree_part_time_timetable,
    create_leave_request,
    decide_leave_request,
    record_leave_taken,
)
from rollbook.leave.forms import DecisionForm, LeaveRequestForm, PartTimeForm, TakenForm
from rollbook.leave.models import Decision, LeaveRequest, PartTimeTimetable
from rollbook.leave.pdf import letter_for, letter_pdf
from rollbook.registers.models import Mark
from rollbook.registers.queries import pupil_tallies
from rollbook.registers.rules import Rate, Tally


@dataclass(frozen=True)
class FiguresRow:
    name: str
    now: Tally
    after: Tally

    @property
    def now_rate(self) -> str:
        return str(Rate(self.now.attendance_rate))

    @property
    def after_rate(self) -> str:
        return str(Rate(self.after.attendance_rate))


def _figures(leave: LeaveRequest, today: date) -> tuple[list[FiguresRow], int]:
    """Each pupil's figures this year, and after the request if every requested session were
    authorised absence (rules.figures_after)."""
    school = leave.school
    pupils = list(leave.pupils.all())
    sessions = rules.sessions_between(
        school.calendar(),
        leave.first_date,
        leave.first_session,
        leave.last_date,
        leave.last_session,
    )
    tallies = pupil_tallies(
        school, date(academic_year_of(today), 8, 1), today, [p.pk for p in pupils]
    )
    marked: dict[int, dict] = {p.pk: {} for p in pupils}
    if sessions:
        for pupil_id, day, session, code in Mark.objects.filter(
            pupil__in=pupils, date__range=(sessions[0][0], sessions[-1][0])
        ).values_list("pupil_id", "date", "session", "code"):
            marked[pupil_id][(day, session)] = code
    rows = []
    for pupil in pupils:
        current = tallies.get(pupil.pk, Tally())
        keys = [(d, s.value) for d, s in sessions]
        # Marks after today are not in the current tally: count them as new sessions.
        replaced = [
            (d, marked[pupil.pk][(d, s)])
            for d, s in keys
            if (d, s) in marked[pupil.pk] and d <= today
        ]
        new = len(keys) - len(replaced)
        rows.append(
            FiguresRow(pupil.display_name, current, rules.figures_after(current, new, replaced))
        )
    return rows, len(sessions)


@require_GET
def request_list(request):
    school = require_office(request.user)
    pending_first = Case(
        When(decision=Decision.PENDING, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    requests = (
        LeaveRequest.objects.filter(school=school)
        .select_related("requested_by")
        .prefetch_related("pupils")
        .order_by(pending_first, "first_date", "id")[:200]
    )
    return render(request, "leave/request_list.html", {"requests": requests})


@require_http_methods(["GET", "POST"])
def request_new(request):
    school = require_office(request.user)
    today = timezone.localdate()
    if request.method == "POST":
        form = LeaveRequestForm(request.POST, school=school)
        if form.is_valid():
            data = form.cleaned_data
            try:
                leave = create_leave_request(
                    actor=request.user,
                    school=school,
                    pupils=data["pupils"],
                    requested_by=data["requested_by"],
                    requested_on=data["requested_on"],
                    first_date=data["first_date"],
                    first_session=data["first_session"],
                    last_date=data["last_date"],
                    last_session=data["last_session"],
                    reason=data["reason"],
                    reason_text=data["reason_text"],
                    evidence=data["evidence"],
                )
            except LeaveError as e:
                form.add_error(None, str(e).capitalize())
            else:
                messages.success(request, "Leave request recorded.")
                return redirect("leave:detail", leave_id=leave.pk)
    else:
        form = LeaveRequestForm(school=school, initial={"requested_on": today})
    return render(request, "leave/request_new.html", {"form": form})


def _detail_context(request, leave, *, decision_form=None, taken_form=None):
    today = timezone.localdate()
    rows, n_sessions = _figures(leave, today)
    return {
        "leave": leave,
        "pupils": list(leave.pupils.all()),
        "rows": rows,
        "n_sessions": n_sessions,
        "may_decide": may_decide(request.user, leave.school),
        "decision_form": decision_form or DecisionForm(reason_category=leave.reason),
        "taken_form": taken_form
        or TakenForm(
            initial={
                "first_date": leave.first_date,
                "first_session": leave.first_session,
                "last_date": leave.last_date,
                "last_session": leave.last_session,
            }
        ),
        "unauthorised_code": rules.unauthorised_code(leave.reason),
    }


@require_GET
def request_detail(request, leave_id: int):
    leave = get_leave_for_office(request.user, leave_id)
    return render(request, "leave/request_detail.html", _detail_context(request, leave))


@require_POST
def request_decide(request, leave_id: int):
    leave = get_leave_for_decider(request.user, leave_id)
    form = DecisionForm(request.POST, reason_category=leave.reason)
    if form.is_valid():
        try:
            decide_leave_request(
                actor=request.user,
                leave=leave,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                exceptional=form.cleaned_data["exceptional"],
                granted=form.granted(),
                on=timezone.localdate(),
            )
        except LeaveError as e:
            form.add_error(None, str(e).capitalize())
        else:
            messages.success(request, f"Decision recorded: {leave.get_decision_display().lower()}.")
            return redirect("leave:detail", leave_id=leave.pk)
    return render(
        request, "leave/request_detail.html", _detail_context(request, leave, decision_form=form)
    )


@require_POST
def request_taken(request, leave_id: int):
    leave = get_leave_for_office(request.user, leave_id)
    form = TakenForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            written = record_leave_taken(
                actor=request.user,
                leave=leave,
                first_date=data["first_date"],
                first_session=data["first_session"],
                last_date=data["last_date"],
                last_session=data["last_session"],
                on=timezone.localdate(),
            )
        except LeaveError as e:
            form.add_error(None, str(e).capitalize())
        else:
            messages.success(
                request, f"{written} sessions coded {rules.unauthorised_code(leave.reason)}."
            )
            return redirect("leave:detail", leave_id=leave.pk)
    return render(
        request, "leave/request_detail.html", _detail_context(request, leave, taken_form=form)
    )


@require_GET
def request_letter(request, leave_id: int):
    leave = get_leave_for_office(request.user, leave_id)
    if not leave.is_decided:
        messages.error(request, "There is no letter until the request has been decided.")
        return redirect("leave:detail", leave_id=leave.pk)
    response = HttpResponse(letter_pdf(letter_for(leave)), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="leave-decision-{leave.pk}.pdf"'
    return response


@require_GET
def request_evidence(request, leave_id: int):
    """A parent's upload from the portal, as a download only (it came from outside)."""
    leave = get_leave_for_office(request.user, leave_id)
    if not leave.evidence_file:
        raise Http404("No file was uploaded with this request.")
    return upload_download(
        leave.evidence_file, leave.evidence_type, f"leave-request-{leave.pk}-evidence"
    )


@require_GET
def part_time_list(request):
    school = require_office(request.user)
    timetables = PartTimeTimetable.objects.filter(school=school).select_related(
        "pupil", "agreed_with"
    )[:200]
    return render(
        request,
        "leave/part_time_list.html",
        {"timetables": timetables, "today": timezone.localdate()},
    )


@require_http_methods(["GET", "POST"])
def part_time_new(request):
    school = require_office(request.user)
    if request.method == "POST":
        form = PartTimeForm(request.POST, school=school)
        if form.is_valid():
            data = form.cleaned_data
            try:
                agree_part_time_timetable(
                    actor=request.user,
                    school=school,
                    pupil=data["pupil"],
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                    sessions=data["sessions"],
                    reason=data["reason"],
                    review_date=data["review_date"],
                    agreed_with=data["agreed_with"],
                    la_informed=data["la_informed"],
                    la_informed_on=data["la_informed_on"],
                    on=timezone.localdate(),
                )
            except LeaveError as e:
                form.add_error(None, str(e).capitalize())
            else:
                messages.success(request, "Part-time timetable recorded and its sessions coded.")
                return redirect("leave:part_time_list")
    else:
        form = PartTimeForm(school=school)
    return render(request, "leave/part_time_new.html", {"form": form})
