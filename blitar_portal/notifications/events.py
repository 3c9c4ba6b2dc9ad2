"""Every event the portal notifies about, with its message in Bahasa Indonesia (English through gettext).

A text is short enough for one or two SMS where it can be; `params` is the order of the WhatsApp
template's body parameters ({{1}}, {{2}}, ...), so the approved template on the WhatsApp Business
account must use the same order (docs/notifications.md lists them). `translate` names payload
values that are Bahasa labels to be translated into the recipient's language.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import Topic


@dataclass(frozen=True)
class Event:
    topic: str
    subject: str
    text: str
    params: tuple = ()
    urgent: bool = False  # urgent messages do not wait for quiet hours
    translate: tuple = ()


EVENTS = {
    # --- E-Health ---
    "ehealth_request_received": Event(
        Topic.KESEHATAN,
        _("Permohonan %(code)s diterima sistem"),
        _("Permohonan %(code)s (%(hospital)s, %(date)s) diterima sistem. Lacak: %(url)s"),
        ("code", "hospital", "date", "url"),
        urgent=True,
    ),
    "ehealth_request_accepted": Event(
        Topic.KESEHATAN,
        _("Permohonan %(code)s disetujui"),
        _("Permohonan %(code)s DISETUJUI. Datang %(date)s sekitar %(time)s, nomor antrean %(number)s. %(url)s"),
        ("code", "date", "time", "number", "url"),
        urgent=True,
    ),
    "ehealth_request_rejected": Event(
        Topic.KESEHATAN,
        _("Permohonan %(code)s ditolak"),
        _("Permohonan %(code)s DITOLAK: %(reason)s. %(url)s"),
        ("code", "reason", "url"),
        urgent=True,
    ),
    "ehealth_request_cancelled": Event(
        Topic.KESEHATAN,
        _("Permohonan %(code)s dibatalkan"),
        _("Permohonan %(code)s DIBATALKAN. %(url)s"),
        ("code", "url"),
        urgent=True,
    ),
    "ehealth_request_status": Event(
        Topic.KESEHATAN,
        _("Status permohonan %(code)s: %(status)s"),
        _("Status permohonan %(code)s: %(status)s. %(url)s"),
        ("code", "status", "url"),
        translate=("status",),
    ),
    "ehealth_visit_reminder": Event(
        Topic.KESEHATAN,
        _("Pengingat kunjungan %(code)s besok"),
        _("Pengingat: kunjungan %(code)s di %(hospital)s besok %(date)s sekitar %(time)s. %(url)s"),
        ("code", "hospital", "date", "time", "url"),
    ),
    "ehealth_turn_near": Event(
        Topic.KESEHATAN,
        _("Giliran %(code)s hampir tiba"),
        _("Giliran Anda hampir tiba: nomor %(number)s di %(hospital)s (%(ahead)s orang lagi). Mohon mendekat. %(url)s"),
        ("number", "hospital", "ahead", "url"),
        urgent=True,
    ),
    "ehealth_bed_free": Event(
        Topic.KESEHATAN,
        _("Kabari saya: %(bed_class)s kosong di %(hospital)s"),
        _(
            "%(number)s tempat tidur %(bed_class)s kosong di %(hospital)s: %(url)s "
            "Perpanjang %(hours)s jam: %(renew_url)s Batal: %(cancel_url)s"
        ),
        ("number", "bed_class", "hospital", "url", "hours", "renew_url", "cancel_url"),
        urgent=True,  # a free ICU bed does not wait for quiet hours
        translate=("bed_class",),
    ),
    # --- Bangga Menanam ---
    "tanam_planting_verified": Event(
        Topic.TANAM,
        _("Penanaman Anda diverifikasi"),
        _("Penanaman %(species)s (%(count)s pohon) sudah diverifikasi. Terima kasih! %(url)s"),
        ("species", "count", "url"),
    ),
    "tanam_planting_rejected": Event(
        Topic.TANAM,
        _("Penanaman Anda ditolak"),
        _("Penanaman %(species)s ditolak: %(reason)s. %(url)s"),
        ("species", "reason", "url"),
    ),
    "tanam_recheck_due": Event(
        Topic.TANAM,
        _("Saatnya cek ulang pohon Anda"),
        _("Saatnya cek ulang pohon %(species)s (jadwal %(date)s). Kirim kondisi terbaru: %(url)s"),
        ("species", "date", "url"),
    ),
    # --- 999 IKM ---
    "ikm_shop_verified": Event(
        Topic.IKM,
        _("Toko %(shop)s diverifikasi"),
        _("Toko %(shop)s sudah diverifikasi dan tampil di katalog 999 IKM. %(url)s"),
        ("shop", "url"),
    ),
    "ikm_shop_suspended": Event(
        Topic.IKM,
        _("Toko %(shop)s ditangguhkan"),
        _("Toko %(shop)s ditangguhkan: %(reason)s. %(url)s"),
        ("shop", "reason", "url"),
    ),
    "ikm_shop_rejected": Event(
        Topic.IKM,
        _("Pengajuan toko %(shop)s ditolak"),
        _("Pengajuan toko %(shop)s ditolak: %(reason)s. Perbaiki lalu ajukan lagi: %(url)s"),
        ("shop", "reason", "url"),
    ),
    "ikm_product_verified": Event(
        Topic.IKM,
        _("Produk %(product)s diverifikasi"),
        _("Produk %(product)s (toko %(shop)s) sudah diperiksa Diskominfo dan tetap tampil di katalog. %(url)s"),
        ("product", "shop", "url"),
    ),
    "ikm_product_rejected": Event(
        Topic.IKM,
        _("Produk %(product)s ditolak"),
        _(
            "Produk %(product)s (toko %(shop)s) ditolak dan disembunyikan dari katalog: %(reason)s. "
            "Ubah produk: %(url)s"
        ),
        ("product", "shop", "reason", "url"),
    ),
    "ikm_certificate_expiring": Event(
        Topic.IKM,
        _("Sertifikat %(kind)s berakhir %(date)s"),
        _("Sertifikat %(kind)s %(number)s toko %(shop)s berakhir %(date)s (%(days)s hari lagi). %(url)s"),
        ("kind", "number", "shop", "date", "days", "url"),
        translate=("kind",),
    ),
    "ikm_inquiry_new": Event(
        Topic.IKM,
        _("Permintaan baru: %(product)s"),
        _("Permintaan baru untuk %(product)s dari %(name)s, jumlah %(qty)s. Buka kotak masuk: %(url)s"),
        ("product", "name", "qty", "url"),
    ),
}

# Appended to every message: how to stop (a signed link that works without signing in).
STOP_TEXT = _("Berhenti/atur: %(url)s")
