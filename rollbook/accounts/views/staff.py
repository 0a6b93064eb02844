"""Staff sign-in for the administrator: who uses two-factor, and resetting it (a lost phone)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from rollbook.accounts import access, actions, queries
from rollbook.accounts.forms import ReasonForm
from rollbook.core.models import Role


@require_GET
def staff(request: HttpRequest) -> HttpResponse:
    school = access.require_account_admin(request.user)
    required = {Role(r).label for r in settings.TWO_FACTOR_REQUIRED_ROLES}
    rows = [
        {"row": row, "required": bool(required & set(row.roles))}
        for row in queries.staff_sign_in(school)
    ]
    return render(request, "accounts/staff.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
def reset_two_factor(request: HttpRequest, user_id: int) -> HttpResponse:
    school, member = access.get_staff_member_for_admin(request.user, user_id)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.reset_for(
            actor=request.user, school=school, member=member, reason=form.cleaned_data["reason"]
        )
        messages.success(
            request,
            f"Two-factor sign-in for {member.get_username()} is reset. "
            "They set it up again when they next sign in.",
        )
        return redirect("accounts:staff")
    return render(request, "accounts/reset.html", {"form": form, "member": member})
