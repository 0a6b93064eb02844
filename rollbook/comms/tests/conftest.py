import pytest

from rollbook.comms.channels import FAKE
from rollbook.comms.tests.test_campaigns import school  # noqa: F401 (the campaigns' school)
from rollbook.comms.tests.world import build_world


@pytest.fixture(autouse=True)
def fake_channel():
    FAKE.reset()
    yield FAKE
    FAKE.reset()


@pytest.fixture
def world(db):
    return build_world()
