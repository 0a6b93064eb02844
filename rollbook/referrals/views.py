"""A pupil's referrals: the list, recording one and closing one with its outcome.

Reads for the casework roles, writes for the office roles and the DSL; social-care
referrals for the DSL only. Errors re-render the page (or, for htmx, its #referrals part)
with status 200; every form also works without JavaScript.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from rollbook.core.access import roles_at
from rollbook.policy.monitoring import active_policy
from rollbook.referrals import access, actions, rules
from rollbook.referrals.forms import CloseForm, RecordForm, SignOffForm
from rollbook.referrals.rules import ReferralError

TEMPLATE = "referrals/pupil_referrals.html"


def _page(request, pupil, *, record_form=None, close_form=None, errors=()) -> HttpResponse:
    school = pupil.school
    safeguarding = access.may_read_safeguarding(request.user, school)
    can_write = access.may_write(request.user, school)
    signoff_role = active_policy(school)[0].statutory.referral_signoff_role
    context = {
        "pupil": pupil,
        "referrals": list(access.referrals_for(request.user, pupil)),
        "can_write": can_write,
        "safeguarding": safeguarding,
        "record_form": record_form
        or RecordForm(safeguarding=safeguarding, initial={"made_on": timezone.localdate()}),
        "close_form": close_form,
        "today": timezone.localdate(),
        "errors": list(errors),
        "may_sign_off": can_write
        and rules.may_sign_off(roles_at(request.user, school), signoff_role),
    }
    partial = bool(request.htmx) and request.method == "POST"
    return render(request, f"{TEMPLATE}#referrals" if partial else TEMPLATE, context)


def _done(request, pupil) -> HttpResponse:
    url = reverse("referrals:pupil", args=[pupil.pk])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@require_GET
def pupil_referrals(request, pupil_id: int) -> HttpResponse:
    return _page(request, access.get_pupil_for_case_reader(request.user, pupil_id))


@require_POST
def record(request, pupil_id: int) -> HttpResponse:
    pupil = access.get_pupil_for_case_writer(request.user, pupil_id)
    safeguarding = access.may_read_safeguarding(request.user, pupil.school)
    form = RecordForm(request.POST, safeguarding=safeguarding)
    if form.is_valid():
        try:
            actions.record_referral(
                actor=request.user, pupil=pupil, safeguarding=safeguarding, **form.cleaned_data
            )
        except ReferralError as error:
            form.add_error(None, str(error))
        else:
            return _done(request, pupil)
    return _page(request, pupil, record_form=form)


@require_POST
def close(request, pupil_id: int) -> HttpResponse:
    pupil = access.get_pupil_for_case_writer(request.user, pupil_id)
    form = CloseForm(request.POST)
    if form.is_valid():
        referral = access.get_referral(request.user, pupil, form.cleaned_data["referral"])
        try:
            actions.close_referral(
                actor=request.user,
                referral=referral,
                outcome=form.cleaned_data["outcome"],
                outcome_on=form.cleaned_data["outcome_on"],
            )
        except ReferralError as error:
            form.add_error(None, str(error))
        else:
            return _done(request, pupil)
    return _page(request, pupil, close_form=form)


@require_POST
def sign_off(request, pupil_id: int) -> HttpResponse:
    """The policy's sign-off role (S000-28) approves a drafted referral."""
    pupil = access.get_pupil_for_case_writer(request.user, pupil_id)
    form = SignOffForm(request.POST)
    if not form.is_valid():
        return _page(request, pupil, errors=["Choose the referral to sign off."])
    referral = access.get_referral(request.user, pupil, form.cleaned_data["referral"])
    try:
        actions.sign_off_referral(actor=request.user, referral=referral)
    except ReferralError as error:
        return _page(request, pupil, errors=[str(error)])
    return _done(request, pupil)
