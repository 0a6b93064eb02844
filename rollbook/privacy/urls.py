from django.urls import path

from rollbook.privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.index, name="index"),
    path("pupils/<int:pupil_id>/export/", views.export, name="export"),
    path("retention/", views.retention, name="retention"),
    path("notice/", views.notice, name="notice"),
]
