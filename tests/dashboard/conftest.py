"""Dashboard fixtures: a superuser persona and helpers to refresh the stored summaries."""

import pytest

from tests.factories import UserFactory

SECTION_URLS = ["/dasbor/", "/dasbor/kesehatan/", "/dasbor/ikm/", "/dasbor/tanam/"]


@pytest.fixture
def root(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture(autouse=True)
def _fresh_caches():
    # Each test's database is rolled back: summaries cached by an earlier test must not leak.
    from django.core.cache import cache

    from blitar_portal.dashboard.services import QUEUED_KEY
    from blitar_portal.dashboard.shapes import CACHE_KEY

    cache.delete_many([CACHE_KEY, QUEUED_KEY])
    try:
        from ehealth.selectors import board_cache_invalidate
    except ImportError:
        return
    board_cache_invalidate()


def refresh():
    from blitar_portal.dashboard.services import summaries_refresh

    return summaries_refresh(trigger="test")


def local_dt(day, hour=8):
    import datetime

    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def make_dataset(*, copies=1):
    """A small hand-made dataset across the three apps (figures computed by hand in test_figures.py).

    `copies` > 1 multiplies every row (in fresh hospitals/shops/plantings) for query-count tests.
    """

    from django.utils import timezone

    from blitar_portal.regions.models import Desa, Kecamatan

    today = timezone.localdate()
    kec_a = Kecamatan.objects.get(slug="wlingi")
    kec_b = Kecamatan.objects.exclude(pk=kec_a.pk).order_by("name").first()
    for n in range(copies):
        _ehealth(n, today, kec_a, kec_b)
        _ikm(n, today, kec_a, kec_b)
        _tanam(n, today, kec_a, kec_b, Desa)
    return {"today": today, "kec_a": kec_a, "kec_b": kec_b, "month_start": today.replace(day=1)}


def _ehealth(n, today, kec_a, kec_b):
    import datetime

    from django.utils import timezone

    from ehealth.models import BedClass, BedCountChange, Hospital, Service, ServiceRequest

    now = timezone.now()
    h1 = Hospital.objects.create(
        slug=f"rs-satu-{n}",
        name=f"RS Satu {n}",
        kecamatan=kec_a,
        address="Jl. 1",
        beds_confirmed_at=now,
        stale_after_minutes=60,
    )
    h2 = Hospital.objects.create(slug=f"rs-dua-{n}", name=f"RS Dua {n}", kecamatan=kec_b, address="Jl. 2")
    BedClass.objects.create(hospital=h1, code="VIP", capacity=10, available=4)
    BedClass.objects.create(hospital=h1, code="KELAS_1", capacity=20, available=5)
    h2_k1 = BedClass.objects.create(hospital=h2, code="KELAS_1", capacity=20, available=15)
    # RS Dua's Kelas 1 had 5 free (15 occupied) until a minute after midnight today.
    BedCountChange.objects.create(
        hospital=h2,
        bed_class=h2_k1,
        code="KELAS_1",
        source="user",
        old_capacity=20,
        old_available=5,
        new_capacity=20,
        new_available=15,
        changed_at=local_dt(today, 0) + datetime.timedelta(minutes=1),
    )
    s1 = Service.objects.create(hospital=h1, name="Poli Umum")
    s2 = Service.objects.create(hospital=h2, name="Poli Anak")
    month_start = local_dt(today.replace(day=1))
    rows = [
        # hospital, service, status, created, {time field: hours after created}, visit offset from today
        (h1, s1, "diajukan", month_start, {}, 3),
        (h1, s1, "selesai", month_start, {"accepted_at": 1, "served_at": 1.5, "completed_at": 2}, 0),
        (h1, s1, "dibatalkan", month_start, {"cancelled_at": 1}, 1),
        (h2, s2, "ditolak", month_start, {"rejected_at": 1}, 1),
        (h2, s2, "diterima", month_start, {"accepted_at": 1}, -2),
        (h1, s1, "selesai", month_start, {"accepted_at": 3, "served_at": 5, "completed_at": 6}, 0),
        (h2, s2, "tidak_hadir", month_start, {"accepted_at": 2, "no_show_at": 5}, 0),
        # Finished before the step times were recorded: only its last change is known (migration backfill).
        (h1, s1, "selesai", month_start, {"completed_at": 4}, 0),
        (h1, s1, "selesai", now - datetime.timedelta(days=45), {"accepted_at": 0.5, "completed_at": 1}, -44),
    ]
    for i, (hospital, service, status, created, times, visit) in enumerate(rows):
        stamps = {field: created + datetime.timedelta(hours=h) for field, h in times.items()}
        ServiceRequest.objects.create(
            code=f"K{n:03d}{i:04d}",
            hospital=hospital,
            service=service,
            status=status,
            visit_date=today + datetime.timedelta(days=visit),
            queue_number=i + 1,
            name="Warga",
            nik="3505010101900001",
            phone="6281234567890",
            complaint="Demam",
            consent_version="1",
            consent_at=created,
            created_at=created,
            status_changed_at=max(stamps.values(), default=created),
            **stamps,
        )


def _ikm(n, today, kec_a, kec_b):
    import datetime

    from django.utils import timezone

    from ikm.models import Category, Certification, GrowthReport, Inquiry, Product, ProductStat, Shop
    from tests.factories import UserFactory

    now = timezone.now()
    shops = []
    for i, (kec, verified_days_ago, status) in enumerate(
        [
            (kec_a, 5, "terverifikasi"),
            (kec_b, 10, "terverifikasi"),
            (kec_a, 40, "terverifikasi"),
            (kec_b, None, "menunggu"),
        ]
    ):
        owner = UserFactory(username=f"ikm-{n}-{i}")
        shops.append(
            Shop.objects.create(
                owner=owner,
                name=f"Toko {n}-{i}",
                slug=f"toko-{n}-{i}",
                kecamatan=kec,
                address="Jl. IKM",
                whatsapp="6281234567890",
                status=status,
                kbli_sector="10" if i else "31",
                verified_at=now - datetime.timedelta(days=verified_days_ago) if verified_days_ago is not None else None,
            )
        )
    # Migration data is flushed by transactional tests: fall back to our own rows.
    category = Category.objects.first() or Category.objects.create(name="Makanan", slug="makanan-uji")
    p1 = Product.objects.create(shop=shops[0], name=f"Keripik {n}", slug=f"keripik-{n}", category=category, price=10000)
    Product.objects.create(shop=shops[1], name=f"Sambal {n}", slug=f"sambal-{n}", category=category, price=15000)
    Inquiry.objects.create(product=p1, buyer_name="Pembeli", buyer_phone="6281234567890", quantity=3, message="Halo")
    ProductStat.objects.create(product=p1, date=today - datetime.timedelta(days=1), views=20, wa_clicks=5, inquiries=1)
    GrowthReport.objects.create(
        shop=shops[0],
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 6, 30),
        output=100,
        capacity=50,
        workers=3,
        omzet=1_000_000,
    )
    Certification.objects.create(
        shop=shops[0], kind="halal", number=f"ID{n}", expires_on=today + datetime.timedelta(days=10)
    )


