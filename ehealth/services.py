"""Writes of E-Health: bed counts (by hand or from a feed), feed syncs, service requests, notifications.

Every function is `<entity>_<action>(*, ...)`, keyword-only, validates with
full_clean() and runs in one transaction: nothing is ever saved half-way.
"""

import datetime
import logging
import secrets
import time
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q, QuerySet
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from blitar_portal.lib.queue import enqueue_on_commit
from blitar_portal.lib.validators import (
    normalize_mobile,
    parse_nik,
    validate_bpjs_number,
)

from . import selectors
from .feeds import LAINNYA, FeedError, class_key, load_feed
from .models import (
    BedClass,
    BedCountChange,
    Hospital,
    NotificationOutbox,
    PersonalDataAccessCode,
    Service,
    ServiceRequest,
    SyncRun,
)

logger = logging.getLogger(__name__)

CONSENT_VERSION = "2026-01"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at the desk
CODE_LENGTH = 10  # 32^10 ≈ 1.1e15: not guessable
ACTIVE_STATUSES = (ServiceRequest.Status.DIAJUKAN, ServiceRequest.Status.DITERIMA, ServiceRequest.Status.DILAYANI)

# --- Bed counts ---------------------------------------------------------------------


def hospital_beds_apply(
    *,
    hospital: Hospital,
    classes: Any,
    source: str,
    user: User | None = None,
    sync_run: SyncRun | None = None,
    replace_all: bool = False,
    now: datetime.datetime | None = None,
) -> int:
    """Apply bed counts {(code, room): (capacity, available)} to a hospital in one transaction.

    History rows are written only for numbers that changed, so applying identical
    numbers twice writes nothing new. With replace_all (a feed describes the whole
    hospital) classes missing from `classes` drop to 0/0. Returns the number of
    changed classes. The board cache is invalidated when the transaction commits.
    """
    now = now or timezone.now()
    with transaction.atomic():
        hospital = Hospital.objects.select_for_update().get(pk=hospital.pk)
        existing = {class_key(b.code, b.room_name): b for b in hospital.bed_classes.select_for_update()}
        targets = dict(classes)
        if replace_all:
            for key in existing.keys() - targets.keys():
                targets[key] = (0, 0)
        changes, updated, created = _diff_classes(hospital, existing, targets, now=now)
        BedClass.objects.bulk_update(updated, ["capacity", "available", "updated_at"])
        BedClass.objects.bulk_create(created)
        changed = len(changes)
        changes = [_change(bed, old, source=source, user=user, sync_run=sync_run, now=now) for bed, old in changes]
        BedCountChange.objects.bulk_create(changes)
        hospital.beds_confirmed_at = now
        hospital.save(update_fields=["beds_confirmed_at"])
        transaction.on_commit(selectors.board_cache_invalidate)
    return changed


def _diff_classes(
    hospital: Hospital, existing: Any, targets: Any, *, now: datetime.datetime
) -> tuple[list, list, list]:
    """Validated BedClass rows to update/create and (bed, old numbers) for each change."""
    changes, updated, created = [], [], []
    for key, (capacity, available) in targets.items():
        bed = existing.get(key)
        if bed is not None and (bed.capacity, bed.available) == (capacity, available):
            continue
        old = (bed.capacity, bed.available) if bed else (None, None)
        if bed is None:
            bed = BedClass(hospital=hospital, code=key[0])
            created.append(bed)
        else:
            updated.append(bed)
        bed.room_name = key[1] if key[0] == LAINNYA else ""
        bed.capacity, bed.available, bed.updated_at = capacity, available, now
        # Field checks in Python; the unique and available<=capacity rules are DB constraints,
        # so a sync costs a handful of queries whatever the number of classes.
        bed.full_clean(exclude=["hospital"], validate_unique=False, validate_constraints=False)
        if bed.available > bed.capacity:
            raise ValidationError(_("Tempat tidur tersedia tidak boleh melebihi kapasitas."))
        changes.append((bed, old))
    return changes, updated, created


