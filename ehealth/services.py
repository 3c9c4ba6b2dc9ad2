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

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import CharField, F, Max, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from blitar_portal.lib.queue import enqueue_on_commit
from blitar_portal.lib.validators import (
    normalize_mobile,
    parse_nik,
    validate_bpjs_number,
)
from blitar_portal.notifications import services as notification_services
from blitar_portal.notifications.models import Contact, Notification

from . import selectors, slots
from .feeds import LAINNYA, FeedError, class_key, load_feed
from .feeds.auth import FeedAuth
from .models import (
    BedAlert,
    BedAlertSent,
    BedClass,
    BedCountChange,
    FreshSpan,
    Hospital,
    PersonalDataAccessCode,
    Service,
    ServiceDay,
    ServiceRequest,
    ServiceSchedule,
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
    genders: dict | None = None,
    igd: dict[str, Any] | None = None,
    now: datetime.datetime | None = None,
) -> int:
    """Apply bed counts {(code, room): (capacity, available)} to a hospital in one transaction.

    History rows are written only for numbers that changed, so applying identical
    numbers twice writes nothing new. With replace_all (a feed describes the whole
    hospital) classes missing from `classes` drop to 0/0. `genders` {(code, room):
    (male, female, either)} is what a feed says of the available beds by sex (classes it
    does not mention show none); `igd` {"capacity", "available", "waiting"} the emergency
    room where the source carries it. Returns the number of changed classes. The numbers
    are confirmed (fresh) from `now`; the board cache is invalidated on commit.
    """
    now = now or timezone.now()
    with transaction.atomic():
        hospital = Hospital.objects.select_for_update().get(pk=hospital.pk)
        existing = {class_key(b.code, b.room_name): b for b in hospital.bed_classes.select_for_update()}
        free_before = selectors.free_beds_by_class(existing.values())
        targets = dict(classes)
        if replace_all:
            for key in existing.keys() - targets.keys():
                targets[key] = (0, 0)
        changes, updated, created = _diff_classes(hospital, existing, targets, now=now)
        if genders is not None:
            _apply_genders(existing, created, updated, genders)
        BedClass.objects.bulk_update(
            updated, ["capacity", "available", "available_male", "available_female", "available_either", "updated_at"]
        )
        BedClass.objects.bulk_create(created)
        changed = len(changes)
        changes = [_change(bed, old, source=source, user=user, sync_run=sync_run, now=now) for bed, old in changes]
        BedCountChange.objects.bulk_create(changes)
        fields = ["beds_confirmed_at"]
        if igd is not None:
            fields += _set_igd(hospital, igd)
        hospital.beds_confirmed_at = now
        hospital.save(update_fields=fields)
        _mark_fresh(hospital, now=now)
        if changed:
            free_after = selectors.free_beds_by_class([*existing.values(), *created])
            bed_alerts_notify(hospital=hospital, free_before=free_before, free_after=free_after, now=now)
        transaction.on_commit(selectors.board_cache_invalidate)
    return changed


def _apply_genders(existing: dict, created: list[BedClass], updated: list[BedClass], genders: dict) -> None:
    touched = {id(bed) for bed in updated}
    for bed in [*created, *existing.values()]:
        male, female, either = genders.get(class_key(bed.code, bed.room_name), (None, None, None))
        if (bed.available_male, bed.available_female, bed.available_either) != (male, female, either):
            bed.available_male, bed.available_female, bed.available_either = male, female, either
            if bed.pk and id(bed) not in touched:
                updated.append(bed)
                touched.add(id(bed))


def _set_igd(hospital: Hospital, igd: dict[str, Any]) -> list[str]:
    """Validated IGD numbers onto the locked hospital; returns the fields to save."""
    capacity, available, waiting = igd.get("capacity"), igd.get("available"), igd.get("waiting")
    for value in (capacity, available, waiting):
        if value is not None and (not isinstance(value, int) or value < 0):
            raise ValidationError(_("Angka IGD harus bilangan bulat tidak negatif."))
    if capacity is not None and available is not None and available > capacity:
        raise ValidationError(_("Tempat tidur IGD kosong tidak boleh melebihi jumlah tempat tidur IGD."))
    hospital.igd_capacity, hospital.igd_available, hospital.igd_waiting = capacity, available, waiting
    return ["igd_capacity", "igd_available", "igd_waiting"]


