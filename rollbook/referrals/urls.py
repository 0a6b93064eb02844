from django.urls import path

from rollbook.referrals import views

app_name = "referrals"

urlpatterns = [
    path("pupils/<int:pupil_id>/", views.pupil_referrals, name="pupil"),
    path("pupils/<int:pupil_id>/record/", views.record, name="record"),
    path("pupils/<int:pupil_id>/close/", views.close, name="close"),
    path("pupils/<int:pupil_id>/sign-off/", views.sign_off, name="sign_off"),
]