def _change(
    bed: BedClass, old: Any, *, source: str, user: User | None, sync_run: SyncRun | None, now: datetime.datetime
) -> BedCountChange:
    return BedCountChange(
        hospital_id=bed.hospital_id,
        bed_class=bed,
        code=bed.code,
        room_name=bed.room_name,
        source=source,
        user=user,
        sync_run=sync_run,
        old_capacity=old[0],
        old_available=old[1],
        new_capacity=bed.capacity,
        new_available=bed.available,
        changed_at=now,
    )


def hospital_beds_update_by_staff(*, hospital: Hospital, user: User, counts: Any) -> int:
    """A clerk's quick form: counts = [(code, room_name, capacity, available)]."""
    classes = {}
    for code, room, capacity, available in counts:
        if available > capacity:
            raise ValidationError(_("Tempat tidur tersedia tidak boleh melebihi kapasitas."))
        if code == LAINNYA and not room:
            raise ValidationError(_("Kelas Lainnya wajib diberi nama ruang."))
        classes[class_key(code, room)] = (capacity, available)
    return hospital_beds_apply(hospital=hospital, classes=classes, source=BedCountChange.Source.USER, user=user)


# --- Feed sync ----------------------------------------------------------------------


def hospitals_sync_enqueue(*, hospitals: Iterable[Hospital], trigger: str = "admin") -> None:
    """Queue a feed sync of each hospital (after commit), for a request that must not wait for the
    hospitals' servers. Broker down: the beat's dispatch_due_syncs syncs them when due.
    `manage.py sync_beds` is the synchronous path."""
    from .tasks import sync_hospital

    for hospital in hospitals:
        enqueue_on_commit(sync_hospital, hospital.pk, trigger=trigger)


def hospital_sync(
    *, hospital_id: int, trigger: str = "beat", attempt: int = 1, claimed_at: datetime.datetime | None = None
) -> SyncRun:
    """Fetch, parse, validate and apply one hospital's feed; record a SyncRun and return it.

    A failure leaves the last good numbers in place. When `claimed_at` is given and
    a successful sync already happened after it (a late-acked task delivered twice),
    nothing is fetched and a 'skipped' run is returned.
    """
    hospital = Hospital.objects.get(pk=hospital_id)
    if claimed_at and hospital.last_success_at and hospital.last_success_at >= claimed_at:
        return SyncRun(hospital=hospital, status=SyncRun.Status.SKIPPED, message="already synced")
    run = SyncRun.objects.create(hospital=hospital, trigger=trigger, attempt=attempt)
    started = time.monotonic()
    try:
        if not hospital.has_feed:
            raise FeedError(_("Rumah sakit ini belum memiliki alamat dan format feed."))
        result = load_feed(url=hospital.feed_url, feed_format=hospital.feed_format, token=hospital.feed_token)
        changed = hospital_beds_apply(
            hospital=hospital, classes=result.classes, source=BedCountChange.Source.FEED, sync_run=run, replace_all=True
        )
    except FeedError as exc:
        _sync_finish(run, hospital, started=started, error=exc)
        return run
    message = _("%(rows)s baris, %(changed)s kelas berubah.") % {"rows": result.rows, "changed": changed}
    if result.unknown_codes:
        message += " " + _("Kode kelas tidak dikenal (disimpan sebagai Lainnya): %(codes)s.") % {
            "codes": ", ".join(result.unknown_codes)
        }
    run.rows, run.classes_changed = result.rows, changed
    _sync_finish(run, hospital, started=started, message=message)
    return run


def _sync_finish(
    run: SyncRun, hospital: Hospital, *, started: float, error: FeedError | None = None, message: str = ""
) -> None:
    now = timezone.now()
    run.finished_at = now
    run.duration_ms = int((time.monotonic() - started) * 1000)
    run.status = SyncRun.Status.ERROR if error else SyncRun.Status.OK
    run.message = error.message if error else message
    run.retryable = bool(error and error.retryable)  # type: ignore[attr-defined]  # not stored: read by the task
    run.save()
    fields = {"last_sync_at": now, "last_sync_message": run.message[:2000]}
    if error:
        fields.update(last_sync_status=Hospital.SyncStatus.ERROR, consecutive_failures=F("consecutive_failures") + 1)
    else:
        fields.update(last_sync_status=Hospital.SyncStatus.OK, consecutive_failures=0, last_success_at=now)
    Hospital.objects.filter(pk=hospital.pk).update(**fields)
    if error:
        # Staleness shown on the board depends on failures too.
        transaction.on_commit(selectors.board_cache_invalidate)
        logger.info("Sync of %s failed: %s", hospital.slug, run.message)