def _tanam(n, today, kec_a, kec_b, Desa):
    import datetime

    from django.utils import timezone

    from tanam.models import Planting, Species
    from tests.factories import UserFactory

    user = UserFactory(username=f"penanam-{n}")
    species = Species.objects.order_by("local_name").first() or Species.objects.create(
        slug="trembesi-uji",
        local_name="Trembesi",
        scientific_name="Samanea saman",
        kind="peneduh",
        crown_diameter_m=15,
        years_to_maturity=10,
        co2_kg_per_year=28,
    )
    rows = [(kec_a, 5, 3, "verified"), (kec_b, 2, 40, "verified"), (kec_a, 1, 1, "pending")]
    for kec, trees, days_ago, status in rows:
        desa = Desa.objects.filter(kecamatan=kec).first()
        planting = Planting.objects.create(
            user=user,
            point=desa.geom.point_on_surface,
            kecamatan=kec,
            desa=desa,
            species=species,
            tree_count=trees,
            planted_on=today - datetime.timedelta(days=days_ago),
            status=status,
        )
        if status == "pending":
            Planting.objects.filter(pk=planting.pk).update(created_at=timezone.now() - datetime.timedelta(days=10))
        elif trees == 2:  # monitored once and found dead since: survival 5 of 7 trees
            Planting.objects.filter(pk=planting.pk).update(first_observed_on=today, dead_since=today)
        else:
            Planting.objects.filter(pk=planting.pk).update(first_observed_on=today)
    # The app's derived map cells (its home figures read them) are rebuilt by its own service.
    from tanam import services as tanam_services

    rebuild = getattr(tanam_services, "cluster_cells_rebuild", None)
    if rebuild is not None:
        rebuild()
