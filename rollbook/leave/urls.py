from django.urls import path

from rollbook.leave import views

app_name = "leave"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_new, name="new"),
    path("<int:leave_id>/", views.request_detail, name="detail"),
    path("<int:leave_id>/decide/", views.request_decide, name="decide"),
    path("<int:leave_id>/taken/", views.request_taken, name="taken"),
    path("<int:leave_id>/letter.pdf", views.request_letter, name="letter"),
    path("<int:leave_id>/evidence/", views.request_evidence, name="evidence"),
    path("part-time/", views.part_time_list, name="part_time_list"),
    path("part-time/new/", views.part_time_new, name="part_time_new"),
]
