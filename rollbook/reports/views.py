from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from django_htmx.middleware import HtmxDetails

from rollbook.core.models import School, StaffRole
from rollbook.reports.queries import school_today


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def school_for(user: AbstractBaseUser | AnonymousUser) -> School | None:
    """The school a signed-in user works at: the school of their first staff role.

    A superuser with no role sees the first school. Users with roles at several schools
    will need a school switcher; until then the earliest role wins.
    """
    role = StaffRole.objects.filter(user_id=user.pk).select_related("school").order_by("id").first()
    if role is not None:
        return role.school
    if getattr(user, "is_superuser", False):
        return School.objects.order_by("name", "id").first()
    return None


@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    school = school_for(request.user)
    if school is None:
        return render(request, "reports/home.html", {"school": None})
    today = timezone.localdate()
    return render(
        request, "reports/home.html", {"school": school, "summary": school_today(school, today)}
    )
