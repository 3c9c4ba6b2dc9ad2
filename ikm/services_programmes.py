"""Writes of the capacity-building programmes (pelatihan, pendampingan, kurasi, certification assistance).

Diskominfo staff publish a programme (dates, place, quota, target sectors); an owner registers
their shop while it is open (published, not started, their sector, a place left) and may cancel
before it starts; staff record attendance and the outcome. The quota is counted under the
programme's row lock, so two owners taking the last place at once get one place between them.
Keyword-only arguments, full_clean() before save, one transaction each: bad input changes nothing.
"""

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Certification, Programme, ProgrammeRegistration, Shop
from .selectors_programmes import programme_registered_count

PROGRAMME_FIELDS = ("title", "kind", "description", "place", "starts_on", "ends_on", "quota", "sectors", "status")


@transaction.atomic
def programme_save(*, programme: Programme | None = None, user: User | None = None, **fields: Any) -> Programme:
    """Create or change a programme (staff: the admin). A quota below the places already taken is refused."""
    programme = programme or Programme()
    for name, value in fields.items():
        if name not in PROGRAMME_FIELDS:
            raise TypeError(f"unknown programme field {name}")
        setattr(programme, name, value)
    programme.title = (programme.title or "").strip()
    programme.sectors = sorted(set(programme.sectors or []))
    if programme.created_by_id is None and user is not None:
        programme.created_by = user
    programme.full_clean()
    if programme.pk:
        Programme.objects.select_for_update().filter(pk=programme.pk).first()  # the registrations' lock
        taken = programme_registered_count(programme)
        if programme.quota is not None and programme.quota < taken:
            raise ValidationError(
                {"quota": _("Kuota tidak boleh kurang dari %(n)s peserta yang sudah terdaftar.") % {"n": taken}}
            )
    programme.save()
    return programme


def _open_problem(programme: Programme, shop: Shop, today: datetime.date) -> str:
    """Why `shop` may not register for `programme` today ("" when it may); the quota is checked under the lock."""
    if programme.status != Programme.Status.PUBLISHED:
        return _("Program ini tidak dibuka untuk pendaftaran.")
    if programme.starts_on <= today:
        return _("Pendaftaran sudah ditutup: program sudah dimulai.")
    if not programme.is_for_sector(shop.kbli_sector):
        return _("Program ini bukan untuk sektor usaha toko Anda.")
    if shop.status == Shop.Status.SUSPENDED:
        return _("Toko yang ditangguhkan tidak dapat mendaftar program.")
    return ""


@transaction.atomic
def programme_register(
    *, programme: Programme, shop: Shop, today: datetime.date | None = None
) -> ProgrammeRegistration:
    """Register `shop` for `programme` (the owner on "Toko Saya"). Raises ValidationError (Bahasa) when it is
    closed, not for the shop's sector, full, or the shop is already registered."""
    today = today or timezone.localdate()
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    problem = _open_problem(locked, shop, today)
    if problem:
        raise ValidationError(problem)
    registration = ProgrammeRegistration.objects.select_for_update().filter(programme=locked, shop=shop).first()
    if registration is not None and registration.status == ProgrammeRegistration.Status.REGISTERED:
        raise ValidationError(_("Toko Anda sudah terdaftar di program ini."))
    if programme_registered_count(locked) >= locked.quota:
        raise ValidationError(_("Kuota program ini sudah penuh."))
    registration = registration or ProgrammeRegistration(programme=locked, shop=shop)
    registration.status = ProgrammeRegistration.Status.REGISTERED
    registration.registered_at = timezone.now()
    registration.cancelled_at = None
    registration.full_clean(validate_unique=False)  # the row is unique by construction (locked above)
    registration.save()
    return registration


@transaction.atomic
def programme_registration_cancel(
    *, registration: ProgrammeRegistration, today: datetime.date | None = None
) -> ProgrammeRegistration:
    """The owner withdraws before the programme starts; the place goes back to the quota."""
    today = today or timezone.localdate()
    Programme.objects.select_for_update().filter(pk=registration.programme_id).first()
    registration = ProgrammeRegistration.objects.select_related("programme").get(pk=registration.pk)
    if registration.status != ProgrammeRegistration.Status.REGISTERED:
        raise ValidationError(_("Pendaftaran ini sudah dibatalkan."))
    if registration.programme.starts_on <= today:
        raise ValidationError(_("Pendaftaran tidak dapat dibatalkan: program sudah dimulai."))
    registration.status = ProgrammeRegistration.Status.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    return registration


@transaction.atomic
def programme_attendance_record(
    *,
    registration: ProgrammeRegistration,
    attendance: str,
    user: User | None,
    certificate_obtained: str = "",
    capacity_note: str = "",
    notes: str = "",
    today: datetime.date | None = None,
) -> ProgrammeRegistration:
    """Staff record whether the shop attended and what came of it (certificate obtained, capacity change).

    Only for a registration that was not cancelled, once the programme has started; an outcome needs
    the shop to have attended."""
    today = today or timezone.localdate()
    registration = ProgrammeRegistration.objects.select_for_update().select_related("programme").get(pk=registration.pk)
    if registration.status != ProgrammeRegistration.Status.REGISTERED:
        raise ValidationError(_("Pendaftaran yang dibatalkan tidak dapat dicatat kehadirannya."))
    if registration.programme.starts_on > today:
        raise ValidationError(_("Kehadiran dicatat setelah program dimulai."))
    if attendance not in ProgrammeRegistration.Attendance.values:
        raise ValidationError({"attendance": _("Pilihan kehadiran tidak dikenal.")})
    if certificate_obtained and certificate_obtained not in Certification.Kind.values:
        raise ValidationError({"certificate_obtained": _("Jenis sertifikat tidak dikenal.")})
    attended = attendance == ProgrammeRegistration.Attendance.ATTENDED
    if not attended and (certificate_obtained or (capacity_note or "").strip()):
        raise ValidationError(_("Hasil program hanya dicatat untuk peserta yang hadir."))
    registration.attendance = attendance
    registration.certificate_obtained = certificate_obtained
    registration.capacity_note = (capacity_note or "").strip()
    registration.notes = (notes or "").strip()
    registration.recorded_at = timezone.now()
    registration.recorded_by = user
    registration.full_clean(validate_unique=False)
    registration.save()
    return registration