def hospitals_claim_due(*, now: datetime.datetime | None = None) -> list:
    """Claim every hospital whose feed is due: returns [(id, claimed_at)].

    The claim moves next_sync_at forward with a conditional UPDATE, so two beat
    ticks (or two beats by mistake) never dispatch the same hospital twice.
    """
    now = now or timezone.now()
    claimed = []
    due = selectors.hospitals_due_for_sync(now=now)
    for hospital_id, interval in due:
        updated = (
            Hospital.objects.filter(pk=hospital_id)
            .filter(Q(next_sync_at__isnull=True) | Q(next_sync_at__lte=now))
            .update(next_sync_at=now + datetime.timedelta(minutes=interval))
        )
        if updated:
            claimed.append((hospital_id, now))
    return claimed


def hospital_save(*, hospital: Hospital, new_token: str = "", clear_token: bool = False) -> Hospital:
    """Save a hospital from the admin; the feed token changes only when a new one is typed (write-only)."""
    if clear_token:
        hospital.feed_token = ""
    elif new_token:
        hospital.feed_token = new_token.strip()
    if hospital.pk:
        # A changed feed is synced at the next beat tick.
        hospital.next_sync_at = None
    hospital.full_clean()
    hospital.save()
    transaction.on_commit(selectors.board_cache_invalidate)
    return hospital


def hospital_delete(*, hospital: Hospital) -> None:
    """Remove a hospital (superusers only; one with service requests is protected): the board follows."""
    with transaction.atomic():
        hospital.delete()
        transaction.on_commit(selectors.board_cache_invalidate)


