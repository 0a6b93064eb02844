from django.urls import path

from rollbook.policy import views

app_name = "policy"
urlpatterns = [
    path("", views.alert_list, name="alerts"),
    path("<int:alert_id>/decide/", views.alert_decide, name="decide"),
    path("actions/<int:action_id>/done/", views.action_done, name="action_done"),
]
