"""No personal data in logs: the LOGGING filter masks e-mails, phone numbers and NIK-like numbers in every line."""

import io
import logging

import pytest

from blitar_portal.lib.logmask import PersonalDataFilter

LINE = "Kirim ke siti.aminah@contoh.id / 0812-3456-7890, NIK 3505014101900001"


@pytest.fixture
def console():
    """The configured console handler (settings.LOGGING), writing to a buffer for the test."""
    handler = next(h for h in logging.getLogger().handlers if any(isinstance(f, PersonalDataFilter) for f in h.filters))
    buffer = io.StringIO()
    old = handler.setStream(buffer)
    yield buffer
    handler.setStream(old)


def assert_masked(text):
    for secret in ("siti.aminah@", "3456-7890", "3505014101900001"):
        assert secret not in text
    assert "s***@contoh.id" in text and "3505********0001" in text


def test_the_console_handler_masks_personal_data_in_messages_and_arguments(console):
    logging.getLogger("ehealth.services").warning("Gagal: %s (%s)", LINE, {"nik": "3505014101900001"})
    assert_masked(console.getvalue())


def test_tracebacks_are_masked_too(console):
    try:
        raise ValueError(LINE)
    except ValueError:
        logging.getLogger("ikm.tasks").exception("Inquiry e-mail failed")
    output = console.getvalue()
    assert "Traceback" in output
    assert_masked(output)


def test_djangos_own_logger_goes_through_the_filter(console):
    logging.getLogger("django.request").error("Bad request for %s", "siti.aminah@contoh.id 3505014101900001")
    assert "siti.aminah@" not in console.getvalue() and "s***@contoh.id" in console.getvalue()