# --- Service requests ---------------------------------------------------------------


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def service_request_validate(
    *,
    service: Service,
    visit_date: datetime.date,
    nik: str,
    phone: str,
    bpjs_number: str = "",
    today: datetime.date | None = None,
) -> tuple[dict, list]:
    """Validate the citizen's data; returns (normalized dict, warnings). ValidationError(dict) on bad input."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    data: dict[str, Any] = {}
    warnings: list[str] = []
    try:
        info = parse_nik(nik, today=today)
        data["nik"] = "".join(str(nik).split())
        data["nik_outside_regency"] = not info.in_kabupaten_blitar
        if not info.in_kabupaten_blitar:
            warnings.append(_("NIK terdaftar di luar Kabupaten Blitar; permohonan tetap diproses."))
    except ValidationError as exc:
        errors["nik"] = exc.messages
    try:
        data["phone"] = normalize_mobile(phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages
    if bpjs_number:
        try:
            validate_bpjs_number(bpjs_number)
            data["bpjs_number"] = bpjs_number
        except ValidationError as exc:
            errors["bpjs_number"] = exc.messages
    errors.update(_date_errors(service=service, visit_date=visit_date, today=today))
    if errors:
        raise ValidationError(errors)
    return data, warnings


def _date_errors(
    *, service: Service, visit_date: datetime.date, today: datetime.date
) -> dict | dict[str, list] | dict[str, list[str]]:
    if not service.is_active or not service.hospital.is_active:
        return {"service": [_("Layanan ini sedang tidak menerima permohonan.")]}
    if visit_date < today:
        return {"visit_date": [_("Tanggal kunjungan tidak boleh di masa lalu.")]}
    last = today + datetime.timedelta(days=service.hospital.booking_window_days)
    if visit_date > last:
        return {
            "visit_date": [
                _("Tanggal kunjungan paling lambat %(date)s (jendela pendaftaran %(days)s hari).")
                % {"date": last.strftime("%d-%m-%Y"), "days": service.hospital.booking_window_days}
            ]
        }
    return {}


def service_request_create(
    *,
    service: Service,
    visit_date: datetime.date,
    name: str,
    nik: str,
    phone: str,
    complaint: Any,
    consent: bool,
    email: str = "",
    bpjs_number: str = "",
    submit_token: str | None = None,
    today: datetime.date | None = None,
) -> tuple:
    """Create a request with the next queue number of (service, date); returns (request, warnings).

    Concurrency: the Service row is locked while counting and numbering, so two
    submissions never get the same number; a DB unique constraint backs it up.
    A repeated submit_token (double click, retried POST) returns the first request.
    """
    if submit_token:
        existing = ServiceRequest.objects.filter(submit_token=submit_token).first()
        if existing is not None:
            return existing, []
    if not consent:
        raise ValidationError({"consent": [_("Persetujuan pemrosesan data pribadi wajib dicentang.")]})
    name, complaint = " ".join(str(name or "").split()), str(complaint or "").strip()
    required = {}
    if not name:
        required["name"] = [_("Isi nama pasien.")]
    if not complaint:
        required["complaint"] = [_("Tuliskan keluhan singkat.")]
    try:
        data, warnings = service_request_validate(
            service=service, visit_date=visit_date, nik=nik, phone=phone, bpjs_number=bpjs_number, today=today
        )
    except ValidationError as exc:
        raise ValidationError({**exc.message_dict, **required}) from None
    if required:
        raise ValidationError(required)
    try:
        request = _service_request_insert(
            service=service,
            visit_date=visit_date,
            fields={**data, "name": name, "complaint": complaint, "email": email},
            submit_token=submit_token,
        )
    except IntegrityError:
        if submit_token and ServiceRequest.objects.filter(submit_token=submit_token).exists():
            return ServiceRequest.objects.get(submit_token=submit_token), []
        raise
    return request, warnings


def _service_request_insert(
    *, service: Service, visit_date: datetime.date, fields: dict[str, Any], submit_token: str | None
) -> Any:
    with transaction.atomic():
        service = Service.objects.select_for_update().select_related("hospital").get(pk=service.pk)
        day = ServiceRequest.objects.filter(service=service, visit_date=visit_date)
        if day.filter(status__in=ACTIVE_STATUSES + (ServiceRequest.Status.SELESAI,)).count() >= service.daily_quota:
            raise ValidationError(
                {"visit_date": [_("Kuota layanan ini pada tanggal tersebut sudah habis. Pilih tanggal lain.")]}
            )
        number = (day.aggregate(top=Max("queue_number"))["top"] or 0) + 1
        start = datetime.datetime.combine(visit_date, service.opens_at)
        estimate = (start + datetime.timedelta(minutes=service.avg_service_minutes * (number - 1))).time()
        now = timezone.now()
        request = ServiceRequest(
            code=_new_code(),
            hospital=service.hospital,
            service=service,
            visit_date=visit_date,
            queue_number=number,
            estimated_time=estimate,
            consent_version=CONSENT_VERSION,
            consent_at=now,
            submit_token=submit_token or None,
            created_at=now,
            status_changed_at=now,
            **fields,
        )
        request.full_clean()
        request.save()
        _notify(request, _("Permohonan %(code)s diterima sistem") % {"code": request.code})
    return request


# Allowed status changes: from -> set of to.
TRANSITIONS: dict[str, set[str]] = {
    ServiceRequest.Status.DIAJUKAN: {
        ServiceRequest.Status.DITERIMA,
        ServiceRequest.Status.DITOLAK,
        ServiceRequest.Status.DIBATALKAN,
    },
    ServiceRequest.Status.DITERIMA: {
        ServiceRequest.Status.DILAYANI,
        ServiceRequest.Status.DITOLAK,
        ServiceRequest.Status.DIBATALKAN,
        ServiceRequest.Status.TIDAK_HADIR,
    },
    ServiceRequest.Status.DILAYANI: {ServiceRequest.Status.SELESAI},
}


def service_request_set_status(
    *,
    service_request: ServiceRequest,
    status: str,
    reason: str = "",
    now: datetime.datetime | None = None,
    erasure_reason: Any = ServiceRequest.Erasure.CANCELLED,
) -> ServiceRequest:
    """Move a request through the workflow; a rejection needs a reason. Queues a status email.

    The one place a status changes (admin form, admin list actions, citizen cancel, API):
    it stamps status_changed_at and the time field of the new status (STATUS_TIME_FIELDS).
    A cancelled visit will not take place, so its personal data is erased at once (after the
    status email is queued with the address it goes to).
    """
    now = now or timezone.now()
    with transaction.atomic():
        request = ServiceRequest.objects.select_for_update().get(pk=service_request.pk)
        if status == request.status:
            return request
        if status not in TRANSITIONS.get(request.status, set()):
            raise ValidationError(
                _("Status tidak dapat diubah dari %(old)s ke %(new)s.")
                % {"old": request.get_status_display(), "new": ServiceRequest.Status(status).label}
            )
        if status == ServiceRequest.Status.DITOLAK and not reason.strip():
            raise ValidationError({"reject_reason": [_("Alasan penolakan wajib diisi.")]})
        if status == ServiceRequest.Status.TIDAK_HADIR and request.visit_date > timezone.localdate(now):
            raise ValidationError(
                _("Permohonan baru dapat ditandai tidak hadir pada atau setelah tanggal kunjungan (%(date)s).")
                % {"date": request.visit_date.strftime("%d-%m-%Y")}
            )
        request.status = status
        request.reject_reason = reason.strip() if status == ServiceRequest.Status.DITOLAK else ""
        request.status_changed_at = now
        setattr(request, ServiceRequest.STATUS_TIME_FIELDS[status], now)  # type: ignore[index]
        request.full_clean()
        request.save()
        _notify(
            request,
            _("Status permohonan %(code)s: %(status)s")
            % {"code": request.code, "status": request.get_status_display()},
        )
        if status == ServiceRequest.Status.DIBATALKAN:
            _erase(request, reason=erasure_reason, now=now)
    return request


def service_request_cancel(*, service_request: ServiceRequest) -> ServiceRequest:
    """The citizen (holding the booking code) cancels; only before the visit is served."""
    return service_request_set_status(service_request=service_request, status=ServiceRequest.Status.DIBATALKAN)


# --- Personal data: erasure, retention, the citizen's one-time code ----------------------

ACCESS_CODE_MINUTES = 10  # a one-time code is valid this long…
ACCESS_CODE_ATTEMPTS = 5  # …for this many tries
ACCESS_CODES_PER_HOUR = 3  # codes e-mailed for one request per hour (no mail bombing)
_ERASED = {"name": "", "nik": "", "phone": "", "email": "", "bpjs_number": "", "complaint": "", "reject_reason": ""}


def _erase(request: ServiceRequest, *, reason: str, now: datetime.datetime) -> ServiceRequest:
    """Blank the personal fields of a locked request; keep the row (statistics need its dates and status).

    Sent e-mails (they hold the address) and one-time codes go too; an e-mail still waiting
    to be sent stays until sent, and the retention run removes it then.
    """
    if request.personal_data_erased_at:
        return request
    for field, value in _ERASED.items():
        setattr(request, field, value)
    request.personal_data_erased_at = now
    request.erasure_reason = reason
    # submit_token stays: a random value, not personal, and a retried POST must still find this request.
    request.save(update_fields=[*_ERASED, "personal_data_erased_at", "erasure_reason"])
    request.notifications.filter(sent_at__isnull=False).delete()
    request.access_codes.all().delete()
    return request


def service_request_erase_personal_data(
    *, service_request: ServiceRequest, reason: str, now: datetime.datetime | None = None
) -> ServiceRequest:
    """Erase one request's personal data (idempotent); returns the request."""
    now = now or timezone.now()
    with transaction.atomic():
        request = ServiceRequest.objects.select_for_update().get(pk=service_request.pk)
        return _erase(request, reason=reason, now=now)


