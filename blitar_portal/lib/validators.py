"""Indonesian identifiers: phone numbers, NIK, NIB, BPJS card numbers.

Each `normalize_*`/`validate_*` raises django.core.exceptions.ValidationError with
a message in Bahasa Indonesia (translated to English when the user chose it).
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_PHONE_CLEAN = re.compile(r"[\s\-().]")


def normalize_phone(value):
    """An Indonesian phone number as 62… digits (08…, +62…, 62… accepted).

    Mobile numbers are 62 8xx with 9–12 digits after 62; landlines (e.g. Blitar
    0342-…) are accepted too so that hospital numbers fit.
    """
    raw = _PHONE_CLEAN.sub("", str(value or ""))
    if raw.startswith("+"):
        raw = raw[1:]
    if not raw.isdigit():
        raise ValidationError(
            _("Nomor telepon hanya boleh berisi angka, spasi, tanda +, atau tanda hubung."), code="phone"
        )
    if raw.startswith("0"):
        raw = "62" + raw[1:]
    if not raw.startswith("62"):
        raise ValidationError(_("Nomor telepon harus diawali 08, 62, atau +62."), code="phone")
    national = raw[2:]
    if national.startswith("0") or not 8 <= len(national) <= 12:
        raise ValidationError(_("Nomor telepon tidak valid: periksa jumlah digitnya."), code="phone")
    return raw


def normalize_mobile(value):
    """Like normalize_phone, but it must be a mobile number (62 8…), e.g. for WhatsApp."""
    phone = normalize_phone(value)
    if not phone.startswith("628") or len(phone) < 11:
        raise ValidationError(_("Masukkan nomor HP/WhatsApp (diawali 08 atau +628)."), code="mobile")
    return phone


@dataclass(frozen=True)
class NikInfo:
    province_code: str
    regency_code: str  # e.g. "3505" for Kabupaten Blitar
    district_code: str
    birth_date: datetime.date
    female: bool

    @property
    def in_kabupaten_blitar(self):
        return self.regency_code == "3505"


def parse_nik(value, *, today=None):
    """Validate the structure of a 16-digit NIK and return what it encodes.

    PPKKCC DDMMYY SSSS: province, regency, kecamatan codes; birth date (women add
    40 to the day); a serial number. Any valid Indonesian region is accepted —
    callers warn, not reject, for NIKs from outside Kabupaten Blitar.
    """
    nik = re.sub(r"\s", "", str(value or ""))
    if not nik.isdigit() or len(nik) != 16:
        raise ValidationError(_("NIK harus terdiri dari 16 digit angka."), code="nik_length")
    province, regency, district = nik[0:2], nik[2:4], nik[4:6]
    if not 11 <= int(province) <= 96 or regency == "00" or district == "00":
        raise ValidationError(_("NIK tidak valid: kode wilayah (6 digit pertama) tidak dikenal."), code="nik_region")
    day, month, year2 = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    female = day > 40
    if female:
        day -= 40
    today = today or datetime.date.today()
    century = 2000 if 2000 + year2 <= today.year else 1900
    try:
        birth = datetime.date(century + year2, month, day)
    except ValueError:
        raise ValidationError(
            _("NIK tidak valid: digit 7–12 bukan tanggal lahir yang benar (perempuan: tanggal + 40)."),
            code="nik_birth",
        ) from None
    if birth > today:
        raise ValidationError(_("NIK tidak valid: tanggal lahir di masa depan."), code="nik_birth")
    if nik[12:16] == "0000":
        raise ValidationError(_("NIK tidak valid: nomor urut tidak boleh 0000."), code="nik_serial")
    return NikInfo(province, province + regency, province + regency + district, birth, female)


def validate_nib(value):
    """NIB (Nomor Induk Berusaha, OSS): 13 digits."""
    if not re.fullmatch(r"\d{13}", str(value or "")):
        raise ValidationError(_("NIB harus terdiri dari 13 digit angka."), code="nib")


def validate_bpjs_number(value):
    """Nomor kartu BPJS Kesehatan / JKN-KIS: 13 digits."""
    if not re.fullmatch(r"\d{13}", str(value or "")):
        raise ValidationError(_("Nomor kartu BPJS harus terdiri dari 13 digit angka."), code="bpjs")
