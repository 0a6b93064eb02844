"""Bulk coding (office roles). Include with a prefix, e.g. path("bulk-coding/", include(...))."""

from django.urls import path

from rollbook.registers import bulk_views

app_name = "bulk"

urlpatterns = [
    path("", bulk_views.bulk_form, name="form"),
    path("preview/", bulk_views.bulk_preview, name="preview"),
    path("confirm/", bulk_views.bulk_confirm, name="confirm"),
]
