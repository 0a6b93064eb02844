from django.apps import AppConfig


class LeaveConfig(AppConfig):
    name = "rollbook.leave"
    label = "leave"
    verbose_name = "Leave of absence and part-time timetables"
