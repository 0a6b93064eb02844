from django.urls import path

from rollbook.comms import views

app_name = "comms"
urlpatterns = [
    path("", views.outbox, name="outbox"),
    path("cancel/", views.cancel, name="cancel"),
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/decide/", views.campaign_decide, name="campaign_decide"),
    path("templates/", views.templates, name="templates"),
    path("receipts/notify/", views.notify_receipt, name="notify_receipt"),
]
