from django.urls import path

from rollbook.comms import views

app_name = "comms"
urlpatterns = [
    path("", views.outbox, name="outbox"),
]
