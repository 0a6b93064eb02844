from django.urls import path

from rollbook.policy import views

app_name = "policy"
urlpatterns = [
    path("", views.alert_list, name="alerts"),
    path("<int:alert_id>/decide/", views.alert_decide, name="decide"),
    path("actions/<int:action_id>/done/", views.action_done, name="action_done"),
    path("policy-read/", views.policy_read, name="read"),
    path("pupils/<int:pupil_id>/tiers/", views.pupil_tiers, name="tiers"),
    path("policy/<str:urn>/", views.published_policy, name="published"),
    path("policy/<str:urn>/policy.pdf", views.published_policy_pdf, name="published_pdf"),
]
