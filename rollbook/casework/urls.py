from django.urls import path

from rollbook.casework import views

app_name = "casework"

urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("pupils/<int:pupil_id>/", views.pupil_case, name="pupil"),
    path("pupils/<int:pupil_id>/open/", views.open_case, name="open"),
    path("pupils/<int:pupil_id>/assign/", views.assign_case, name="assign"),
    path("pupils/<int:pupil_id>/close/", views.close_case, name="close"),
    path("pupils/<int:pupil_id>/notes/", views.add_note, name="note"),
    path("families/<int:family_id>/", views.family, name="family"),
]
