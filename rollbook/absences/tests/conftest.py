"""The parent portal's test world (Meadow, the Brooks and the Coles), shared with these tests."""

from rollbook.portal.tests.conftest import clock, pw  # noqa: F401  (fixtures)
