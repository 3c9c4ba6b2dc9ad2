"""blitar_portal.lib.masking: the one place personal values are masked (pages, admin, logs)."""

from blitar_portal.lib.masking import (
    mask_bpjs,
    mask_email,
    mask_log_text,
    mask_name,
    mask_nik,
    mask_phone,
    mask_text,
)


def test_masks_hide_personal_data():
    assert mask_nik("3505124708900003") == "3505********0003"
    assert mask_name("Siti Aminah") == "S*** A*****"
    assert mask_bpjs("0001234567890") == "*********7890"
    assert mask_phone("6281234567890") == "6281*******90"
    assert mask_email("siti.aminah@gmail.com") == "s***@gmail.com"
    assert mask_text("Nyeri dada") == "••••••" and mask_text("") == ""


def test_empty_values_stay_empty():
    assert mask_nik("") == mask_bpjs("") == mask_phone("") == mask_email("") == mask_name("") == ""


def test_log_text_masks_emails_phones_and_nik_like_numbers():
    line = "kirim ke siti@contoh.id, HP 0812-3456-7890 / +62 812 3456 7890, NIK 3505014101900001, BPJS 0001234567890"
    masked = mask_log_text(line)
    for secret in ("siti@", "3456-7890", "3456 7890", "3505014101900001", "0001234567890"):
        assert secret not in masked
    assert "s***@contoh.id" in masked and "3505********0001" in masked


def test_log_text_keeps_ordinary_numbers():
    line = "Sync of rsud-wlingi: 12 baris, 3 kelas berubah in 250 ms (HTTP 503), id 1234567, in 0.2149000003016s"
    assert mask_log_text(line) == line