def service_request_erase_by_citizen(
    *, service_request: ServiceRequest, now: datetime.datetime | None = None
) -> ServiceRequest:
    """The citizen (proven by a one-time code) deletes their data: an open request is cancelled first.

    A request being served cannot be deleted until the hospital finishes it.
    """
    now = now or timezone.now()
    if service_request.status == ServiceRequest.Status.DILAYANI:
        raise ValidationError(
            _("Permohonan sedang dilayani. Data dapat dihapus setelah layanan selesai; hubungi rumah sakit.")
        )
    with transaction.atomic():
        if ServiceRequest.Status.DIBATALKAN in TRANSITIONS.get(service_request.status, set()):
            return service_request_set_status(
                service_request=service_request,
                status=ServiceRequest.Status.DIBATALKAN,
                now=now,
                erasure_reason=ServiceRequest.Erasure.CITIZEN,
            )
        return service_request_erase_personal_data(
            service_request=service_request, reason=ServiceRequest.Erasure.CITIZEN, now=now
        )


def service_requests_erase_expired(*, days: int, now: datetime.datetime | None = None) -> int:
    """Erase the personal data of every request whose visit was `days` or more days ago; returns the count.

    Statistics (dates, status, hospital, service, queue) stay: dashboards count rows, not people.
    """
    now = now or timezone.now()
    cutoff = timezone.localdate(now) - datetime.timedelta(days=days)
    expired = ServiceRequest.objects.filter(visit_date__lte=cutoff, personal_data_erased_at__isnull=True)
    with transaction.atomic():
        NotificationOutbox.objects.filter(service_request__in=expired).delete()
        PersonalDataAccessCode.objects.filter(service_request__in=expired).delete()
        erased = expired.update(
            **_ERASED,
            personal_data_erased_at=now,
            erasure_reason=ServiceRequest.Erasure.RETENTION,
        )
        # E-mails of requests erased earlier (on cancellation), once they went out or gave up.
        NotificationOutbox.objects.filter(service_request__personal_data_erased_at__isnull=False).filter(
            Q(sent_at__isnull=False) | Q(attempts__gte=10)
        ).delete()
    return erased


