import pytest

from rollbook.reports.tests import builders


@pytest.fixture
def oakfield(db) -> builders.Oakfield:
    return builders.oakfield()


@pytest.fixture
def office(oakfield):
    """An attendance officer at Oakfield."""
    return builders.staff(oakfield.school)