def _mark_fresh(hospital: Hospital, *, now: datetime.datetime) -> None:
    """Record that the numbers are fresh from `now` until the staleness rule turns them stale.

    Extends the open FreshSpan (confirmed again before going stale) or starts a new one.
    """
    ends = now + datetime.timedelta(minutes=hospital.stale_after_minutes)
    span = FreshSpan.objects.filter(hospital=hospital).order_by("-ends_at").first()
    if span is not None and span.ends_at >= now:
        if ends > span.ends_at:
            FreshSpan.objects.filter(pk=span.pk).update(ends_at=ends)
        return
    FreshSpan.objects.create(hospital=hospital, started_at=now, ends_at=ends)


def hospital_beds_confirm(*, hospital: Hospital, user: User, now: datetime.datetime | None = None) -> Hospital:
    """A clerk says "angka masih benar": the numbers as they stand are confirmed (fresh) from now.

    Nothing changes in the numbers or their history; the board's age restarts.
    """
    now = now or timezone.now()
    with transaction.atomic():
        hospital = Hospital.objects.select_for_update().get(pk=hospital.pk)
        hospital.beds_confirmed_at = now
        hospital.save(update_fields=["beds_confirmed_at"])
        _mark_fresh(hospital, now=now)
        transaction.on_commit(selectors.board_cache_invalidate)
    logger.info("Bed numbers of %s confirmed unchanged by user %s", hospital.slug, getattr(user, "pk", None))
    return hospital


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


