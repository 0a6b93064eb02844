"""Register and office views, one module per page (see each module's docstring)."""

from rollbook.registers.views.evidence import evidence_required
from rollbook.registers.views.late import late_sign_in
from rollbook.registers.views.registers import register_list, register_take
from rollbook.registers.views.today import (
    office_chase,
    office_log_contact,
    office_record_reason,
    office_today,
)

__all__ = [
    "evidence_required",
    "late_sign_in",
    "office_chase",
    "office_log_contact",
    "office_record_reason",
    "office_today",
    "register_list",
    "register_take",
]
