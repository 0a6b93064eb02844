"""The office sets or clears a pupil's "evidence required" flag (S002-68):
/office/pupils/<id>/evidence-required/. Linked from the pupil's profile and the Today card.

While it is set, the office records illness (I) only with the evidence seen, and parents'
illness reports wait for the office to decide between I and O (`absences.rules`).
"""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from rollbook.absences.actions import FollowUpError, set_evidence_required
from rollbook.absences.forms import EvidenceRequiredForm
from rollbook.core.access import get_pupil_for_user, require_office
from rollbook.registers.views import common

TEMPLATE = "registers/evidence_required.html"


@require_http_methods(["GET", "POST"])
def evidence_required(request: common.HtmxHttpRequest, pupil_id: int) -> HttpResponse:
    require_office(request.user)
    pupil = get_pupil_for_user(request.user, pupil_id)
    initial = {"required": "no" if pupil.evidence_required else "yes"}
    form = EvidenceRequiredForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_valid():
        try:
            set_evidence_required(
                actor=request.user,
                pupil=pupil,
                required=form.cleaned_data["required"],
                reason=form.cleaned_data["reason"],
            )
        except FollowUpError as e:
            form.add_error("required", str(e)[:1].upper() + str(e)[1:])
        else:
            state = "needs" if pupil.evidence_required else "no longer needs"
            message = f"{pupil.display_name} {state} evidence for illness"
            return common.saved(request, reverse("pupils:detail", args=[pupil.pk]), message)
    context = {"pupil": pupil, "form": form, "school": pupil.school, "office": True}
    return common.page(request, TEMPLATE, "evidence_form", context)