def hospital_beds_update_by_staff(
    *, hospital: Hospital, user: User, counts: Any, igd: dict[str, Any] | None = None
) -> int:
    """A clerk's quick form: counts = [(code, room_name, capacity, available)]; igd as in hospital_beds_apply.

    Classes the clerk leaves out keep their numbers (the form lists them all anyway).
    """
    classes = {}
    for code, room, capacity, available in counts:
        if available > capacity:
            raise ValidationError(_("Tempat tidur tersedia tidak boleh melebihi kapasitas."))
        if code == LAINNYA and not room:
            raise ValidationError(_("Kelas Lainnya wajib diberi nama ruang."))
        classes[class_key(code, room)] = (capacity, available)
    return hospital_beds_apply(
        hospital=hospital, classes=classes, source=BedCountChange.Source.USER, user=user, igd=igd
    )


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
        result = load_feed(
            url=hospital.feed_url, feed_format=hospital.feed_format, auth=FeedAuth.for_hospital(hospital)
        )
        changed = hospital_beds_apply(
            hospital=hospital,
            classes=result.classes,
            source=BedCountChange.Source.FEED,
            sync_run=run,
            replace_all=True,
            genders=result.genders,
            igd=result.igd,
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
        Hospital.objects.filter(pk=hospital.pk, feed_failing_since__isnull=True).update(
            feed_failing_since=run.started_at
        )
    else:
        fields.update(
            last_sync_status=Hospital.SyncStatus.OK,
            consecutive_failures=0,
            last_success_at=now,
            feed_failing_since=None,
        )
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


CREDENTIAL_FIELDS = ("feed_token", "feed_user", "feed_secret", "feed_user_key", "feed_token_url")


def hospital_save(
    *, hospital: Hospital, new_token: str = "", clear_token: bool = False, credentials: dict[str, str] | None = None
) -> Hospital:
    """Save a hospital from the admin; a credential changes only when a new one is typed (write-only).

    credentials = {model field: new plain value} (CREDENTIAL_FIELDS); clear_token blanks them all
    first. They are stored encrypted (EncryptedTextField). A SATUSEHAT token cached for the old
    credentials is simply never asked for again (its cache key hashes them).
    """
    if clear_token:
        for name in CREDENTIAL_FIELDS:
            setattr(hospital, name, "")
    credentials = dict(credentials or {})
    if new_token:
        credentials.setdefault("feed_token", new_token)
    for name, value in credentials.items():
        if name not in CREDENTIAL_FIELDS:
            raise ValueError(name)
        if value:
            setattr(hospital, name, str(value).strip())
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


# --- Services: doctor schedules and quotas ------------------------------------------


def service_save(*, service: Service) -> Service:
    """Save a service from the admin (quota, pace, active)."""
    service.full_clean()
    service.save()
    return service


def service_schedule_save(*, schedule: ServiceSchedule) -> ServiceSchedule:
    """Save one doctor session of a service (admin inline)."""
    schedule.full_clean()
    schedule.save()
    return schedule


def service_schedule_delete(*, schedule: ServiceSchedule) -> None:
    schedule.delete()


def service_schedule_set(*, service: Service, sessions: Iterable[tuple]) -> list[ServiceSchedule]:
    """Replace a service's doctor schedule with [(weekday, starts_at, ends_at, doctor_name)] (demo, tests)."""
    with transaction.atomic():
        service.schedules.all().delete()
        rows = [
            ServiceSchedule(service=service, weekday=w, starts_at=start, ends_at=end, doctor_name=doctor)
            for w, start, end, doctor in sessions
        ]
        for row in rows:
            row.full_clean()
        ServiceSchedule.objects.bulk_create(rows)
    return rows


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
    now: datetime.datetime | None = None,
) -> tuple[dict, list]:
    """THE rule for a valid request: the citizen's data and the slot (`slots.slot_problem`).

    Returns (normalized dict, warnings); ValidationError(dict) on bad input. `now` (aware)
    decides "today" and whether today's sessions have ended; `today` alone (older callers)
    means that day at the current time of day.
    """
    now = _validation_now(now, today)
    today = timezone.localdate(now)
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
    problem = slots.slot_problem(
        service=service,
        day=visit_date,
        now_local=timezone.localtime(now),
        sessions=selectors.service_sessions(service, visit_date),
        booked=selectors.service_day_booked(service, visit_date),
    )
    if problem:
        errors[problem[0]] = [problem[1]]
    if errors:
        raise ValidationError(errors)
    return data, warnings


