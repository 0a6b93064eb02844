"""Recovery codes are kept as keyed hashes; codes made before that are hashed by a migration."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import override_settings
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from hypothesis import given
from hypothesis import strategies as st

from rollbook.accounts.codes import STORED_LENGTH, is_stored_form, stored_form

BASE32 = "abcdefghijklmnopqrstuvwxyz234567"


@given(st.text(alphabet=BASE32, min_size=8, max_size=8))
def test_a_stored_form_fits_django_otps_column_and_is_never_the_code(code):
    stored = stored_form(code)

    assert len(stored) == STORED_LENGTH and is_stored_form(stored)
    assert stored != code and not is_stored_form(code)
    assert stored_form(code) == stored  # the same code always matches


def test_the_stored_form_depends_on_the_secret_key():
    with override_settings(SECRET_KEY="one-key-for-this-test"):
        first = stored_form("abcdefgh")
    with override_settings(SECRET_KEY="another-key-for-this-test"):
        second = stored_form("abcdefgh")

    assert first != second


@pytest.mark.django_db
def test_the_migration_hashes_plain_codes_and_leaves_hashed_ones():
    user = get_user_model().objects.create_user("alice", password="x")
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    StaticToken.objects.create(device=device, token="abcdefgh")  # made before hashing
    StaticToken.objects.create(device=device, token=stored_form("ijklmnop"))
    migration = importlib.import_module("rollbook.accounts.migrations.0001_hash_recovery_codes")

    migration.hash_plain_codes(apps, None)
    migration.hash_plain_codes(apps, None)  # running it again changes nothing

    assert set(StaticToken.objects.values_list("token", flat=True)) == {
        stored_form("abcdefgh"),
        stored_form("ijklmnop"),
    }
    assert device.verify_token(stored_form("abcdefgh"))  # the old code still signs in, once
    assert not device.verify_token(stored_form("abcdefgh"))
