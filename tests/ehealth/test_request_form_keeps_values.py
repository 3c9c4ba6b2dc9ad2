"""The booking form after an error: every value is kept and each message stands at its field."""

import re

import pytest

from ehealth.models import ServiceRequest

from .test_requests import form_data

pytestmark = pytest.mark.django_db


def _error_of(html, field):
    match = re.search(rf'<div class="error" id="id_{field}_error">(.*?)</div>', html, re.S)
    return match.group(1) if match else ""


@pytest.mark.parametrize(
    ("field", "value", "message"), [("nik", "0005014101900001", "kode wilayah"), ("phone", "12", "")]
)
def test_a_bad_field_keeps_the_others_and_is_explained_at_the_field(client, service, field, value, message):
    html = client.post("/kesehatan/permohonan/baru/", form_data(service, **{field: value})).content.decode()
    assert not ServiceRequest.objects.exists()
    assert _error_of(html, field) and message in _error_of(html, field)
    assert f'aria-describedby="id_{field}_' in html and 'aria-invalid="true"' in html
    assert 'value="Siti Aminah"' in html and 'value="siti@contoh.id"' in html and "Demam tiga hari." in html
    chosen = form_data(service)["visit_date"]
    assert re.search(rf'<option value="{chosen}"[^>]*selected', html)  # the chosen day stays chosen
    assert re.search(r'<input[^>]*name="consent"[^>]*checked', html)  # the consent stays ticked