def _validation_now(now: datetime.datetime | None, today: datetime.date | None) -> datetime.datetime:
    if now is not None:
        return now
    current = timezone.now()
    if today is None or today == timezone.localdate(current):
        return current
    return timezone.make_aware(datetime.datetime.combine(today, timezone.localtime(current).time()))


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
    whatsapp: str = "",
    notify_channels: Iterable[str] = (),
    now: datetime.datetime | None = None,
    user: Any = None,
) -> tuple:
    """Create a request with the next queue number of (service, date); returns (request, warnings).

    `user`: the signed-in citizen the request belongs to ("Permohonan saya"), or None.
    Concurrency: the (service, date) counter row (`ServiceDay`) is locked while counting the
    quota and numbering, so concurrent submissions never exceed the quota nor share a number;
    a DB unique constraint backs the numbers up.
    A repeated submit_token (double click, retried POST) returns the first request.
    `notify_channels` ("whatsapp", "sms"): what the citizen agreed to in this form, for the
    `whatsapp` number (the phone when blank); a given e-mail gets status e-mails, as the form says.
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
            service=service,
            visit_date=visit_date,
            nik=nik,
            phone=phone,
            bpjs_number=bpjs_number,
            today=today,
            now=now,
        )
    except ValidationError as exc:
        raise ValidationError({**exc.message_dict, **required}) from None
    if notify_channels:
        try:
            whatsapp = notification_services.e164(whatsapp or data["phone"])
        except ValidationError as exc:
            required["whatsapp"] = exc.messages
    if required:
        raise ValidationError(required)
    try:
        request = _service_request_insert(
            service=service,
            visit_date=visit_date,
            fields={**data, "name": name, "complaint": complaint, "email": email, "user": _owner(user)},
            submit_token=submit_token,
            contact={"phone": whatsapp if notify_channels else "", "email": email, "consents": notify_channels},
            now=_validation_now(now, today),
        )
    except IntegrityError:
        if submit_token and ServiceRequest.objects.filter(submit_token=submit_token).exists():
            return ServiceRequest.objects.get(submit_token=submit_token), []
        raise
    return request, warnings


def _owner(user: Any) -> Any:
    return user if user is not None and user.is_authenticated else None


def _service_request_insert(
    *,
    service: Service,
    visit_date: datetime.date,
    fields: dict[str, Any],
    submit_token: str | None,
    contact: dict[str, Any],
    now: datetime.datetime,
) -> ServiceRequest:
    with transaction.atomic():
        service = Service.objects.select_related("hospital").get(pk=service.pk)
        ServiceDay.objects.bulk_create([ServiceDay(service=service, date=visit_date)], ignore_conflicts=True)
        counter = ServiceDay.objects.select_for_update().get(service=service, date=visit_date)
        if selectors.service_day_booked(service, visit_date) >= service.daily_quota:
            raise ValidationError({"visit_date": [slots.quota_full_message()]})
        day = ServiceRequest.objects.filter(service=service, visit_date=visit_date)
        number = max(counter.last_number, day.aggregate(top=Max("queue_number"))["top"] or 0) + 1
        counter.last_number = number
        counter.save(update_fields=["last_number"])
        estimate = slots.booking_estimate(
            sessions=selectors.service_sessions(service, visit_date),
            number=number,
            avg_minutes=service.avg_service_minutes,
            now_local=timezone.localtime(now),
            day=visit_date,
        )
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
        request.notification_contact = notification_services.contact_record(
            phone=contact["phone"],
            email=contact["email"],
            consents=[*contact["consents"], "email"],
            language=get_language(),
            now=now,
        )
        request.full_clean()
        request.save()
        _notify(request, "ehealth_request_received")
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
        _notify(request, STATUS_EVENTS.get(status, "ehealth_request_status"))
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
# The account link goes too: an erased request must not tie a visit to a person ("Permohonan saya").
_ERASED = {
    "name": "",
    "nik": "",
    "phone": "",
    "email": "",
    "bpjs_number": "",
    "complaint": "",
    "reject_reason": "",
    "user": None,
}


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
    notification_services.notifications_erase_for(source=request)
    if request.notification_contact is not None:
        # Waiting messages keep their own copy of the address until sent, then retention removes them.
        request.notification_contact.delete()
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
        expired_ids = [str(pk) for pk in expired.values_list("pk", flat=True)]
        Notification.objects.filter(source_model="ehealth.servicerequest", source_id__in=expired_ids).delete()
        Contact.objects.filter(servicerequest__in=expired).delete()
        PersonalDataAccessCode.objects.filter(service_request__in=expired).delete()
        erased = expired.update(
            **_ERASED,
            personal_data_erased_at=now,
            erasure_reason=ServiceRequest.Erasure.RETENTION,
        )
        # Messages about requests erased earlier (on cancellation), once they went out or gave up.
        erased_ids = ServiceRequest.objects.filter(personal_data_erased_at__isnull=False).values_list(
            Cast("pk", CharField())
        )
        Notification.objects.filter(
            source_model="ehealth.servicerequest", source_id__in=erased_ids, state__in=Notification.FINISHED
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


# --- Notifications (through blitar_portal.notifications) ------------------------------

STATUS_EVENTS: dict[str, str] = {
    ServiceRequest.Status.DITERIMA: "ehealth_request_accepted",
    ServiceRequest.Status.DITOLAK: "ehealth_request_rejected",
    ServiceRequest.Status.DIBATALKAN: "ehealth_request_cancelled",
}


def _payload(request: ServiceRequest) -> dict[str, str]:
    return {
        "code": request.code,
        "hospital": request.hospital.name,
        "date": request.visit_date.strftime("%d-%m-%Y"),
        "time": request.estimated_time.strftime("%H:%M") if request.estimated_time else "",
        "number": str(request.queue_number),
        "reason": request.reject_reason,
        "status": str(ServiceRequest.Status(request.status).label),
        "url": f"{selectors.site_url()}/kesehatan/permohonan/{request.code}/",
    }


def _notify(
    request: ServiceRequest,
    event: str,
    *,
    key: str = "",
    now: datetime.datetime | None = None,
    extra: dict[str, str] | None = None,
) -> list:
    """Write the outbox rows of one event in the caller's transaction (sent after commit)."""
    if request.notification_contact_id is None or request.personal_data_erased_at:
        return []
    with translation.override("id"):
        payload = {**_payload(request), **(extra or {})}
    return notification_services.notify(
        event=event,
        payload=payload,
        source=request,
        contact=request.notification_contact,
        key=key or request.status,
        now=now,
    )


