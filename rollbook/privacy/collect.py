"""Everything Rollbook holds about one pupil, found by walking Django's model registry.

No list of models is kept here: every model with a ForeignKey, OneToOneField or
ManyToManyField to `Pupil` is found at run time, so a model another app adds later is part
of every export without a change here (`test_collect.py` checks that none is missed). Rows
that hang off those rows without naming the pupil themselves (a mark's revisions, a
message's delivery events) are followed one level down. The pupil's parents and carers come
through `PupilContact`.

Safeguarding material is kept apart: a row is safeguarding when its model says so
(`privacy_safeguarding = True` on the model, or a `privacy_is_safeguarding()` method), when it
has a true boolean field named `safeguarding` (e.g. `CaseNote`), or when one of its choice
fields holds a value in SAFEGUARDING_VALUES (e.g. a referral to children's social care).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models.fields.files import FieldFile

from rollbook.core.models import AuditEvent
from rollbook.pupils.models import Contact, Pupil, PupilContact

# Choice values that mark a row as safeguarding material wherever they appear.
SAFEGUARDING_VALUES = frozenset(
    {"social_care", "childrens_social_care", "children_social_care", "safeguarding", "mash"}
)
# Fields never exported: they say nothing about the pupil and some are secrets.
SKIPPED_FIELDS = frozenset({"password", "dedupe_key", "provider_id", "token", "secret"})


@dataclass(frozen=True)
class Link:
    """A relation from `model` to the pupil: `model.<field>` is a FK / one-to-one / M2M."""

    model: type[models.Model]
    field: str
    many: bool

    @property
    def label(self) -> str:
        return self.model._meta.label


def _relations_to(target: type[models.Model]) -> list[Link]:
    found = []
    for model in apps.get_models():
        for f in model._meta.get_fields():
            if not f.is_relation or f.auto_created or f.related_model is not target:
                continue
            if f.many_to_many:
                through = f.remote_field.through
                if not through._meta.auto_created:
                    continue  # an explicit through model (PupilContact) is found by its FKs
                found.append(Link(model, f.name, True))
            elif f.many_to_one or f.one_to_one:
                found.append(Link(model, f.name, False))
    return found


def pupil_links() -> list[Link]:
    """Every relation of every installed model to Pupil."""
    return _relations_to(Pupil)


def pupil_models() -> list[type[models.Model]]:
    """Every model holding rows about a pupil (each once, in registry order)."""
    return list(dict.fromkeys(link.model for link in pupil_links()))


def child_links(parents: list[type[models.Model]]) -> list[Link]:
    """FKs to the pupil's rows from models that do not name the pupil themselves."""
    direct = set(parents) | {Pupil, Contact}
    found = []
    for parent in parents:
        for link in _relations_to(parent):
            if link.model not in direct and not link.many:
                found.append(link)
    return found


def is_safeguarding(obj: models.Model) -> bool:
    model = type(obj)
    if getattr(model, "privacy_safeguarding", False):
        return True
    check = getattr(obj, "privacy_is_safeguarding", None)
    if callable(check) and check():
        return True
    for f in model._meta.concrete_fields:
        value = getattr(obj, f.attname)
        if f.name == "safeguarding" and isinstance(f, models.BooleanField) and value:
            return True
        if f.choices and isinstance(value, str) and value in SAFEGUARDING_VALUES:
            return True
    return False


def audit_is_safeguarding(event: AuditEvent, safeguarding_objects: set[tuple[str, str]]) -> bool:
    """An audit row about a safeguarding row (its existence is safeguarding material too)."""
    data = event.data if isinstance(event.data, dict) else {}
    return (
        event.kind.startswith("safeguarding")
        or data.get("safeguarding") is True
        or (event.object_type, event.object_id) in safeguarding_objects
    )


def _plain(value):
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, memoryview):  # BinaryField on PostgreSQL
        value = bytes(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, FieldFile):  # an upload: its stored name (the file is listed, not inlined)
        return value.name or ""
    return value