def sync_runs_purge(*, days: int, now: datetime.datetime | None = None, batch: int = 5000) -> int:
    """Delete sync logs older than `days` days (bed history keeps its rows, with sync_run set to null)."""
    return _purge_in_batches(SyncRun.objects.filter(started_at__lt=_ago(days, now)), batch=batch)


def bed_history_purge(*, days: int, now: datetime.datetime | None = None, batch: int = 5000) -> int:
    """Delete bed count changes older than `days` days (callers keep what the dashboards walk back over)."""
    return _purge_in_batches(BedCountChange.objects.filter(changed_at__lt=_ago(days, now)), batch=batch)


def _ago(days: int, now: datetime.datetime | None) -> Any:
    return (now or timezone.now()) - datetime.timedelta(days=days)


def _purge_in_batches(queryset: QuerySet[Any], *, batch: int) -> int:
    """Delete in short transactions so millions of rows never hold one long lock."""
    total = 0
    while True:
        ids = list(queryset.values_list("pk", flat=True)[:batch])
        if not ids:
            return total
        with transaction.atomic():
            queryset.model.objects.filter(pk__in=ids).delete()
        total += len(ids)


def _code_hash(request: ServiceRequest, code: str) -> str:
    return salted_hmac("ehealth.personal-data-code", f"{request.pk}:{code}").hexdigest()


