from django.urls import path

from rollbook.accounts.views import audit, staff, two_factor

app_name = "accounts"

urlpatterns = [
    path("two-factor/", two_factor.two_factor, name="two_factor"),
    path("two-factor/recovery-codes/", two_factor.recovery_codes, name="recovery_codes"),
    path(
        "two-factor/recovery-codes.txt",
        two_factor.recovery_codes_download,
        name="recovery_codes_download",
    ),
    path(
        "two-factor/recovery-codes/new/",
        two_factor.make_recovery_codes,
        name="make_recovery_codes",
    ),
    path("two-factor/remove/", two_factor.remove, name="remove_two_factor"),
    path("verify/", two_factor.verify, name="verify"),
    path("staff/", staff.staff, name="staff"),
    path("staff/<int:user_id>/reset-two-factor/", staff.reset_two_factor, name="reset_two_factor"),
    path("audit/", audit.audit_log, name="audit"),
    path("audit/export.csv", audit.audit_export, name="audit_export"),
]
