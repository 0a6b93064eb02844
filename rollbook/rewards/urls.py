from django.urls import path

from rollbook.rewards import views

app_name = "rewards"
urlpatterns = [
    path("", views.league, name="league"),
    path("display/", views.display, name="display"),
    path("trackers/", views.trackers, name="trackers"),
    path("awards/", views.awards, name="awards"),
    path("awards/certificates/", views.certificates, name="certificates"),
    path("awards/record/", views.record, name="record"),
    path("awards/draw/", views.draw, name="draw"),
]
