from django.urls import path

from rollbook.absences import views as office
from rollbook.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/<str:token>/", views.sign_in_link, name="sign_in_link"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("children/<int:pupil_id>/", views.child, name="child"),
    path("messages/", views.message_list, name="messages"),
    path("letters/<int:letter_id>.pdf", views.letter, name="letter"),
    path("report-absence/", views.report_absence, name="report_absence"),
    path("reports/<int:report_id>/", views.report_detail, name="report_detail"),
    path("reports/<int:report_id>/reply/", views.report_reply, name="report_reply"),
    path("leave/new/", views.leave_new, name="leave_new"),
    path("leave/<int:leave_id>/", views.leave_detail, name="leave_detail"),
    path("leave/<int:leave_id>/letter.pdf", views.leave_letter, name="leave_letter"),
    # The office's side: parents' reports inbox (staff pages, office roles; rollbook/absences).
    path("office/reports/", office.inbox, name="inbox"),
    path("office/reports/<int:report_id>/", office.inbox_report, name="inbox_report"),
    path("office/reports/<int:report_id>/accept/", office.inbox_accept, name="inbox_accept"),
    path("office/reports/<int:report_id>/query/", office.inbox_query, name="inbox_query"),
    path("office/reports/<int:report_id>/evidence/", office.inbox_evidence, name="inbox_evidence"),
]