def service_requests_remind(*, today: datetime.date | None = None) -> int:
    """Remind the citizen the day before the visit (accepted or still waiting): once per request and date."""
    today = today or timezone.localdate()
    due = ServiceRequest.objects.filter(
        visit_date=today + datetime.timedelta(days=1),
        status__in=(ServiceRequest.Status.DIAJUKAN, ServiceRequest.Status.DITERIMA),
        personal_data_erased_at__isnull=True,
        notification_contact__isnull=False,
    ).select_related("hospital", "notification_contact")
    count = 0
    for request in due:
        with transaction.atomic():
            count += bool(_notify(request, "ehealth_visit_reminder", key=request.visit_date.isoformat()))
    return count


# --- The live queue: check-in, calls, service ----------------------------------------------
# Who is called next: `selectors.queue_waiting` (the one rule); these functions only move a
# request along it. Every write locks the request row; call-next locks with SKIP LOCKED so
# concurrent desks never call the same patient.


def service_request_check_in(
    *,
    service_request: ServiceRequest,
    hospitals: QuerySet[Hospital] | None = None,
    now: datetime.datetime | None = None,
) -> ServiceRequest:
    """Record that the patient arrived (desk scan, typed code or self check-in); idempotent.

    `hospitals`: a queryset the request must belong to (a clerk's hospitals, or the one hospital
    of a self check-in tablet); None means any. Only on the visit day, only an open request.
    A request not yet accepted is accepted by arriving (stamps accepted_at, like the admin).
    """
    now = now or timezone.now()
    with transaction.atomic():
        request = ServiceRequest.objects.select_for_update().get(pk=service_request.pk)
        if hospitals is not None and not hospitals.filter(pk=request.hospital_id).exists():
            raise ValidationError(_("Kode tidak ditemukan."))
        if request.checked_in_at:
            return request
        if request.status not in (ServiceRequest.Status.DIAJUKAN, ServiceRequest.Status.DITERIMA):
            raise ValidationError(
                _("Permohonan berstatus %(status)s tidak dapat check-in.") % {"status": request.get_status_display()}
            )
        if request.visit_date != timezone.localdate(now):
            raise ValidationError(
                _("Check-in hanya pada tanggal kunjungan (%(date)s).")
                % {"date": request.visit_date.strftime("%d-%m-%Y")}
            )
        if request.status == ServiceRequest.Status.DIAJUKAN:
            request = service_request_set_status(
                service_request=request, status=ServiceRequest.Status.DITERIMA, now=now
            )
        request.checked_in_at = now
        request.save(update_fields=["checked_in_at"])
    return request


