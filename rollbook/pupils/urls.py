from django.urls import path

from rollbook.pupils import views

app_name = "pupils"

urlpatterns = [
    path("", views.pupil_list, name="list"),
    path("<int:pupil_id>/", views.pupil_detail, name="detail"),
    path("<int:pupil_id>/marks/<int:mark_id>/amend/", views.amend_mark, name="amend_mark"),
]
