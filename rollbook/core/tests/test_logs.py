import logging

from rollbook.core.logs import DropSvgStyleWarnings


def record(msg: str, *args) -> logging.LogRecord:
    return logging.LogRecord("weasyprint", logging.WARNING, __file__, 1, msg, args, None)


def test_only_weasyprints_unknown_svg_property_warnings_are_dropped():
    keep = DropSvgStyleWarnings().filter

    assert not keep(
        record("Ignored `%s` at %d:%d, %s.", "stroke: #000000", 1, 1, "unknown property")
    )
    assert keep(record("Ignored `%s` at %d:%d, %s.", "color: nonsense", 1, 1, "invalid value"))
    assert keep(record("Failed to load image at %r: %s", "logo.png", "not found"))


def test_the_filter_is_on_weasyprints_logger(caplog):
    from django.conf import settings

    assert settings.LOGGING["loggers"]["weasyprint"]["filters"] == ["svg_styles"]
    assert logging.getLogger("weasyprint.progress").getEffectiveLevel() == logging.WARNING