def queue_call_next(*, service: Service, desk: str = "", now: datetime.datetime | None = None) -> ServiceRequest | None:
    """Call the next checked-in patient of a service today (`selectors.queue_waiting` order); None when
    nobody waits. SELECT … FOR UPDATE SKIP LOCKED: ten desks calling at once get ten different patients."""
    now = now or timezone.now()
    with transaction.atomic():
        request = (
            selectors.queue_waiting(service, day=timezone.localdate(now))
            .filter(checked_in_at__isnull=False, status=ServiceRequest.Status.DITERIMA)
            .select_for_update(skip_locked=True, of=("self",))
            .first()
        )
        if request is None:
            return None
        request.called_at = now
        request.first_called_at = request.first_called_at or now
        request.call_count += 1
        request.desk = str(desk or "")[:20]
        request.save(update_fields=["called_at", "first_called_at", "call_count", "desk"])
    # After the call's own transaction: touching other waiting rows while holding this one's lock
    # would deadlock with a desk calling at the same moment.
    _turns_near(service, day=request.visit_date, now=now)
    return request


def _queue_locked(service_request: ServiceRequest, *, called: bool = True) -> ServiceRequest:
    request = ServiceRequest.objects.select_for_update().get(pk=service_request.pk)
    if called and request.called_at is None:
        raise ValidationError(_("Pasien ini belum dipanggil."))
    return request


def queue_recall(*, service_request: ServiceRequest, now: datetime.datetime | None = None) -> ServiceRequest:
    """Call the same patient again (the display shows the number again)."""
    now = now or timezone.now()
    with transaction.atomic():
        request = _queue_locked(service_request)
        if request.status != ServiceRequest.Status.DITERIMA:
            raise ValidationError(_("Hanya pasien yang sedang dipanggil yang dapat dipanggil ulang."))
        request.called_at = now
        request.call_count += 1
        request.save(update_fields=["called_at", "call_count"])
    return request


def queue_skip(*, service_request: ServiceRequest, now: datetime.datetime | None = None) -> ServiceRequest:
    """The called patient is not at the desk yet: back into the queue, after everyone not skipped."""
    now = now or timezone.now()
    with transaction.atomic():
        request = _queue_locked(service_request)
        if request.status != ServiceRequest.Status.DITERIMA:
            raise ValidationError(_("Hanya pasien yang sedang dipanggil yang dapat dilewati."))
        request.called_at = None
        request.skipped_at = now
        request.save(update_fields=["called_at", "skipped_at"])
    _turns_near(request.service, day=request.visit_date, now=now)
    return request


def queue_no_show(*, service_request: ServiceRequest, now: datetime.datetime | None = None) -> ServiceRequest:
    """The called patient did not come: marked "Tidak hadir" (gives the place back)."""
    with transaction.atomic():
        _queue_locked(service_request)
        return service_request_set_status(
            service_request=service_request, status=ServiceRequest.Status.TIDAK_HADIR, now=now
        )


def queue_start(*, service_request: ServiceRequest, now: datetime.datetime | None = None) -> ServiceRequest:
    """The called patient is at the desk: "Sedang dilayani"."""
    with transaction.atomic():
        _queue_locked(service_request)
        return service_request_set_status(
            service_request=service_request, status=ServiceRequest.Status.DILAYANI, now=now
        )


def queue_finish(*, service_request: ServiceRequest, now: datetime.datetime | None = None) -> ServiceRequest:
    return service_request_set_status(service_request=service_request, status=ServiceRequest.Status.SELESAI, now=now)


def _turns_near(service: Service, *, day: datetime.date, now: datetime.datetime) -> None:
    """Fire `queue_turn_near` once for each waiting patient with EHEALTH_TURN_NEAR_AHEAD or fewer ahead."""
    near = settings.EHEALTH_TURN_NEAR_AHEAD
    waiting = list(selectors.queue_waiting(service, day=day).only("pk", "turn_near_at")[: near + 1])
    for request in waiting:
        # Conditional UPDATE: of two desks calling at once, only one fires the hook.
        if request.turn_near_at is not None:
            continue
        with transaction.atomic():
            if ServiceRequest.objects.filter(pk=request.pk, turn_near_at__isnull=True).update(turn_near_at=now):
                request.turn_near_at = now
                queue_turn_near(request)