def personal_data_code_send(
    *, service_request: ServiceRequest, now: datetime.datetime | None = None
) -> datetime.datetime:
    """E-mail a 6-digit one-time code to the address the citizen gave; replaces earlier codes.

    ValidationError when the data is already erased, there is no e-mail address, too many
    codes were asked for, or the e-mail cannot be sent (nothing is kept then).
    """
    from django.template.loader import render_to_string

    now = now or timezone.now()
    if service_request.personal_data_erased_at:
        raise ValidationError(_("Data pribadi permohonan ini sudah dihapus."))
    if not service_request.email:
        raise ValidationError(_("Permohonan ini tidak mencantumkan email, jadi kode tidak dapat dikirim."))
    recent = service_request.access_codes.filter(created_at__gte=now - datetime.timedelta(hours=1)).count()
    if recent >= ACCESS_CODES_PER_HOUR:
        raise ValidationError(_("Terlalu banyak kode diminta. Coba lagi satu jam lagi."))
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        service_request.access_codes.filter(used_at__isnull=True).update(used_at=now)
        PersonalDataAccessCode.objects.create(
            service_request=service_request,
            code_hash=_code_hash(service_request, code),
            created_at=now,
            expires_at=now + datetime.timedelta(minutes=ACCESS_CODE_MINUTES),
        )
        body = render_to_string(
            "ehealth/emails/access_code.txt",
            {"request": service_request, "code": code, "minutes": ACCESS_CODE_MINUTES},
        )
        try:
            send_mail(
                _("Kode akses data permohonan %(code)s") % {"code": service_request.code},
                body,
                None,
                [service_request.email],
            )
        except Exception as exc:  # noqa: BLE001 - any mail failure: the code is not kept, the citizen retries
            logger.warning("Access code e-mail for request %s failed: %s", service_request.pk, exc)
            transaction.set_rollback(True)
            raise ValidationError(_("Email tidak dapat dikirim sekarang. Coba lagi nanti.")) from None
    return now + datetime.timedelta(minutes=ACCESS_CODE_MINUTES)


def personal_data_code_verify(
    *, service_request: ServiceRequest, code: str, now: datetime.datetime | None = None
) -> bool:
    """Check a one-time code: True once (the code is used up); ValidationError with what to do otherwise."""
    now = now or timezone.now()
    with transaction.atomic():
        current = (
            service_request.access_codes.select_for_update()
            .filter(used_at__isnull=True, expires_at__gt=now, attempts__lt=ACCESS_CODE_ATTEMPTS)
            .first()
        )
        if current is not None:
            current.attempts += 1
            matched = constant_time_compare(current.code_hash, _code_hash(service_request, str(code).strip()))
            if matched:
                current.used_at = now
            current.save(update_fields=["attempts", "used_at"])
    if current is None:
        raise ValidationError(_("Kode sudah kedaluwarsa atau terlalu sering salah. Minta kode baru."))
    if not matched:
        left = ACCESS_CODE_ATTEMPTS - current.attempts
        if left <= 0:
            raise ValidationError(_("Kode salah terlalu sering. Minta kode baru."))
        raise ValidationError(_("Kode salah. Sisa percobaan: %(n)s.") % {"n": left})
    return True


# --- Notifications (outbox) ----------------------------------------------------------


def _notify(request: ServiceRequest, subject: str) -> NotificationOutbox | None:
    """Write an outbox row in the caller's transaction; enqueue sending after commit."""
    if not request.email:
        return None
    from django.template.loader import render_to_string

    body = render_to_string("ehealth/emails/status.txt", {"request": request, "site_url": selectors.site_url()})
    outbox = NotificationOutbox.objects.create(
        service_request=request, to_email=request.email, subject=str(subject)[:200], body=body
    )
    from .tasks import send_notification

    enqueue_on_commit(send_notification, outbox.pk)  # broker down: the row stays pending for the sweep
    return outbox


def notification_send(*, outbox_id: int) -> bool:
    """Send one outbox email once (idempotent: a sent row is never sent again)."""
    with transaction.atomic():
        outbox = NotificationOutbox.objects.select_for_update(skip_locked=True).filter(pk=outbox_id).first()
        if outbox is None or outbox.sent_at:
            return False
        try:
            send_mail(outbox.subject, outbox.body, None, [outbox.to_email])
        except Exception as exc:  # noqa: BLE001 - SMTP errors are recorded and retried by the sweep
            outbox.attempts += 1
            outbox.last_error = str(exc)[:500]
            outbox.save(update_fields=["attempts", "last_error"])
            return False
        outbox.sent_at = timezone.now()
        outbox.attempts += 1
        outbox.save(update_fields=["sent_at", "attempts"])
    return True


def notifications_send_pending(*, limit: int = 200) -> int:
    """The beat sweep: send what is still pending (e.g. queued while Redis was down)."""
    sent = 0
    for outbox_id in selectors.pending_notification_ids(limit=limit):
        sent += notification_send(outbox_id=outbox_id)
    return sent
