"""The parent portal (/parents/): sign in by emailed link, each child's attendance, reporting an
absence, asking for leave, messages and letters. Phone first; every page works without JS.

Anonymous visitors are sent to the portal's sign-in page (not the staff one); a signed-in user
who is not a parent gets 403 (`access.require_parent`); another family's child is 404.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required, login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rollbook.absences.actions import FollowUpError, reply_to_absence_report
from rollbook.absences.models import AbsenceReport, ReportStatus
from rollbook.comms.models import Message, Status
from rollbook.core.calendar import academic_year_of
from rollbook.leave.actions import LeaveError
from rollbook.leave.pdf import letter_for, letter_pdf
from rollbook.letters.models import Letter, LetterStatus
from rollbook.letters.pdf import letter_pdf as attendance_letter_pdf
from rollbook.policy.monitoring import active_policy
from rollbook.portal import access, actions, rules
from rollbook.portal.forms import LeaveForm, ReplyForm, ReportForm, SignInForm
from rollbook.pupils.models import Pupil
from rollbook.registers import codes
from rollbook.registers.codes import Stat, stat_of
from rollbook.registers.models import Mark
from rollbook.registers.queries import pupil_tallies
from rollbook.registers.rules import Rate, Tally, enrolment_tally

parent_page = login_required(login_url="portal:sign_in")
RECENT = 10  # absences and lates listed on a child's page
SENT = (Status.SENT, Status.DELIVERED)


def now() -> datetime:
    """The current time. Views read the clock only here (the browser tests pin it here)."""
    return timezone.now()


def _today() -> date:
    return timezone.localdate(now())


def _year_start(today: date) -> date:
    return date(academic_year_of(today), 8, 1)


@dataclass(frozen=True)
class ChildFigures:
    pupil: Pupil
    tally: Tally
    band: rules.BandView | None
    bands: tuple  # the school's bands, to explain what each colour means

    @property
    def rate(self) -> str:
        return str(Rate(self.tally.attendance_rate))

    @property
    def band_class(self) -> str:
        return rules.TAG_CLASS.get(self.band.colour, "govuk-tag--grey") if self.band else ""


def _figures(pupil: Pupil, tally: Tally, bands) -> ChildFigures:
    return ChildFigures(pupil, tally, rules.band_for(tally.attendance_rate, bands), tuple(bands))


def _all_figures(kids: list[Pupil], today: date) -> list[ChildFigures]:
    """This year's figures per child: one tally query and one policy read per school."""
    by_school: dict[int, list[Pupil]] = defaultdict(list)
    for pupil in kids:
        by_school[pupil.school_id].append(pupil)
    tallies: dict[int, Tally] = {}
    bands: dict[int, tuple] = {}
    for pupils in by_school.values():
        school = pupils[0].school
        tallies |= pupil_tallies(school, _year_start(today), today, [p.pk for p in pupils])
        bands[school.pk] = active_policy(school)[0].bands
    return [_figures(p, tallies.get(p.pk, Tally()), bands[p.school_id]) for p in kids]


def _render(request, template: str, account, context: dict, status: int = 200) -> HttpResponse:
    return render(request, f"portal/{template}", {"account": account, **context}, status=status)


# --- Signing in and out -----------------------------------------------------------------------


@login_not_required
@require_http_methods(["GET", "POST"])
def sign_in(request) -> HttpResponse:
    if access.parent_account(request.user) is not None:
        return redirect("portal:home")
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.request_sign_in_link(
            email=form.cleaned_data["email"],
            ip=request.META.get("REMOTE_ADDR"),
            now=now(),
            link_for=lambda token: request.build_absolute_uri(
                reverse("portal:sign_in_link", args=[token])
            ),
        )
        # The same page whether or not the address is known, or the limit was reached.
        return _render(request, "sign_in_sent.html", None, {"email": form.cleaned_data["email"]})
    return _render(request, "sign_in.html", None, {"form": form})