def queue_turn_near(service_request: ServiceRequest) -> None:
    """The patient's turn is near (called once per request, in the caller's transaction): the
    outbox tells them on the channels they chose when booking (urgent: ignores quiet hours)."""
    service_request = ServiceRequest.objects.select_related("hospital", "service", "notification_contact").get(
        pk=service_request.pk
    )
    ahead = selectors.queue_status(service_request)["ahead"]
    _notify(service_request, "ehealth_turn_near", key="turn-near", extra={"ahead": str(ahead or 0)})


# --- "Kabari saya" (bed alerts) ------------------------------------------------------------
# The rule (CONTRIBUTING): an alert is told when the hospital's free beds of its class (or all
# its free beds, for "any class") go from 0 to more than 0 in `hospital_beds_apply` (every
# source: a clerk's save, a feed sync), at most once per alert and hospital within
# BED_ALERT_DEBOUNCE_MINUTES (a 0 -> 1 -> 0 -> 1 flap is told once); 2 -> 3 is no news.


def bed_alert_create(
    *,
    bed_class: str,
    user: Any = None,
    phone: str = "",
    consents: Iterable[str] = (),
    center: Any = None,
    radius_km: int | None = None,
    kecamatans: Iterable[Any] = (),
    area_label: str = "",
    language: str | None = None,
    now: datetime.datetime | None = None,
) -> BedAlert:
    """A citizen's "Kabari saya": active for BED_ALERT_HOURS. The channels are the consent flow of
    notifications: a signed-in person's own contact (their earlier consents stay, a new phone
    channel is added; Web Push is their browsers' subscriptions), an anonymous one a new contact
    with the phone and the WhatsApp/SMS consent given on the form. Raises ValidationError (Bahasa)."""
    now = now or timezone.now()
    consents = [c for c in consents if c in ("whatsapp", "sms", "push")]
    kecamatans = list(kecamatans)
    if (center is None) == (not kecamatans):
        raise ValidationError(_("Pilih satu wilayah: radius dari sebuah titik, atau daftar kecamatan."))
    if center is not None and not (radius_km and 1 <= radius_km <= 100):
        raise ValidationError({"radius_km": [_("Radius harus 1 sampai 100 km.")]})
    owner = _owner(user)
    phone_channels = [c for c in consents if c in notification_services.PHONE_CHANNELS]
    if owner is None and not phone_channels:
        raise ValidationError({"whatsapp": [_("Pilih WhatsApp atau SMS (atau masuk dulu untuk notifikasi browser).")]})
    if owner is not None and not consents:
        raise ValidationError(
            {"whatsapp": [_("Pilih cara kami mengabari Anda: WhatsApp, SMS atau notifikasi browser.")]}
        )
    with transaction.atomic():
        if owner is not None:
            contact = notification_services.contact_for_user(owner)
            agreed = [c for c in notification_services.CONSENT_CHANNELS if contact.consent_at(c)]
            contact = notification_services.contact_record(
                contact=contact,
                user=owner,
                phone=phone or contact.phone,
                consents={*agreed, *consents},
                now=now,
            )
        else:
            contact = notification_services.contact_record(
                phone=phone, email=None, consents=phone_channels, language=language or get_language(), now=now
            )
        alert = BedAlert(
            contact=contact,
            bed_class=bed_class or BedAlert.ANY_CLASS,
            center=center,
            radius_km=radius_km if center is not None else None,
            area_label=area_label[:200],
            token=secrets.token_urlsafe(12),
            language=language or get_language() or "id",
            created_at=now,
            expires_at=now + datetime.timedelta(hours=settings.BED_ALERT_HOURS),
        )
        alert.full_clean(exclude=["contact"])
        alert.save()
        if kecamatans:
            alert.kecamatans.set(kecamatans)
    return alert


