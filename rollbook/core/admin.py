"""Admin: read-only views. Every write goes through actions, so the admin changes nothing."""

from django.contrib import admin

from rollbook.core.models import AuditEvent, School, StaffRole


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = (
        "at",
        "kind",
        "actor",
        "actor_label",
        "school",
        "object_type",
        "object_id",
        "pupil_id",
    )
    list_filter = ("kind", "school")
    search_fields = ("kind", "actor_label", "reason", "object_id")
    date_hierarchy = "at"


@admin.register(School)
class SchoolAdmin(ReadOnlyAdmin):
    list_display = ("urn", "name", "phase", "local_authority")


@admin.register(StaffRole)
class StaffRoleAdmin(ReadOnlyAdmin):
    list_display = ("user", "school", "role")
    list_filter = ("role", "school")
