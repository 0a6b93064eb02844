from django.urls import path

from rollbook.admissions import views

app_name = "admissions"

urlpatterns = [
    path("", views.register, name="register"),
    path("cme/", views.cme_list, name="cme_list"),
    path("la-returns/", views.la_returns, name="la_returns"),
    path("la-returns.csv", views.la_returns_csv, name="la_returns_csv"),
    path("pupils/<int:pupil_id>/", views.pupil_page, name="pupil"),
    path("pupils/<int:pupil_id>/la-notified/", views.la_notified, name="la_notified"),
    path("pupils/<int:pupil_id>/deletion/", views.deletion, name="deletion"),
    path("pupils/<int:pupil_id>/ehe/", views.ehe, name="ehe"),
    path("pupils/<int:pupil_id>/cme/open/", views.cme_open, name="cme_open"),
    path("pupils/<int:pupil_id>/cme/enquiry/", views.cme_enquiry, name="cme_enquiry"),
    path("pupils/<int:pupil_id>/cme/close/", views.cme_close, name="cme_close"),
]
