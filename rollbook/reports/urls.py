from django.urls import path

from rollbook.reports import (
    governors_views,
    insight_views,
    review_views,
    trust_views,
    views,
    weekly_views,
)

urlpatterns = [
    path("", views.home, name="home"),
    path("reports/groups/", views.group_report, name="group_report"),
    path("reports/weekly/", weekly_views.weekly_report_page, name="weekly_report"),
    path("reports/governors/", governors_views.governors_report_page, name="governors_report"),
    path(
        "reports/governors/pdf/", governors_views.governors_pdf_status, name="governors_pdf_status"
    ),
    path(
        "reports/governors/pdf/build/",
        governors_views.governors_pdf_request,
        name="governors_pdf_request",
    ),
    path(
        "reports/governors/pdf/download/",
        governors_views.governors_pdf_download,
        name="governors_pdf_download",
    ),
    path("reports/review/", review_views.review_report, name="review_report"),
    path("reports/census/", review_views.census_report, name="census_report"),
    path("reports/trust/", trust_views.trust_dashboard, name="trust_dashboard"),
    path("reports/sen/", insight_views.sen_cohorts_page, name="sen_cohorts"),
    path("reports/watch-list/", insight_views.watch_list_page, name="watch_list"),
    path("reports/reasons/", insight_views.reasons_page, name="absence_reasons"),
    path("reports/lates/", insight_views.late_trend_page, name="late_trend"),
    path("reports/cluster/", insight_views.cluster_export, name="cluster_export"),
    path("reports/pa-risk/", insight_views.pa_risk_page, name="pa_risk"),
    path("reports/classes/", insight_views.class_packs, name="class_packs"),
    path("reports/classes/<int:group_id>/", insight_views.class_pack_page, name="class_pack"),
    path("reports/lates/families/", insight_views.family_lates_page, name="family_lates"),
]
