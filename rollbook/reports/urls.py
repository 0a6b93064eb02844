from django.urls import path

from rollbook.reports import views

urlpatterns = [
    path("", views.home, name="home"),
    path("reports/groups/", views.group_report, name="group_report"),
]
