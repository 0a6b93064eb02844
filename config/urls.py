from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from rollbook.api import api

urlpatterns = [
    path("", include("rollbook.reports.urls")),
    path("", include("rollbook.registers.urls")),
    path("pupils/", include("rollbook.pupils.urls")),
    path("alerts/", include("rollbook.policy.urls")),
    path("outbox/", include("rollbook.comms.urls")),
    path("leave/", include("rollbook.leave.urls")),
    path("cases/", include("rollbook.casework.urls")),
    path("rewards/", include("rollbook.rewards.urls")),
    path("bulk-coding/", include("rollbook.registers.bulk_urls")),
    path("letters/", include("rollbook.letters.urls")),
    path("penalties/", include("rollbook.penalties.urls")),
    path("referrals/", include("rollbook.referrals.urls")),
    path("privacy/", include("rollbook.privacy.urls")),
    path("account/", include("rollbook.accounts.urls")),
    path("parents/", include("rollbook.portal.urls")),
    path("admissions/", include("rollbook.admissions.urls")),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="core/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/", api.urls()),
]
