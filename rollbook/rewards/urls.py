from django.urls import path

from rollbook.rewards import sheet_views, views

app_name = "rewards"
urlpatterns = [
    path("", views.league, name="league"),
    path("display/", views.display, name="display"),
    path("trackers/", views.trackers, name="trackers"),
    path("awards/", views.awards, name="awards"),
    path("awards/certificates/", views.certificates, name="certificates"),
    path("awards/record/", views.record, name="record"),
    path("awards/draw/", views.draw, name="draw"),
    path("qualifying/", sheet_views.qualifying_lists, name="qualifying"),
    path("improvers/", sheet_views.improvers, name="improvers"),
    path("assembly/", sheet_views.assembly, name="assembly"),
    path("treats/", sheet_views.treats, name="treats"),
    path("treats/offer/", sheet_views.offer_treat, name="offer_treat"),
    path("booklets/<int:group_id>/", sheet_views.booklet, name="booklet"),
    path("goals/<int:pupil_id>/", sheet_views.goal, name="goal"),
]
