from django.urls import path

from rollbook.letters import views

app_name = "letters"

urlpatterns = [
    path("", views.letter_list, name="list"),
    path("<int:letter_id>/", views.letter_detail, name="detail"),
    path("<int:letter_id>/pdf/", views.letter_pdf, name="pdf"),
    path("<int:letter_id>/sent/", views.letter_send, name="send"),
    path("<int:letter_id>/withdraw/", views.letter_withdraw, name="withdraw"),
    path("<int:letter_id>/signatory/", views.letter_signatory, name="signatory"),
    path("batches/", views.batch_create, name="batch_create"),
    path("batches/termly/", views.termly_create, name="termly_create"),
    path("class/", views.class_letter, name="class_letter"),
    path("batches/<int:batch_id>/", views.batch_detail, name="batch"),
    path("batches/<int:batch_id>/to-print.pdf", views.batch_combined, name="batch_combined"),
    path("batches/<int:batch_id>/families.zip", views.batch_families, name="batch_families"),
    path("templates/", views.template_list, name="templates"),
    path("templates/<slug:key>/", views.template_edit, name="template_edit"),
]
