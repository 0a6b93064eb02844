"""Subject access exports, the retention report and the privacy notice."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from rollbook.core.access import school_for
from rollbook.core.models import School
from rollbook.privacy import rules
from rollbook.privacy.access import (
    get_pupil_for_export,
    may_include_safeguarding,
    may_see_retention,
    require_exporter,
    require_retention_viewer,
)
from rollbook.privacy.actions import PrivacyError, export_subject_access
from rollbook.privacy.collect import collect
from rollbook.privacy.forms import ExportForm
from rollbook.privacy.retention import plan

SEARCH_LIMIT = 50


@require_GET
def index(request):
    """Find a pupil (leavers too) to export; links to the retention report and the notice."""
    school = require_exporter(request.user)
    q = request.GET.get("q", "").strip()[:100]
    pupils = []
    if q:
        pupils = list(
            school.pupils.filter(
                Q(legal_surname__icontains=q)
                | Q(legal_forename__icontains=q)
                | Q(preferred_surname__icontains=q)
                | Q(preferred_forename__icontains=q)
                | Q(upn__iexact=q)
            )
            .select_related("registration_group")
            .order_by("legal_surname", "legal_forename", "pk")[:SEARCH_LIMIT]
        )
    return render(
        request,
        "privacy/index.html",
        {
            "q": q,
            "pupils": pupils,
            "searched": bool(q),
            "may_see_retention": may_see_retention(request.user, school),
        },
    )


@require_http_methods(["GET", "POST"])
def export(request, pupil_id: int):
    pupil = get_pupil_for_export(request.user, pupil_id)
    dsl = may_include_safeguarding(request.user, pupil.school)
    collected = collect(pupil)
    form = ExportForm(
        request.POST if request.method == "POST" else None, may_include_safeguarding=dsl
    )
    if request.method == "POST" and form.is_valid():
        try:
            filename, data = export_subject_access(
                actor=request.user,
                pupil=pupil,
                include_safeguarding=form.wants_safeguarding,
                may_include_safeguarding=dsl,
                request_reference=form.cleaned_data["request_reference"],
            )
        except PrivacyError as e:
            form.add_error(None, str(e))
        else:
            response = HttpResponse(data, content_type="application/zip")
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
    return render(
        request,
        "privacy/export.html",
        {
            "pupil": pupil,
            "form": form,
            "counts": collected.counts(),
            "contacts": len(collected.contacts),
            "audit_count": len(collected.audit),
            "safeguarding_count": collected.safeguarding_count,
            # Only the DSL learns which kinds of safeguarding record exist.
            "safeguarding_counts": collected.safeguarding_counts() if dsl else {},
            "may_include_safeguarding": dsl,
        },
    )


@require_GET
def retention(request):
    """The dry-run report: the same as `rollbook retention` without --apply."""
    school = require_retention_viewer(request.user)
    today = timezone.localdate()
    p = plan(school, today)
    due = list(
        school.pupils.filter(pk__in=p.due_pupils)
        .select_related("registration_group")
        .order_by("leaving_date", "pk")[:200]
    )
    return render(
        request,
        "privacy/retention.html",
        {"report": p.report, "due": due, "due_count": len(p.due_pupils)},
    )


def _notice_school(request) -> School | None:
    school = school_for(request.user)
    if school is not None:
        return school
    urn = request.GET.get("urn", "")
    if urn.isdigit() and len(urn) == 6:
        return School.objects.filter(urn=urn).first()
    schools = list(School.objects.order_by("pk")[:2])
    return schools[0] if len(schools) == 1 else None


@login_not_required
@require_GET
def notice(request):
    """The data-processing notice, for each school to adapt; readable without signing in."""
    return render(
        request,
        "privacy/notice.html",
        {"notice_school": _notice_school(request), "rules": list(rules.RULES.values())},
    )
