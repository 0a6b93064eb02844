from django.urls import path

from rollbook.comms import views

app_name = "comms"
urlpatterns = [
    path("", views.outbox, name="outbox"),
    path("cancel/", views.cancel, name="cancel"),
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/decide/", views.campaign_decide, name="campaign_decide"),
    path("templates/", views.templates, name="templates"),
    path("reusable-text/", views.text_blocks, name="text_blocks"),
    path("recognition/", views.recognition_page, name="recognition"),
    path("requests/", views.requests_inbox, name="requests"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/reply/", views.request_reply, name="request_reply"),
    path("public/", views.public_texts, name="public_texts"),
    path("receipts/notify/", views.notify_receipt, name="notify_receipt"),
]