@login_not_required
@require_http_methods(["GET", "POST"])
def sign_in_link(request, token: str) -> HttpResponse:
    """GET only shows a button: mail scanners that open links must not spend them."""
    if request.method == "GET":
        return _render(request, "sign_in_link.html", None, {"token": token})
    account = actions.use_sign_in_link(token=token, now=now())
    if account is None:
        return _render(request, "sign_in_link.html", None, {"token": token, "failed": True})
    login(request, account.user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect("portal:home")


@parent_page
@require_POST
def sign_out(request) -> HttpResponse:
    logout(request)
    messages.success(request, "You have signed out.")
    return redirect("portal:sign_in")


# --- Children ---------------------------------------------------------------------------------


@parent_page
@require_GET
def home(request) -> HttpResponse:
    account = access.require_parent(request.user)
    today = _today()
    kids = list(access.children(account))
    reports = (
        AbsenceReport.objects.filter(pupil__in=kids, last_date__gte=today)
        .exclude(status=ReportStatus.WITHDRAWN)
        .select_related("pupil")
        .order_by("first_date", "pk")
    )
    return _render(
        request,
        "home.html",
        account,
        {
            "figures": _all_figures(kids, today),
            "reports": reports,
            "leave": access.leave_requests(account).order_by("-requested_on", "-pk")[:5],
        },
    )


@dataclass(frozen=True)
class RecentMark:
    day: date
    session: str
    code: str
    wording: str
    minutes_late: int | None


@parent_page
@require_GET
def child(request, pupil_id: int) -> HttpResponse:
    account, pupil = access.get_child(request.user, pupil_id)
    today = _today()
    first = max(_year_start(today), pupil.admission_date)
    marks = list(
        Mark.objects.filter(pupil=pupil, date__range=(first, today))
        .order_by("-date", "-session")
        .values_list("date", "session", "code", "minutes_late")
    )
    tally = enrolment_tally(
        [(d, c) for d, _, c, _ in marks],
        period_start=_year_start(today),
        period_end=today,
        admission=pupil.admission_date,
        leaving=pupil.leaving_date,
    )
    recent = []
    for day, session, code, minutes in marks:
        absent = stat_of(code, day) in (Stat.AUTHORISED, Stat.UNAUTHORISED)
        if absent or code in ("L", "U"):
            definition = codes.definition(code, day)
            wording = definition.parent_wording if definition else code
            recent.append(RecentMark(day, session, code, wording, minutes))
        if len(recent) == RECENT:
            break
    figures = _figures(pupil, tally, active_policy(pupil.school)[0].bands)
    reports = pupil.absence_reports.order_by("-first_date", "-pk")[:10]
    leave = access.leave_requests(account).filter(pupils=pupil).order_by("-requested_on")[:10]
    return _render(
        request,
        "child.html",
        account,
        {"f": figures, "recent": recent, "reports": reports, "leave": leave, "today": today},
    )


@parent_page
@require_GET
def message_list(request) -> HttpResponse:
    account = access.require_parent(request.user)
    sent = (
        Message.objects.filter(contact__in=access.active_contacts(account), status__in=SENT)
        .select_related("school")
        .order_by("-sent_at", "-pk")[:50]
    )
    letters = (
        access.leave_requests(account).exclude(decision="pending").order_by("-decided_on", "-pk")
    )
    return _render(
        request,
        "messages.html",
        account,
        {"sent": sent, "letters": letters, "school_letters": _sent_letters(account)},
    )


def _sent_letters(account):
    """Attendance letters the school sent about the parent's children (never drafts)."""
    return (
        Letter.objects.filter(pupil__in=access.children(account), status=LetterStatus.SENT)
        .select_related("pupil")
        .order_by("-letter_date", "-pk")
    )


@parent_page
@require_GET
def letter(request, letter_id: int) -> HttpResponse:
    account = access.require_parent(request.user)
    found = _sent_letters(account).filter(pk=letter_id).first()
    if found is None:
        raise Http404("No such letter.")
    pdf = bytes(found.pdf) if found.has_pdf else attendance_letter_pdf(found)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="letter-{found.pk}.pdf"'
    return response


# --- Reporting an absence ---------------------------------------------------------------------


@parent_page
@require_http_methods(["GET", "POST"])
def report_absence(request) -> HttpResponse:
    account = access.require_parent(request.user)
    today = _today()
    kids = access.children(account)
    initial = {"first_date": today, "last_date": today}
    form = ReportForm(
        request.POST or None, request.FILES or None, children=kids, today=today, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            reports = actions.report_absence(
                account=account,
                pupils=data["pupils"],
                first_date=data["first_date"],
                first_session=data["first_session"],
                last_date=data["last_date"],
                last_session=data["last_session"],
                reason=data["reason"],
                details=data["details"],
                evidence=data.get("evidence"),
                today=today,
                now=now(),
            )
        except (actions.PortalError, FollowUpError) as e:
            form.add_error(None, str(e))
        else:
            messages.success(
                request,
                "Absence reported. The school office will check it and you will see here "
                "when they have.",
            )
            return redirect("portal:report_detail", report_id=reports[0].pk)
    return _render(request, "report_absence.html", account, {"form": form})


@parent_page
@require_GET
def report_detail(request, report_id: int) -> HttpResponse:
    account, report = access.get_report(request.user, report_id)
    return _render(request, "report_detail.html", account, _report_context(report, ReplyForm()))


def _report_context(report: AbsenceReport, form: ReplyForm) -> dict:
    definition = codes.definition(report.code, report.first_date) if report.code else None
    return {
        "report": report,
        "notes": report.notes.all(),
        "form": form,
        "code_wording": definition.parent_wording if definition else "",
    }


@parent_page
@require_POST
def report_reply(request, report_id: int) -> HttpResponse:
    account, report = access.get_report(request.user, report_id)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            reply_to_absence_report(
                actor=request.user, report=report, text=form.cleaned_data["text"], now=now()
            )
        except FollowUpError as e:
            form.add_error("text", str(e))
        else:
            messages.success(request, "Reply sent to the school office.")
            return redirect("portal:report_detail", report_id=report.pk)
    return _render(request, "report_detail.html", account, _report_context(report, form))


# --- Leave of absence -------------------------------------------------------------------------


@parent_page
@require_http_methods(["GET", "POST"])
def leave_new(request) -> HttpResponse:
    account = access.require_parent(request.user)
    today = _today()
    form = LeaveForm(
        request.POST or None, request.FILES or None, children=access.children(account), today=today
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            leave = actions.request_leave(
                account=account,
                pupils=data["pupils"],
                first_date=data["first_date"],
                last_date=data["last_date"],
                reason=data["reason"],
                reason_text=data["reason_text"],
                evidence=data.get("evidence"),
                today=today,
            )
        except (actions.PortalError, LeaveError) as e:
            form.add_error(None, str(e)[:1].upper() + str(e)[1:])
        else:
            messages.success(request, "Request sent. The school will tell you its decision here.")
            return redirect("portal:leave_detail", leave_id=leave.pk)
    return _render(request, "leave_new.html", account, {"form": form})


@parent_page
@require_GET
def leave_detail(request, leave_id: int) -> HttpResponse:
    account, leave = access.get_leave(request.user, leave_id)
    return _render(request, "leave_detail.html", account, {"leave": leave})


@parent_page
@require_GET
def leave_letter(request, leave_id: int) -> HttpResponse:
    _, leave = access.get_leave(request.user, leave_id)
    if not leave.is_decided:
        return redirect("portal:leave_detail", leave_id=leave.pk)
    response = HttpResponse(letter_pdf(letter_for(leave)), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="leave-decision-{leave.pk}.pdf"'
    return response
