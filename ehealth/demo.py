"""Demo data for E-Health (`seed_demo`): hospitals of Kabupaten Blitar, feeds that drift, clerks.

Hospital names: the two RSUD are real (RSUD Ngudi Waluyo Wlingi, RSUD Srengat);
the private ones are plausible demo names. Hospitals with a feed point at
/kesehatan/demo-feed/<slug>/ on settings.SITE_URL: the portal itself plays the
hospital's system (enabled only when DEBUG or settings.DEMO_FEEDS), and its
numbers drift every few minutes so `make run` shows the board changing.
Idempotent: a second run creates nothing new. Scale 100 = benchmark size.
"""

import datetime
import io
import json
import random
import zlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from blitar_portal.accounts.roles import HOSPITAL_STAFF
from blitar_portal.lib.csvsafe import csv_writer
from blitar_portal.regions.models import Kecamatan

from .feeds import CANONICAL_CLASSES
from .feeds.aplicares import CODES as APLICARES_CODES
from .feeds.sirs import CODES as SIRS_CODES
from .models import BedClass, BedCountChange, FreshSpan, Hospital, HospitalMembership, Service, ServiceRequest
from .services import service_schedule_set

DEMO_PASSWORD = "blitar-demo-2026"  # noqa: S105 - demo data only, listed in the README
DRIFT_MINUTES = 3
# (slug, name, type, kecamatan slug, feed format or "" for hand-updated, clerk username)
HOSPITALS = [
    ("rsud-ngudi-waluyo-wlingi", "RSUD Ngudi Waluyo Wlingi", "RSUD", "wlingi", "fhir", "petugas-wlingi"),
    ("rsud-srengat", "RSUD Srengat", "RSUD", "srengat", "sirs", "petugas-srengat"),
    ("rs-medika-utama-kesamben", "RS Medika Utama Kesamben", "SWASTA", "kesamben", "aplicares", ""),
    ("rs-islam-garum", "RS Islam Garum", "SWASTA", "garum", "csv", ""),
    ("rsia-permata-kanigoro", "RSIA Permata Bunda Kanigoro", "KHUSUS", "kanigoro", "", "petugas-kanigoro"),
    ("rs-sehat-sentosa-talun", "RS Sehat Sentosa Talun", "SWASTA", "talun", "aplicares", ""),
    ("klinik-utama-sutojayan", "Klinik Utama Rawat Inap Sutojayan", "KLINIK", "sutojayan", "", ""),
]
PROFILES = {
    "RSUD": {"VIP": 8, "KELAS_1": 20, "KELAS_2": 30, "KELAS_3": 40, "ICU": 8, "HCU": 6, "NICU": 6, "ISOLASI": 6},
    "SWASTA": {"VIP": 10, "KELAS_1": 14, "KELAS_2": 16, "KELAS_3": 20, "ICU": 4},
    "KHUSUS": {"VIP": 6, "KELAS_1": 8, "KELAS_3": 12, "NICU": 4, "PERINATOLOGI": 6},
    "KLINIK": {"KELAS_2": 6, "KELAS_3": 10},
}
SERVICES = [
    ("Poli Umum", "poli", 40, 8),
    ("Poli Penyakit Dalam", "poli", 25, 12),
    ("Poli Anak", "poli", 20, 10),
    ("Poli Kandungan", "poli", 20, 12),
    ("Permohonan rawat inap", "rawat_inap", 10, 20),
]
_T = datetime.time
MON_SAT, MON_FRI = range(6), range(5)
# service name -> [(weekdays, start, end, doctor)]: how a regency hospital's outpatient clinics run.
SCHEDULES = {
    "Poli Umum": [
        (MON_SAT, _T(7, 30), _T(13, 0), "dr. Rina Wulandari"),
        (MON_FRI, _T(13, 0), _T(15, 30), "dr. Agus Santoso"),
    ],
    "Poli Penyakit Dalam": [
        ((0, 2, 4), _T(8, 0), _T(12, 0), "dr. Hendra Wijaya, Sp.PD"),
        ((1, 3), _T(13, 0), _T(15, 0), "dr. Lestari Putri, Sp.PD"),
    ],
    "Poli Anak": [((0, 1, 3, 5), _T(8, 0), _T(12, 0), "dr. Maya Kusuma, Sp.A")],
    "Poli Kandungan": [((1, 2, 4), _T(9, 0), _T(13, 0), "dr. Bambang Prasetyo, Sp.OG")],
    "Permohonan rawat inap": [(range(7), _T(0, 0), _T(23, 59), "Dokter jaga IGD")],
}


def _rng(*parts):
    return random.Random(zlib.crc32("|".join(map(str, parts)).encode()))  # noqa: S311 - demo numbers