def row(obj: models.Model) -> dict:
    """A row as JSON-ready values: concrete fields (foreign keys as ids), choice labels, M2M ids."""
    out: dict = {"id": obj.pk}
    for f in type(obj)._meta.concrete_fields:
        if f.primary_key or f.name in SKIPPED_FIELDS:
            continue
        value = getattr(obj, f.attname)
        out[f.attname] = _plain(value)
        if f.choices and value not in (None, ""):
            out[f"{f.name}_label"] = str(getattr(obj, f"get_{f.name}_display")())
        user_fk = f.is_relation and f.related_model is not None
        if user_fk and f.related_model._meta.label == settings.AUTH_USER_MODEL and value:
            user = getattr(obj, f.name)
            out[f"{f.name}_name"] = user.get_full_name() or user.get_username()
    for f in type(obj)._meta.many_to_many:
        out[f.name] = sorted(getattr(obj, f.name).values_list("pk", flat=True))
    return out


@dataclass
class Collected:
    """One pupil's data, split into what is exported and the safeguarding rows."""

    pupil: Pupil
    contacts: list[dict] = field(default_factory=list)
    records: dict[str, list[dict]] = field(default_factory=dict)  # model label -> rows
    safeguarding: dict[str, list[dict]] = field(default_factory=dict)
    audit: list[dict] = field(default_factory=list)
    safeguarding_audit: list[dict] = field(default_factory=list)

    @property
    def safeguarding_count(self) -> int:
        return sum(len(rows) for rows in self.safeguarding.values()) + len(self.safeguarding_audit)

    def counts(self) -> dict[str, int]:
        return {label: len(rows) for label, rows in sorted(self.records.items()) if rows}

    def safeguarding_counts(self) -> dict[str, int]:
        counts = {label: len(rows) for label, rows in sorted(self.safeguarding.items()) if rows}
        if self.safeguarding_audit:
            counts["core.AuditEvent"] = len(self.safeguarding_audit)
        return counts


def _rows_for(link: Link, pupil: Pupil) -> Iterator[models.Model]:
    manager = link.model._default_manager
    if link.many:
        qs = manager.filter(**{link.field: pupil})
    else:
        qs = manager.filter(**{f"{link.field}_id": pupil.pk})
    return qs.order_by("pk").distinct().iterator(chunk_size=2000)


def collect(pupil: Pupil) -> Collected:
    """Everything held about `pupil`; the caller decides whether to export the safeguarding part."""
    out = Collected(pupil=pupil)
    by_model: dict[type[models.Model], dict[int, models.Model]] = {}
    for link in pupil_links():
        rows = by_model.setdefault(link.model, {})
        for obj in _rows_for(link, pupil):
            rows.setdefault(obj.pk, obj)
    for link in child_links(list(by_model)):
        parent_model = link.model._meta.get_field(link.field).related_model
        ids = list(by_model.get(parent_model, {}))
        rows = by_model.setdefault(link.model, {})
        if ids:
            for obj in link.model._default_manager.filter(**{f"{link.field}_id__in": ids}):
                rows.setdefault(obj.pk, obj)
    safeguarding_objects: set[tuple[str, str]] = set()
    safeguarding_parents: set[tuple[type, int]] = set()
    for model, rows in by_model.items():
        label = model._meta.label
        for obj in rows.values():
            parent_hidden = any(
                (f.related_model, getattr(obj, f.attname)) in safeguarding_parents
                for f in model._meta.concrete_fields
                if f.many_to_one
            )
            if is_safeguarding(obj) or parent_hidden:
                out.safeguarding.setdefault(label, []).append(row(obj))
                safeguarding_objects.add((model.__name__, str(obj.pk)))
                safeguarding_parents.add((model, obj.pk))
            else:
                out.records.setdefault(label, []).append(row(obj))
    links = PupilContact.objects.filter(pupil=pupil).select_related("contact").order_by("priority")
    for link in links:
        contact = row(link.contact)
        contact["relationship"] = link.relationship
        contact["parental_responsibility"] = link.parental_responsibility
        contact["lives_with_pupil"] = link.lives_with_pupil
        contact["priority"] = link.priority
        out.contacts.append(contact)
    for event in AuditEvent.objects.filter(pupil_id=pupil.pk).order_by("at", "pk"):
        target = (
            out.safeguarding_audit
            if audit_is_safeguarding(event, safeguarding_objects)
            else out.audit
        )
        target.append(row(event))
    return out
