"""Every POST form of the project, fuzzed with hypothesis: no 500s and no partial writes.

The world is the authorisation matrix's (two schools, twelve personas; built once for the
module). For each URL that accepts POST, as a persona the matrix allows to post, hypothesis
sends form data made of the form's own field names (read from the page when it has a GET,
from the matrix's sample data, and from every Django form class) plus junk names, with
random text, unicode, huge, empty, numeric, date-like and other-school id values, single or
repeated, with and without the htmx header. Checks on every request:
  * no 5xx (the test client re-raises a view's exception, so a 500 fails with its traceback);
  * a request the view rejects (4xx, or the page again with an error summary) wrote nothing.
Examples are few per URL and derandomised, so the run is quick and repeatable.
"""

from __future__ import annotations

import re
from functools import cache

import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rollbook.core.tests import matrix
from rollbook.core.tests.test_authorisation_matrix import (  # noqa: F401 (world: a fixture)
    World,
    outcome,
    snapshot,
    world,
)

# Who posts: the first persona in this order the matrix allows (the superuser last, as it
# skips some role checks).
PREFERENCE = (
    matrix.HEAD,
    matrix.OFFICE,
    matrix.ATTENDANCE_LEAD,
    matrix.DSL,
    matrix.TEACHER_OWN,
    matrix.SENCO,
    matrix.ADMIN,
    *((matrix.PARENT,) if hasattr(matrix, "PARENT") else ()),
    matrix.ANONYMOUS,
)
# Outcomes of the matrix's minimal POST that mean "this persona may post here": the view
# answered (ALLOW), refused the data (BAD), or wants its own token (TOKEN: a webhook).
MAY_POST = (matrix.ALLOW, matrix.BAD, matrix.TOKEN)
NAME = re.compile(r'<(?:input|select|textarea|button)\b[^>]*\bname="([^"{}]+)"')
FORM = re.compile(r'<form\b[^>]*?action="([^"]*)"[^>]*>(.*?)</form>', re.DOTALL)
ERROR_SUMMARY = b"govuk-error-summary"
JUNK_VALUES = (
    "",
    " ",
    "0",
    "-1",
    "1.5",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "2026-02-30",
    "2026-11-23",
    "23/11/2026",
    "0000-00-00",
    "AM",
    "PM",
    "/",
    "\\",
    "#",
    "N",
    "on",
    "true",
    "None",
    "null",
    "[]",
    "{}",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "\x00",
    "\u202e\u0645\u0631\u062d\u0628\u0627",
    "\U0001f600" * 10,
)


def post_cases() -> list[tuple[str, str, str]]:
    """(URL name, variant, persona) for every URL accepting POST with an allowed persona."""
    cases = []
    for name, entry in matrix.TABLE.items():
        if "POST" not in entry.methods:
            continue
        for variant in ("own", "school"):
            if variant not in entry.variants:
                continue
            allowed = [p for p in PREFERENCE if entry.expected(variant, "POST", p) in MAY_POST]
            if allowed:
                cases.append((name, variant, allowed[0]))
                break
    return cases


@cache
def form_class_fields() -> tuple[str, ...]:
    """Field names of every Django form class in the project (and prefixed formset names)."""
    names: set[str] = set()
    stack = [forms.Form, forms.ModelForm]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("rollbook."):
            names.update(getattr(cls, "base_fields", {}))
    return tuple(sorted(names))


def _family(name: str) -> str:
    """'casework' for casework:note; 'office' for office_log_contact (no namespace)."""
    return name.rpartition(":")[0] or name.partition("_")[0]


def field_names(client: Client, built: World, name: str, variant: str) -> list[str]:
    """The form's field names: from its own page, or else from a page of the same app
    (taking the same URL arguments, or none) holding a form that posts to it."""
    entry, side = matrix.TABLE[name], built.side(variant)
    url = reverse(name, kwargs=entry.kwargs(side))
    found = list(entry.data(side))
    if "GET" in entry.methods:
        response = client.get(url, entry.query(side))
        if response.get("Content-Type", "").startswith("text/html"):
            found += NAME.findall(response.content.decode())
    else:
        pages = [
            n
            for n, e in matrix.TABLE.items()
            if "GET" in e.methods
            and _family(n) == _family(name)
            and (e.kwargs is entry.kwargs or not e.kwargs(side))
        ]
        for page in pages[:4]:
            page_entry = matrix.TABLE[page]
            response = client.get(
                reverse(page, kwargs=page_entry.kwargs(side)), page_entry.query(side)
            )
            html = response.content.decode(errors="replace")
            names = [
                n
                for target, body in FORM.findall(html)
                if target == url
                for n in NAME.findall(body)
            ]
            if names:
                found += names
                break
    found = [n for n in dict.fromkeys(found) if n != "csrfmiddlewaretoken"]
    return found or list(form_class_fields())


def ids(built: World) -> list[str]:
    """Real ids of both schools' objects: valid-looking values a form must still check."""
    values = []
    for side in (built.own, built.other):
        values += [str(side.pupil.pk), str(side.group.pk), str(side.mark.pk), str(side.alert.pk)]
    return values


def form_data(names: list[str], real_ids: list[str]):
    text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
    value = st.one_of(
        st.sampled_from(JUNK_VALUES),
        text,
        st.integers(-(2**63), 2**63).map(str),
        st.sampled_from(real_ids),
        st.just("x" * 5000),
    )
    values = st.one_of(value, st.lists(value, min_size=2, max_size=3))
    key = st.one_of(
        st.sampled_from(names),
        st.sampled_from(form_class_fields() or ("x",)),
        st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12),
    )
    return st.dictionaries(key, values, max_size=8)


CASES = post_cases()


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "variant", "persona"), CASES, ids=[c[0] for c in CASES])
def test_posting_junk_never_errors_and_a_rejected_post_writes_nothing(
    world,  # noqa: F811 (the matrix's module fixture, imported above)
    name,
    variant,
    persona,
):
    entry, side = matrix.TABLE[name], world.side(variant)
    client = Client()
    if persona != matrix.ANONYMOUS:
        client.force_login(world.users[persona])
    url = reverse(name, kwargs=entry.kwargs(side))
    names = field_names(client, world, name, variant)

    @settings(
        max_examples=5,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(data=form_data(names, ids(world)), htmx=st.booleans())
    def post(data, htmx):
        before = snapshot()
        headers = {"HX-Request": "true"} if htmx else {}
        response = client.post(url, data, headers=headers)
        assert response.status_code < 500, f"{name}: HTTP {response.status_code} for {data!r}"
        rejected = response.status_code >= 400 or (
            response.status_code == 200 and ERROR_SUMMARY in response.content
        )
        if rejected:
            assert snapshot() == before, f"{name}: a rejected POST wrote rows: {data!r}"
        assert outcome(response) != matrix.LOGIN or persona == matrix.ANONYMOUS

    post()


def test_every_url_accepting_post_is_fuzzed():
    """Left out only: URLs where every POST ends at sign-in or a 404 (signing out, the API root)."""
    left_out = [
        name
        for name, entry in matrix.TABLE.items()
        if "POST" in entry.methods and name not in {c[0] for c in CASES}
    ]
    for name in left_out:
        entry = matrix.TABLE[name]
        outcomes = {entry.expected(v, "POST", p) for v in entry.variants for p in matrix.PERSONAS}
        assert outcomes <= {matrix.LOGIN, matrix.HIDE}, f"{name} is not fuzzed: {outcomes}"