def _hospital_list(scale):
    items = list(HOSPITALS)
    if scale >= 100:
        kecamatan = [k.slug for k in Kecamatan.objects.order_by("name")]
        formats = ["fhir", "aplicares", "sirs", "csv", ""]
        for n in range(len(items), 40):
            kec = kecamatan[n % len(kecamatan)]
            items.append(
                (
                    f"rs-demo-{n + 1:02d}",
                    f"RS Demo {n + 1:02d} {kec.title()}",
                    "SWASTA",
                    kec,
                    formats[n % len(formats)],
                    "",
                )
            )
    return items


def seed(*, scale, stdout):
    big = scale >= 100
    now = timezone.now()
    hospitals = [_ensure_hospital(item, big=big, now=now) for item in _hospital_list(scale)]
    for hospital in hospitals:
        _ensure_services(hospital)
    clerks = _ensure_clerks()
    _reporting_history(hospitals, now=now)
    if big:
        _bulk_history(hospitals, now=now, stdout=stdout)
        _bulk_requests(hospitals, target=100_000, stdout=stdout)
    stdout.write(f"  ehealth: {len(hospitals)} hospitals; clerks {', '.join(clerks)} (password {DEMO_PASSWORD})")


def _reporting_history(hospitals, *, now):
    """30 days of fresh periods, so the reporting score shows what a real month looks like:
    hospitals with a feed are fresh most of the time (an outage or two), hand-kept ones fresh
    on working days only. Idempotent: a hospital that has any period already keeps its own."""
    for hospital in hospitals:
        if FreshSpan.objects.filter(hospital=hospital, started_at__lt=now - datetime.timedelta(days=1)).exists():
            continue
        rng = _rng(hospital.slug, "fresh")
        spans = []
        for days_ago in range(30, 0, -1):
            day = now - datetime.timedelta(days=days_ago)
            if hospital.feed_format and rng.random() < 0.9:  # a feed: fresh all day, bar an outage
                spans.append(FreshSpan(hospital=hospital, started_at=day, ends_at=day + datetime.timedelta(hours=24)))
            elif not hospital.feed_format and day.weekday() < 6 and rng.random() < 0.8:  # a clerk's shift
                start = day.replace(hour=0, minute=30) + datetime.timedelta(minutes=rng.randint(0, 90))
                ends = start + datetime.timedelta(hours=22)
                spans.append(FreshSpan(hospital=hospital, started_at=start, ends_at=ends))
        FreshSpan.objects.bulk_create(spans)


def _profile(hospital_type, big):
    if big:  # benchmark size: 12 classes per hospital
        return {code: 4 + (i * 3) % 17 for i, code in enumerate(list(CANONICAL_CLASSES)[:12])}
    return PROFILES.get(hospital_type, PROFILES["SWASTA"])


@transaction.atomic
def _ensure_hospital(item, *, big, now):
    slug, name, hospital_type, kec_slug, feed_format, _clerk = item
    hospital = Hospital.objects.filter(slug=slug).first()
    if hospital is not None:
        return hospital
    kecamatan = Kecamatan.objects.get(slug=kec_slug)
    rng = _rng(slug)
    hospital = Hospital(
        slug=slug,
        name=name,
        type=hospital_type,
        kecamatan=kecamatan,
        address=f"Jl. Raya {kecamatan.name} No. {rng.randint(1, 200)}, Kec. {kecamatan.name}, Kabupaten Blitar",
        phone=f"62342{rng.randint(800000, 899999)}",
        igd_phone=f"62342{rng.randint(800000, 899999)}",
        location=kecamatan.geom.point_on_surface,
        booking_window_days=14,
        feed_url=f"{settings.SITE_URL}/kesehatan/demo-feed/{slug}/" if feed_format else "",
        feed_format=feed_format,
        sync_interval_minutes=2 if feed_format else 5,
        stale_after_minutes=30 if feed_format else 24 * 60,
        beds_confirmed_at=now,
    )
    hospital.full_clean()
    hospital.save()
    BedClass.objects.bulk_create(
        BedClass(hospital=hospital, code=code, capacity=cap, available=_drift(slug, code, cap, now), updated_at=now)
        for code, cap in _profile(hospital_type, big).items()
    )
    return hospital


def _ensure_services(hospital):
    for name, kind, quota, minutes in SERVICES:
        service, created = Service.objects.get_or_create(
            hospital=hospital, name=name, defaults={"kind": kind, "daily_quota": quota, "avg_service_minutes": minutes}
        )
        if created or not service.schedules.exists():
            sessions = [(day, start, end, doctor) for days, start, end, doctor in SCHEDULES[name] for day in days]
            service_schedule_set(service=service, sessions=sessions)


