from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from rollbook.core.models import AuditEvent, School

pytestmark = pytest.mark.django_db


def write(tmp_path, text):
    path = tmp_path / "terms.csv"
    path.write_text(text)
    return str(path)


def create(*args):
    out = StringIO()
    call_command("school", "create", *args, stdout=out)
    return out.getvalue()


def test_creating_a_school_stores_terms_and_reports_school_days(tmp_path):
    terms = write(
        tmp_path,
        "name,start_date,end_date\nAutumn 1,2025-09-03,2025-10-24\nAutumn 2,2025-11-03,2025-12-19\n",
    )

    out = create("--urn", "123456", "--name", "Test School", "--terms", terms)

    school = School.objects.get(urn="123456")
    assert "2 term(s) and 73 school days" in out
    assert [str(t) for t in school.terms.all()] == ["Autumn 1 2025/26", "Autumn 2 2025/26"]
    assert AuditEvent.objects.filter(kind="school.created", school=school).exists()


@pytest.mark.parametrize(
    ("urn", "text", "message"),
    [
        ("12345", "name,start_date,end_date\nA,2025-09-03,2025-10-24\n", "six digits"),
        ("123456", "name,start_date,end_date\nA,2025-09-03,2025-08-24\n", "line 2: term ends"),
        (
            "123456",
            "name,start_date,end_date\nA,2025-09-03,2025-10-24\nB,2025-10-20,2025-12-19\n",
            "overlap",
        ),
        ("123456", "name,start\n", "missing column(s): start_date, end_date"),
        ("123456", "name,start_date,end_date\n", "no terms"),
        (
            "123456",
            "name,start_date,end_date\nA,2025-07-20,2025-08-10\n",
            "crosses the end of the academic year",
        ),
    ],
)
def test_bad_input_creates_nothing(tmp_path, urn, text, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        create("--urn", urn, "--name", "X", "--terms", write(tmp_path, text))

    assert not School.objects.exists()


def test_a_urn_can_only_be_used_once(tmp_path):
    terms = write(tmp_path, "name,start_date,end_date\nA,2025-09-03,2025-10-24\n")
    create("--urn", "123456", "--name", "X", "--terms", terms)

    with pytest.raises(CommandError, match="already exists"):
        create("--urn", "123456", "--name", "Y", "--terms", terms)
