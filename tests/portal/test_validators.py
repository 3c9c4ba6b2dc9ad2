import datetime

import pytest
from django.core.exceptions import ValidationError

from blitar_portal.lib.geo import parse_point
from blitar_portal.lib.rupiah import format_rupiah
from blitar_portal.lib.validators import (
    normalize_mobile,
    normalize_phone,
    parse_nik,
    validate_bpjs_number,
    validate_nib,
)

TODAY = datetime.date(2026, 11, 28)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("0812-3456-7890", "6281234567890"), ("+62 812 3456 7890", "6281234567890"), ("(0342) 801234", "62342801234")],
)
def test_phone_numbers_are_normalised_to_62(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["12345", "0812abc", "+1 555 0100", "08", "0812345678901234"])
def test_bad_phone_numbers_are_rejected(raw):
    with pytest.raises(ValidationError):
        normalize_phone(raw)


def test_landline_is_not_a_whatsapp_number():
    with pytest.raises(ValidationError, match="HP/WhatsApp"):
        normalize_mobile("0342801234")


def test_nik_of_a_woman_born_in_blitar():
    info = parse_nik("3505124708900003", today=TODAY)  # day 47 = 7 + 40
    assert info.female and info.birth_date == datetime.date(1990, 8, 7)
    assert info.in_kabupaten_blitar


def test_nik_from_outside_the_regency_is_valid_but_flagged():
    info = parse_nik("3578011205850001", today=TODAY)  # Surabaya
    assert not info.in_kabupaten_blitar and not info.female


@pytest.mark.parametrize(
    ("nik", "message"),
    [
        ("350512470890", "16 digit"),
        ("35051247089000ab", "16 digit"),
        ("0005124708900003", "kode wilayah"),
        ("3505123213900003", "tanggal lahir"),
        ("3505127208900003", "tanggal lahir"),
        ("3505123112260003", "masa depan"),
        ("3505124708900000", "nomor urut"),
    ],
)
def test_bad_niks_are_rejected_with_a_reason(nik, message):
    with pytest.raises(ValidationError, match=message):
        parse_nik(nik, today=TODAY)


def test_nib_and_bpjs_have_13_digits():
    validate_nib("1234567890123")
    validate_bpjs_number("0001234567890")
    for bad in ("123", "12345678901234", "123456789012a"):
        with pytest.raises(ValidationError):
            validate_nib(bad)
        with pytest.raises(ValidationError):
            validate_bpjs_number(bad)


def test_rupiah_uses_dots():
    assert format_rupiah(15000) == "Rp 15.000"
    assert format_rupiah(1250000) == "Rp 1.250.000"


def test_points_parse_and_swapped_coordinates_are_caught():
    point = parse_point("-8,1", "112.25")
    assert (point.x, point.y, point.srid) == (112.25, -8.1, 4326)
    for lat, lon, code in [("112.25", "-8.1", "swapped"), ("abc", "112", "nan"), ("95", "200", "range")]:
        with pytest.raises(ValidationError) as error:
            parse_point(lat, lon)
        assert error.value.code == code
