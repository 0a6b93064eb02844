import pytest
from django.contrib.auth import get_user_model

from rollbook.core.models import AuditEvent
from rollbook.core.tests.factories import make_school

pytestmark = pytest.mark.django_db


def test_the_audit_log_is_readable_and_not_editable_in_the_admin(client):
    make_school()
    admin = get_user_model().objects.create_superuser("admin", password="x")
    client.force_login(admin)
    event = AuditEvent.objects.get(kind="school.created")

    assert client.get("/admin/core/auditevent/").status_code == 200
    assert client.get(f"/admin/core/auditevent/{event.pk}/change/").status_code == 200  # view only
    assert (
        client.post(f"/admin/core/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert client.get("/admin/core/auditevent/add/").status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