def _ensure_clerks():
    User = get_user_model()
    group = Group.objects.get(name=HOSPITAL_STAFF)
    names = []
    for slug, name, *_rest, clerk in HOSPITALS:
        if not clerk:
            continue
        user, created = User.objects.get_or_create(
            username=clerk,
            defaults={"first_name": f"Petugas {name}", "is_staff": True, "email": f"{clerk}@demo.blitarkab.go.id"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user.groups.add(group)
        HospitalMembership.objects.get_or_create(user=user, hospital=Hospital.objects.get(slug=slug))
        names.append(clerk)
    return names


def _drift(slug, code, capacity, now):
    """Available beds at `now`: changes every DRIFT_MINUTES minutes, deterministic per slot."""
    slot = int(now.timestamp() // (DRIFT_MINUTES * 60))
    return _rng(slug, code, slot).randint(0, max(0, capacity // 2))


# --- The simulated hospital systems ----------------------------------------------------


def feed_body(hospital, *, now):
    """(body, content type) of the hospital's demo feed in its own format, numbers drifting."""
    classes = [(b.code, b.room_name or b.get_code_display(), b.capacity) for b in hospital.bed_classes.all()]
    rows = [(code, room, cap, _drift(hospital.slug, code, cap, now)) for code, room, cap in classes if cap]
    builder = {"fhir": _fhir, "aplicares": _aplicares, "sirs": _sirs, "csv": _csv}.get(hospital.feed_format, _csv)
    return builder(rows)


def _aplicares(rows):
    codes = {v: k for k, v in APLICARES_CODES.items()}
    items = [
        {
            "kodekelas": codes.get(code, code),
            "koderuang": f"R{i:03d}",
            "namaruang": room,
            "kapasitas": cap,
            "tersedia": avail,
            "tersediapria": 0,
            "tersediawanita": 0,
            "tersediapriawanita": avail,
        }
        for i, (code, room, cap, avail) in enumerate(rows, start=1)
    ]
    body = {"response": {"list": items, "count": len(items)}, "metadata": {"code": 1, "message": "OK"}}
    return json.dumps(body), "application/json"


def _sirs(rows):
    codes = {v: k for k, v in SIRS_CODES.items()}
    items = [
        {"id_tt": codes.get(code, code), "tt": room, "ruang": room, "jumlah": cap, "terpakai": cap - avail}
        for code, room, cap, avail in rows
    ]
    return json.dumps({"fasyankes": items}), "application/json"


def _csv(rows):
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(["kelas", "ruang", "kapasitas", "terisi"])
    for code, room, cap, avail in rows:
        writer.writerow([code, room, cap, cap - avail])
    return out.getvalue(), "text/csv; charset=utf-8"


FHIR_WARD_CLASS = {"VVIP": "vvip", "VIP": "vip", "KELAS_1": "1", "KELAS_2": "2", "KELAS_3": "3"}
FHIR_ROLE = {"ICU": "ICU", "ICCU": "CCU", "PICU": "PEDICU", "NICU": "PEDNICU"}
PT = "http://terminology.hl7.org/CodeSystem/location-physical-type"


def _fhir_ward(code, room):
    ward = {
        "resourceType": "Location",
        "id": f"w-{code.lower()}",
        "status": "active",
        "name": room,
        "physicalType": {"coding": [{"system": PT, "code": "wa"}]},
    }
    if code in FHIR_WARD_CLASS:
        ward["extension"] = [
            {
                "url": "https://fhir.kemkes.go.id/r4/StructureDefinition/ServiceClass",
                "extension": [
                    {
                        "url": "value",
                        "valueCodeableConcept": {
                            "coding": [
                                {
                                    "system": "http://terminology.kemkes.go.id/CodeSystem/locationServiceClass-Inpatient",
                                    "code": FHIR_WARD_CLASS[code],
                                }
                            ]
                        },
                    }
                ],
            }
        ]
    elif code in FHIR_ROLE:
        ward["type"] = [
            {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-RoleCode", "code": FHIR_ROLE[code]}]}
        ]
    else:
        ward["type"] = [{"text": str(CANONICAL_CLASSES.get(code, room))}]
    return ward


def _fhir(rows):
    entries = []
    for code, room, cap, avail in rows:
        ward = _fhir_ward(code, room)
        entries.append({"fullUrl": f"Location/{ward['id']}", "resource": ward})
        for n in range(cap):
            bed = {
                "resourceType": "Location",
                "id": f"{ward['id']}-bed-{n + 1}",
                "status": "active",
                "operationalStatus": {
                    "system": "http://terminology.hl7.org/CodeSystem/v2-0116",
                    "code": "U" if n < avail else "O",
                },
                "physicalType": {"coding": [{"system": PT, "code": "bd"}]},
                "partOf": {"reference": f"Location/{ward['id']}"},
            }
            entries.append({"fullUrl": f"Location/{bed['id']}", "resource": bed})
    bundle = {"resourceType": "Bundle", "type": "searchset", "total": len(entries), "entry": entries}
    return json.dumps(bundle), "application/fhir+json"


# --- Benchmark size ----------------------------------------------------------------------


def _bulk_history(hospitals, *, now, stdout):
    """A year of bed history: two changes a day per class (bulk insert, once)."""
    todo = [h for h in hospitals if not BedCountChange.objects.filter(hospital=h).exists()]
    for hospital in todo:
        batch = []
        for bed in hospital.bed_classes.all():
            rng, previous = _rng(hospital.slug, bed.code, "history"), bed.capacity // 2
            for day in range(365, 0, -1):
                for hour in (8, 20):
                    value = rng.randint(0, bed.capacity)
                    at = now - datetime.timedelta(days=day) + datetime.timedelta(hours=hour - 12)
                    batch.append(
                        BedCountChange(
                            hospital=hospital,
                            bed_class=bed,
                            code=bed.code,
                            source=BedCountChange.Source.FEED,
                            old_capacity=bed.capacity,
                            new_capacity=bed.capacity,
                            old_available=previous,
                            new_available=value,
                            changed_at=at,
                        )
                    )
                    previous = value
        BedCountChange.objects.bulk_create(batch, batch_size=5000)
    if todo:
        stdout.write(f"  ehealth: bed history for {len(todo)} hospitals")


# Outcome of a request whose visit day has passed (weights): most are served, some never show up.
PAST_OUTCOMES = [
    ("selesai", 70),
    ("tidak_hadir", 8),
    ("dibatalkan", 9),
    ("ditolak", 5),
    ("diterima", 5),
    ("diajukan", 3),
]
TODAY_OUTCOMES = [("diajukan", 30), ("diterima", 40), ("dilayani", 15), ("selesai", 15)]


def _bulk_requests(hospitals, *, target, stdout):
    existing = ServiceRequest.objects.count()
    if existing >= target:
        return
    services = list(Service.objects.filter(hospital__in=hospitals).select_related("hospital"))
    rng = _rng("requests", existing)
    today = timezone.localdate()
    now = timezone.now()
    batch, made, counters = [], existing, {}
    while made < target:
        service = services[made % len(services)]
        day = today - datetime.timedelta(days=rng.randint(0, 364))
        key = (service.pk, day)
        counters[key] = counters.get(key, _max_queue(service, day, existing)) + 1
        status, times = _request_story(rng, service=service, day=day, today=today, now=now)
        batch.append(
            ServiceRequest(
                code=f"D{made:09d}",
                hospital=service.hospital,
                service=service,
                visit_date=day,
                queue_number=counters[key],
                status=status,
                name="Warga Demo",
                nik="3505014101900001",
                phone="6281234567890",
                complaint="Kontrol rutin (data demo).",
                consent_version="2026-01",
                consent_at=times["created_at"],
                status_changed_at=max(times.values()),
                **times,
            )
        )
        made += 1
        if len(batch) >= 5000:
            ServiceRequest.objects.bulk_create(batch)
            batch = []
    ServiceRequest.objects.bulk_create(batch)
    stdout.write(f"  ehealth: {target - existing} service requests")


def _weighted(rng, choices):
    return rng.choices([c for c, _w in choices], weights=[w for _c, w in choices])[0]


def _request_story(rng, *, service, day, today, now):
    """(status, {time field: when}) of a plausible request for a visit on `day`, never later than now.

    Made 0-6 days before the visit; accepted within a day; served from the opening hour on the
    visit day, finished within two hours; no-shows marked in the afternoon of the visit day.
    """
    status = _weighted(rng, PAST_OUTCOMES if day < today else TODAY_OUTCOMES)
    hours = datetime.timedelta(hours=1)
    opens = timezone.make_aware(datetime.datetime.combine(day, service.opens_at))
    created = min(opens - rng.randint(0, 6) * 24 * hours - rng.uniform(1, 14) * hours, now)
    times = {"created_at": created}
    if status == "ditolak":
        times["rejected_at"] = created + rng.uniform(0.5, 24) * hours
    elif status == "dibatalkan":
        times["cancelled_at"] = created + rng.uniform(0.2, 48) * hours
    elif status != "diajukan":
        times["accepted_at"] = created + rng.uniform(0.2, 20) * hours
        if status == "tidak_hadir":
            times["no_show_at"] = opens + rng.uniform(6, 9) * hours
        elif status in ("dilayani", "selesai"):
            times["served_at"] = max(opens + rng.uniform(0, 4) * hours, times["accepted_at"])
            if status == "selesai":
                times["completed_at"] = times["served_at"] + rng.uniform(0.25, 2) * hours
    return status, {field: min(at, now) for field, at in times.items()}


def _max_queue(service, day, existing):
    if not existing:
        return 0
    return ServiceRequest.objects.filter(service=service, visit_date=day).count() + 1000
