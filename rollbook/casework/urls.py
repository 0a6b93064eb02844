from django.urls import path

from rollbook.casework import caseload_views, meeting_views, views

app_name = "casework"

urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("pupils/<int:pupil_id>/", views.pupil_case, name="pupil"),
    path("pupils/<int:pupil_id>/open/", views.open_case, name="open"),
    path("pupils/<int:pupil_id>/assign/", views.assign_case, name="assign"),
    path("pupils/<int:pupil_id>/close/", views.close_case, name="close"),
    path("pupils/<int:pupil_id>/notes/", views.add_note, name="note"),
    path("pupils/<int:pupil_id>/barriers/", views.add_barrier, name="barrier"),
    path("pupils/<int:pupil_id>/agencies/", views.add_agency, name="agency"),
    path("pupils/<int:pupil_id>/stage/", views.change_stage, name="stage"),
    path("pupils/<int:pupil_id>/concerns/", views.raise_concern, name="concern"),
    path("pupils/<int:pupil_id>/left-site/", views.left_site, name="left_site"),
    path("families/<int:family_id>/", views.family, name="family"),
    # Meetings, plans and contracts, tasks (keyed by the pupil: see meeting_views).
    path("pupils/<int:pupil_id>/meetings/", meeting_views.pupil_meetings, name="meetings"),
    path("pupils/<int:pupil_id>/meetings/new/", meeting_views.record_meeting, name="meeting_new"),
    path("pupils/<int:pupil_id>/plans/print/", meeting_views.plan_print, name="plan_print"),
    path("pupils/<int:pupil_id>/plans/outcome/", meeting_views.plan_outcome, name="plan_outcome"),
    path("pupils/<int:pupil_id>/tasks/done/", meeting_views.task_done, name="task_done"),
    # Caseloads and the weekly tracker.
    path("mine/", caseload_views.my_caseload, name="mine"),
    path("caseloads/", caseload_views.allocations, name="allocations"),
    path("families/<int:family_id>/allocate/", caseload_views.allocate, name="allocate"),
    path("families/<int:family_id>/hand-back/", caseload_views.hand_back, name="hand_back"),
    path("tracker/", caseload_views.tracker, name="tracker"),
]
