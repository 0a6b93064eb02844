from django.urls import path

from rollbook.penalties import views

app_name = "penalties"

urlpatterns = [
    path("", views.decisions, name="decisions"),
    path("alerts/<int:alert_id>/decide/", views.decide, name="decide"),
    path("pupils/<int:pupil_id>/", views.pupil_notices, name="pupil"),
    path("pupils/<int:pupil_id>/consider/", views.consider, name="consider"),
    path("pupils/<int:pupil_id>/step/", views.step, name="step"),
    path("pupils/<int:pupil_id>/pack.pdf", views.pack_pdf, name="pack_pdf"),
    path("pupils/<int:pupil_id>/pack.csv", views.pack_csv, name="pack_csv"),
]
