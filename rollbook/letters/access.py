"""Who may see and change letters: the office roles read and send; the attendance lead, the
head and the administrator edit templates. The role is checked first (403), then the school
(404 for another school's letter, which we do not confirm exists)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from rollbook.core.access import require_office, roles_at
from rollbook.core.models import School
from rollbook.letters import rules
from rollbook.letters.models import Letter, LetterBatch


def require_letter_reader(user) -> School:
    return require_office(user)


def require_template_editor(user) -> School:
    school = require_office(user)
    if not rules.may_edit_templates(roles_at(user, school)):
        raise PermissionDenied("Only the attendance lead and the head can change letter texts.")
    return school


def may_edit_templates(user, school: School) -> bool:
    return rules.may_edit_templates(roles_at(user, school))


def get_letter_for_reader(user, letter_id: int) -> Letter:
    school = require_office(user)
    letter = (
        Letter.objects.filter(pk=letter_id, school=school)
        .select_related("school", "pupil__registration_group", "policy_action", "sent_by")
        .first()
    )
    if letter is None:
        raise Http404("No such letter.")
    return letter


def may_decide(user, letter: Letter) -> bool:
    action_role = letter.policy_action.role if letter.policy_action else ""
    return rules.may_decide(roles_at(user, letter.school), action_role)


def get_letter_for_decider(user, letter_id: int) -> Letter:
    letter = get_letter_for_reader(user, letter_id)
    if not may_decide(user, letter):
        raise PermissionDenied(
            "This letter needs the approval of the role its policy stage names "
            f"({letter.policy_action.get_role_display().lower()}) or the head."
        )
    return letter


def get_batch_for_reader(user, batch_id: int) -> LetterBatch:
    school = require_office(user)
    batch = LetterBatch.objects.filter(pk=batch_id, school=school).first()
    if batch is None:
        raise Http404("No such batch.")
    return batch
