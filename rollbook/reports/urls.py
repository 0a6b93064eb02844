from django.urls import path

from rollbook.reports import views, weekly_views

urlpatterns = [
    path("", views.home, name="home"),
    path("reports/groups/", views.group_report, name="group_report"),
    path("reports/weekly/", weekly_views.weekly_report_page, name="weekly_report"),
]
