from django.urls import path

from rollbook.pupils import import_views, transfer_views, views

app_name = "pupils"

urlpatterns = [
    path("", views.pupil_list, name="list"),
    path("<int:pupil_id>/", views.pupil_detail, name="detail"),
    path("<int:pupil_id>/marks/<int:mark_id>/amend/", views.amend_mark, name="amend_mark"),
    path("<int:pupil_id>/ctf/", transfer_views.ctf_export, name="ctf_export"),
    path("ctf/import/", transfer_views.ctf_import, name="ctf_import"),
    path("import/", import_views.csv_import, name="csv_import"),
    path("import/columns/", import_views.csv_import_map, name="csv_import_map"),
    path("import/runs/<int:run_id>/", import_views.csv_import_run, name="csv_import_run"),
]