def bed_alert_renew(*, alert: BedAlert, now: datetime.datetime | None = None) -> BedAlert:
    """Another BED_ALERT_HOURS from now (also for an alert that has just expired, not a cancelled one)."""
    now = now or timezone.now()
    if alert.cancelled_at is not None:
        raise ValidationError(_("Kabar ini sudah dibatalkan. Buat yang baru bila masih perlu."))
    alert.expires_at = now + datetime.timedelta(hours=settings.BED_ALERT_HOURS)
    BedAlert.objects.filter(pk=alert.pk).update(expires_at=alert.expires_at)
    return alert


def bed_alert_cancel(*, alert: BedAlert, now: datetime.datetime | None = None) -> BedAlert:
    """Nothing more is sent for this alert (kept until BED_ALERT_RETENTION_DAYS, then deleted)."""
    if alert.cancelled_at is None:
        alert.cancelled_at = now or timezone.now()
        BedAlert.objects.filter(pk=alert.pk).update(cancelled_at=alert.cancelled_at)
    return alert


def bed_alerts_notify(
    *,
    hospital: Hospital,
    free_before: dict[str, int],
    free_after: dict[str, int],
    now: datetime.datetime | None = None,
) -> int:
    """Tell the matching alerts of each class whose free beds went from 0 to more (in the caller's
    transaction: the outbox rows are sent after commit). Returns the number of alerts told."""
    now = now or timezone.now()
    if not hospital.is_active:
        return 0
    rose = [code for code, n in free_after.items() if n > 0 and not free_before.get(code, 0)]
    told = 0
    window = now - datetime.timedelta(minutes=settings.BED_ALERT_DEBOUNCE_MINUTES)
    for alert in selectors.bed_alerts_matching(hospital=hospital, codes=rose, now=now):
        BedAlertSent.objects.bulk_create(
            [BedAlertSent(alert=alert, hospital=hospital, notified_at=now - datetime.timedelta(days=1))],
            ignore_conflicts=True,
        )
        sent = BedAlertSent.objects.select_for_update().get(alert=alert, hospital=hospital)
        if sent.notified_at > window:
            continue  # told within the debounce window: a flap is no new news
        sent.notified_at = now
        sent.save(update_fields=["notified_at"])
        notification_services.notify(
            event="ehealth_bed_free",
            payload=_bed_alert_payload(alert, hospital, free=free_after.get(alert.bed_class, 0)),
            source=alert,
            contact=alert.contact,
            key=f"{hospital.pk}:{int(now.timestamp())}",
            now=now,
        )
        told += 1
    return told


def _bed_alert_payload(alert: BedAlert, hospital: Hospital, *, free: int) -> dict[str, str]:
    from django.urls import reverse

    base = selectors.site_url()
    with translation.override("id"):
        return {
            "number": str(free),
            "bed_class": str(alert.class_label),
            "hospital": hospital.name,
            "url": base + reverse("ehealth:hospital_detail", args=[hospital.slug]),
            "hours": str(settings.BED_ALERT_HOURS),
            "renew_url": base + reverse("ehealth:bed_alert_renew", args=[alert.token]),
            "cancel_url": base + reverse("ehealth:bed_alert_cancel", args=[alert.token]),
        }


def bed_alerts_purge(*, days: int, now: datetime.datetime | None = None) -> int:
    """Delete alerts that ended (expired or cancelled) more than `days` days ago, with the anonymous
    contact made for them when nothing else uses it. For core.services.retention_apply."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    ended = BedAlert.objects.filter(Q(expires_at__lt=cutoff) | Q(cancelled_at__lt=cutoff))
    with transaction.atomic():
        contact_ids = set(ended.filter(contact__user__isnull=True).values_list("contact_id", flat=True))
        deleted = ended.delete()[1].get(BedAlert._meta.label, 0)
        in_use = ServiceRequest.objects.filter(notification_contact_id__in=contact_ids)
        Contact.objects.filter(pk__in=contact_ids, bed_alerts__isnull=True).exclude(
            pk__in=in_use.values("notification_contact_id")
        ).delete()
    return deleted
