"""Demo data of 999 IKM Online (idempotent): shops across the 22 kecamatan, products, photos.

scale 1: 150 shops × 10 products; scale N: min(1000, 150·N) shops × 20 products
(scale 100 = the benchmark: 1,000 shops, 20,000 products). Rows are bulk-inserted;
photos come from a small set of Pillow-generated images (`image_demo`) whose files
are shared by many products, so seeding takes seconds, not hours.

Demo owner account: `pemilik-ikm` (password blitar-demo-2026) owns the first shop.

Capacity-building programmes: three that ended over a year ago (with attendance, outcomes, and four
semester reports of their sectors' shops, participants growing faster, so the dashboard's comparison
shows real figures) and three open for registration.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.gis.geos import Point
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from blitar_portal.accounts.demo import ensure_demo_user
from blitar_portal.accounts.roles import IKM_OWNER
from blitar_portal.lib import media
from blitar_portal.lib.images import image_demo, image_renditions, image_sanitize, image_validate
from blitar_portal.regions.models import Kecamatan

from . import services
from .models import (
    Category,
    Certification,
    GrowthReport,
    Inquiry,
    Product,
    ProductPhoto,
    ProductStat,
    Programme,
    ProgrammeRegistration,
    Shop,
    private_storage,
)
from .selectors import public_product_rows

DEMO_OWNER = "pemilik-ikm"
UNUSABLE = make_password(None)  # other demo owners cannot sign in
# (category slug, product base names, unit, price range, KBLI sector, shop kind)
CATALOGUE = [
    (
        "keripik-camilan",
        ["Keripik Tempe", "Keripik Singkong", "Keripik Pisang", "Rengginang", "Opak Gambir"],
        "bungkus",
        (8_000, 35_000),
        "10",
        "Camilan",
    ),
    (
        "kue-roti",
        ["Wingko Babat", "Kue Lapis", "Bolu Kukus", "Geti Wijen", "Jenang Ketan"],
        "kotak",
        (15_000, 75_000),
        "10",
        "Kue",
    ),
    (
        "minuman-jamu",
        ["Sirup Belimbing", "Jamu Kunyit Asam", "Kopi Robusta Blitar", "Wedang Uwuh", "Teh Rosella"],
        "botol",
        (12_000, 90_000),
        "11",
        "Minuman",
    ),
    (
        "bumbu-sambal",
        ["Sambal Pecel", "Sambal Bawang", "Bumbu Rujak", "Petis Udang"],
        "toples",
        (10_000, 45_000),
        "10",
        "Sambal",
    ),
    (
        "olahan-ikan",
        ["Abon Ikan Lele", "Kerupuk Ikan", "Bandeng Presto", "Ikan Koi Hias"],
        "bungkus",
        (15_000, 150_000),
        "10",
        "Olahan Ikan",
    ),
    (
        "anyaman-bambu-rotan",
        ["Tas Anyaman Pandan", "Keranjang Bambu", "Tampah Bambu", "Kap Lampu Rotan"],
        "buah",
        (20_000, 250_000),
        "16",
        "Anyaman",
    ),
    (
        "kerajinan-kayu",
        ["Topeng Kayu", "Miniatur Candi Penataran", "Talenan Jati", "Gantungan Kunci Kayu"],
        "buah",
        (10_000, 400_000),
        "16",
        "Kerajinan Kayu",
    ),
    ("gerabah-keramik", ["Gerabah Hias", "Pot Tanah Liat", "Cobek Batu"], "buah", (15_000, 200_000), "23", "Gerabah"),
    (
        "batik-tulis",
        ["Batik Tulis Motif Kawung", "Batik Tulis Sekar Jagad", "Selendang Batik Tulis"],
        "lembar",
        (250_000, 2_500_000),
        "13",
        "Batik",
    ),
    (
        "batik-cap",
        ["Batik Cap Motif Penataran", "Kemeja Batik Cap", "Kain Batik Cap Blitar"],
        "lembar",
        (90_000, 450_000),
        "13",
        "Batik",
    ),
    ("tenun", ["Tenun Ikat", "Sarung Tenun Goyor"], "lembar", (150_000, 900_000), "13", "Tenun"),
    (
        "mebel-kayu-jati",
        ["Kursi Jati Minimalis", "Meja Makan Jati", "Lemari Jati Ukir", "Bale-bale Jati"],
        "set",
        (750_000, 15_000_000),
        "31",
        "Mebel",
    ),
    ("mebel-bambu", ["Kursi Bambu", "Rak Bambu"], "buah", (150_000, 1_500_000), "31", "Mebel Bambu"),
    (
        "pandai-besi-alat-pertanian",
        ["Cangkul Baja", "Sabit Tempa", "Pisau Dapur Tempa", "Parang Tempa"],
        "buah",
        (35_000, 250_000),
        "25",
        "Pandai Besi",
    ),
    ("kerajinan-kuningan", ["Lonceng Kuningan", "Patung Kuningan Mini"], "buah", (60_000, 600_000), "25", "Kuningan"),
    ("pakaian", ["Kaos Sablon Blitar", "Seragam Sekolah", "Mukena Bordir"], "pcs", (45_000, 250_000), "14", "Konveksi"),
    ("tas-alas-kaki", ["Sandal Kulit", "Dompet Kulit", "Tas Kulit Sapi"], "pasang", (60_000, 650_000), "15", "Kulit"),
]
VARIANTS = [
    "Original",
    "Pedas",
    "Premium",
    "Jumbo",
    "Khas Blitar",
    "Ukuran Kecil",
    "Edisi Oleh-oleh",
    "Super",
    "Klasik",
]
PEOPLE = [
    "Bu Sri",
    "Pak Slamet",
    "Mbak Yuli",
    "Bu Wartini",
    "Pak Darmaji",
    "Mas Eko",
    "Bu Siti",
    "Pak Joko",
    "Mbak Ratna",
    "Bu Endang",
    "Pak Sugeng",
    "Bu Tutik",
    "Mas Bagus",
    "Bu Lestari",
    "Pak Hadi",
    "Mbak Dewi",
]
COLORS = [(11, 93, 75), (140, 70, 20), (160, 40, 60), (30, 80, 140), (120, 100, 20), (70, 40, 110)]


def _counts(scale):
    shops = min(1000, 150 * scale)
    return shops, (10 if scale == 1 else 20)


def seed(*, scale, stdout):
    n_shops, per_shop = _counts(scale)
    rng = random.Random(4)
    owner = ensure_demo_user(username=DEMO_OWNER, first_name="Sri Wahyuni (demo IKM)", groups=[IKM_OWNER])
    categories = {c.slug: c for c in Category.objects.all()}
    kecamatan = list(Kecamatan.objects.order_by("code"))
    images = _demo_images(categories)
    with transaction.atomic():
        shops = _seed_shops(n_shops, owner, kecamatan, rng)
        new_products = _seed_products(shops, per_shop, categories, images, rng)
        _seed_activity(shops, rng)
        _seed_programmes(shops, random.Random(17))
    services.shop_refresh_search(shop_ids=[s.pk for s in shops])
    services.product_refresh_search(product_ids=new_products)
    stdout.write(
        f"  {Shop.objects.count()} shops, {Product.objects.count()} products "
        f"({len(new_products)} new); demo owner: {DEMO_OWNER} (password blitar-demo-2026)"
    )


def _random_point(kec, rng):
    xmin, ymin, xmax, ymax = kec.geom.extent
    for _attempt in range(30):
        point = Point(rng.uniform(xmin, xmax), rng.uniform(ymin, ymax), srid=4326)
        if kec.geom.contains(point):
            return point
    return kec.geom.point_on_surface


def _seed_shops(n_shops, demo_owner, kecamatan, rng):
    User = get_user_model()
    usernames = [DEMO_OWNER] + [f"ikm-demo-{i:04d}" for i in range(1, n_shops)]
    existing = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    User.objects.bulk_create(
        [
            User(username=u, first_name=rng.choice(PEOPLE), email=f"{u}@demo.blitarkab.go.id", password=UNUSABLE)
            for u in usernames
            if u not in existing
        ]
    )
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    group = Group.objects.get(name=IKM_OWNER)
    group.user_set.add(*users.values())
    have = set(Shop.objects.filter(owner__in=users.values()).values_list("owner__username", flat=True))
    now = timezone.now()
    new = []
    for i, username in enumerate(usernames):
        if username in have:
            continue
        kind = CATALOGUE[i % len(CATALOGUE)]
        kec = kecamatan[i % len(kecamatan)]
        status = _demo_status(i)
        new.append(
            Shop(
                owner=users[username],
                name=f"{kind[5]} {rng.choice(PEOPLE)} {kec.name}",
                slug=f"demo-{i:04d}-{kind[0]}"[:140],
                story=f"Usaha {kind[5].lower()} rumahan dari {kec.name}, Kabupaten Blitar. "
                "Dikerjakan tangan oleh warga sekitar dengan bahan lokal pilihan.",
                kecamatan=kec,
                address=f"Jl. Raya {kec.name} No. {rng.randint(1, 200)}",
                location=_random_point(kec, rng),
                whatsapp=f"6281{rng.randint(10_000_000, 99_999_999)}",
                nib=f"{rng.randint(10**12, 10**13 - 1)}",
                kbli_sector=kind[4],
                legal_form=rng.choice(["perseorangan"] * 4 + ["cv", "koperasi"]),
                year_founded=rng.randint(1985, 2024),
                workers=rng.randint(1, 40),
                monthly_capacity=rng.randint(50, 5000),
                capacity_unit=kind[2],
                status=status,
                status_reason="Foto produk tidak sesuai; mohon diperbaiki." if status == "ditangguhkan" else "",
                verified_at=now - datetime.timedelta(days=rng.randint(1, 540)) if status != "menunggu" else None,
            )
        )
    Shop.objects.bulk_create(new, batch_size=500)
    shops = list(Shop.objects.filter(owner__in=users.values()).order_by("slug"))
    _seed_certifications([s for s in shops if s.slug in {n.slug for n in new}], rng)
    return shops


def _demo_status(i):
    if i == 0:
        return Shop.Status.VERIFIED
    if i % 25 == 7:
        return Shop.Status.PENDING
    if i % 60 == 11:
        return Shop.Status.SUSPENDED
    return Shop.Status.VERIFIED


def _seed_certifications(shops, rng):
    today = timezone.localdate()
    certs = []
    for shop in shops:
        if rng.random() < 0.6:
            kind = "halal" if shop.kbli_sector in ("10", "11") else "hki"
            certs.append(
                Certification(
                    shop=shop,
                    kind=kind,
                    number=f"ID35{rng.randint(10**9, 10**10 - 1)}",
                    expires_on=today + datetime.timedelta(days=rng.randint(-30, 4 * 365)),
                )
            )
        if shop.kbli_sector in ("10", "11") and rng.random() < 0.7:
            certs.append(
                Certification(
                    shop=shop,
                    kind="pirt",
                    number=f"P-IRT {rng.randint(10**14, 10**15 - 1)}",
                    expires_on=today + datetime.timedelta(days=rng.randint(20, 5 * 365)),
                )
            )
    Certification.objects.bulk_create(certs, batch_size=1000, ignore_conflicts=True)


def _demo_images(categories):
    """{(category slug, product name): (original path, renditions, published)}: one generated image per kind
    of product, shared by every demo product of that kind (~60 images, whatever the scale). Originals and
    renditions are private like any upload; the public copy is shared too (see
    `services.photo_renditions_publish`) and only given to photos of public products."""
    result = {}
    for index, (slug, names, *_rest) in enumerate(CATALOGUE):
        for n, name in enumerate(names):
            folder = f"ikm/demo/{slug}-{n}"
            original = f"{folder}/original.jpg"
            data = image_demo(text=name, color=COLORS[(index + n) % len(COLORS)], seed=index * 7 + n)
            if not private_storage().exists(original):
                private_storage().save(original, ContentFile(data))
            renditions = {}
            for size, rendered in image_renditions(image_sanitize(image_validate(ContentFile(data)))).items():
                entry = {"width": rendered["width"], "height": rendered["height"]}
                for fmt, ext in media.FORMATS.items():
                    path = f"{folder}/{size}.{ext}"
                    media.move_to_private(path)  # an older seed wrote renditions to public storage
                    if not private_storage().exists(path):
                        private_storage().save(path, ContentFile(rendered[fmt]))
                    entry[fmt] = path
                renditions[size] = entry
            result[(slug, name)] = (original, renditions, services.photo_renditions_publish(renditions))
    return result


def _seed_products(shops, per_shop, categories, images, rng):
    existing = set(Product.objects.filter(shop__in=shops).values_list("slug", flat=True))
    by_sector = {}
    for entry in CATALOGUE:
        by_sector.setdefault(entry[5], []).append(entry)
    products, pictures = [], []
    for i, shop in enumerate(shops):
        home = CATALOGUE[i % len(CATALOGUE)]
        for j in range(per_shop):
            slug = f"{shop.slug}-p{j:02d}"
            if slug in existing:
                continue
            kind = home if j % 4 else rng.choice(by_sector[home[5]])
            base = rng.choice(kind[1])
            lo, hi = kind[3]
            negotiable = kind[0].startswith("mebel") and rng.random() < 0.3
            pictures.append(images[(kind[0], base)])
            products.append(
                Product(
                    shop=shop,
                    name=f"{base} {rng.choice(VARIANTS)}",
                    slug=slug,
                    category=categories[kind[0]],
                    description=f"{base} buatan {shop.name}. Dibuat dari bahan pilihan, dikemas rapi, "
                    f"cocok untuk oleh-oleh dan usaha. Bisa pesan partai besar.",
                    price=None if negotiable else round(rng.randint(lo, hi), -3),
                    price_negotiable=negotiable,
                    unit=kind[2],
                    min_order=rng.choice([1, 1, 5, 10, 12, 50]),
                    monthly_capacity=rng.randint(20, 3000),
                    is_featured=rng.random() < 0.02,
                )
            )
    created = Product.objects.bulk_create(products, batch_size=2000)
    public = set(public_product_rows().filter(shop__in=shops).values_list("pk", flat=True))
    photos = []
    for product, (original, renditions, published) in zip(created, pictures, strict=True):
        photos.append(
            ProductPhoto(
                product=product,
                position=1,
                alt_text=product.name,
                original=original,
                renditions=renditions,
                published=published if product.pk in public else {},
                status=ProductPhoto.Status.READY,
            )
        )
    ProductPhoto.objects.bulk_create(photos, batch_size=2000)
    return [p.pk for p in created]


def _seed_activity(shops, rng):
    """Counters, inquiries and growth reports for the first shops (the demo owner's first)."""
    today = timezone.localdate()
    sample = shops[:20]
    products = list(Product.objects.filter(shop__in=sample))
    if ProductStat.objects.filter(product__in=products).exists():
        return
    stats, inquiries, reports = [], [], []
    for product in products:
        for days_ago in range(0, 90, 3):
            stats.append(
                ProductStat(
                    product=product,
                    date=today - datetime.timedelta(days=days_ago),
                    views=rng.randint(0, 40),
                    wa_clicks=rng.randint(0, 6),
                    inquiries=rng.randint(0, 2),
                )
            )
        if rng.random() < 0.5:
            inquiries.append(
                Inquiry(
                    product=product,
                    buyer_name=rng.choice(PEOPLE),
                    buyer_phone=f"6285{rng.randint(10_000_000, 99_999_999)}",
                    quantity=rng.choice([5, 10, 20, 100]),
                    message=f"Apakah {product.name} bisa dikirim ke Surabaya? Untuk oleh-oleh kantor.",
                    status=rng.choice(["baru", "dibalas", "selesai"]),
                )
            )
    for shop in sample:
        for half in (1, 2):
            end = datetime.date(today.year - 1, 6 * half, 30 if half == 1 else 31)
            reports.append(
                GrowthReport(
                    shop=shop,
                    period_start=end.replace(month=end.month - 5, day=1),
                    period_end=end,
                    output=rng.randint(500, 20000),
                    capacity=shop.monthly_capacity,
                    unit=shop.capacity_unit,
                    workers=shop.workers + half - 1,
                    omzet=rng.randint(10, 500) * 1_000_000,
                )
            )
    ProductStat.objects.bulk_create(stats, batch_size=2000, ignore_conflicts=True)
    Inquiry.objects.bulk_create(inquiries)
    GrowthReport.objects.bulk_create(reports, ignore_conflicts=True)


# --- capacity-building programmes ------------------------------------------------------------------

PAST_PROGRAMMES = [
    # (title, kind, sectors, days after the oldest semester end, participants, share attending)
    ("Pelatihan Keamanan Pangan dan Pengemasan", "pelatihan", ["10", "11"], 40, 24, 0.9),
    ("Bantuan Sertifikasi Halal Gratis", "halal", ["10", "11"], 75, 20, 0.9),
    ("Pendampingan Desain Motif Batik", "pendampingan", ["13"], 60, 8, 0.85),
]
OPEN_PROGRAMMES = [
    # (title, kind, sectors, days from today, quota, place)
    ("Bantuan Sertifikasi P-IRT", "pirt", ["10", "11"], 14, 25, "Aula Dinas Kesehatan, Kanigoro"),
    ("Kurasi Produk Oleh-oleh Khas Blitar", "kurasi", [], 21, 30, "Gedung Kesenian Aryo Blitar"),
    ("Pelatihan Standar SNI Mebel Kayu", "sni", ["31", "16"], 35, 15, "UPT Industri Kayu, Wlingi"),
]


def _semester_ends(today, n):
    """The last `n` half-year ends (30 June, 31 December) before today, oldest first."""
    ends, year = [], today.year
    while len(ends) < n:
        for end in (datetime.date(year, 12, 31), datetime.date(year, 6, 30)):
            if end < today and len(ends) < n:
                ends.append(end)
        year -= 1
    return sorted(ends)


def _seed_programmes(shops, rng):
    if Programme.objects.filter(title=PAST_PROGRAMMES[0][0]).exists():
        return
    today = timezone.localdate()
    ends = _semester_ends(today, 4)
    staff = get_user_model().objects.filter(username="diskominfo").first()
    # Shops 0–19 have the older demo reports; the programme sample starts after them.
    pool = [s for s in shops[20:] if s.status == Shop.Status.VERIFIED]
    participants = set()
    for title, kind, sectors, offset, n, attending in PAST_PROGRAMMES:
        starts = ends[0] + datetime.timedelta(days=offset)
        programme = Programme.objects.create(
            title=title,
            kind=kind,
            description="Program pembinaan IKM Kabupaten Blitar: materi, praktik, dan pendampingan lanjutan.",
            place="Pendopo Kabupaten Blitar, Kanigoro",
            starts_on=starts,
            ends_on=starts + datetime.timedelta(days=2),
            quota=n + 5,
            sectors=sectors,
            status=Programme.Status.PUBLISHED,
            created_by=staff,
        )
        candidates = [s for s in pool if s.kbli_sector in sectors]
        chosen = rng.sample(candidates, k=min(n, len(candidates)))
        rows = []
        for shop in chosen:
            attended = rng.random() < attending
            halal = kind == "halal" and attended and rng.random() < 0.75
            rows.append(
                ProgrammeRegistration(
                    programme=programme,
                    shop=shop,
                    attendance="hadir" if attended else "tidak_hadir",
                    certificate_obtained="halal" if halal else "",
                    capacity_note="Kapasitas naik setelah perbaikan alur produksi"
                    if attended and rng.random() < 0.4
                    else "",
                    registered_at=timezone.make_aware(datetime.datetime.combine(starts, datetime.time(9)))
                    - datetime.timedelta(days=rng.randint(3, 20)),
                    recorded_at=timezone.make_aware(datetime.datetime.combine(programme.ends_on, datetime.time(16))),
                    recorded_by=staff,
                )
            )
            if attended:
                participants.add(shop.pk)
            if halal:
                _demo_certificate(shop, "halal", programme.ends_on + datetime.timedelta(days=rng.randint(30, 120)), rng)
        ProgrammeRegistration.objects.bulk_create(rows)
    sample = [s for s in pool if s.kbli_sector in ("10", "11", "13")][:120]
    _seed_semester_reports(sample, ends, participants, rng)
    for shop in sample:
        if shop.pk not in participants and rng.random() < 0.1:
            _demo_certificate(shop, "pirt", ends[1] + datetime.timedelta(days=rng.randint(1, 150)), rng)
    for title, kind, sectors, days, quota, place in OPEN_PROGRAMMES:
        starts = today + datetime.timedelta(days=days)
        programme = Programme.objects.create(
            title=title,
            kind=kind,
            description="Pendaftaran terbuka untuk IKM di sektor sasaran; tempat terbatas.",
            place=place,
            starts_on=starts,
            ends_on=starts + datetime.timedelta(days=1),
            quota=quota,
            sectors=sectors,
            status=Programme.Status.PUBLISHED,
            created_by=staff,
        )
        takers = [s for s in pool if programme.is_for_sector(s.kbli_sector)][: quota // 3]
        ProgrammeRegistration.objects.bulk_create(
            [ProgrammeRegistration(programme=programme, shop=shop) for shop in takers]
        )


def _demo_certificate(shop, kind, issued_on, rng):
    Certification.objects.get_or_create(
        shop=shop,
        kind=kind,
        number=f"ID35{rng.randint(10**9, 10**10 - 1)}",
        defaults={"issued_on": issued_on, "expires_on": issued_on + datetime.timedelta(days=4 * 365)},
    )


def _seed_semester_reports(shops, ends, participants, rng):
    """Four semester reports per shop; shops that attended a programme grow faster after it."""
    reports = []
    for shop in shops:
        capacity = max(100, shop.monthly_capacity)
        for index, end in enumerate(ends):
            if index:
                boost = 0.12 if shop.pk in participants and index >= 2 else 0.0
                capacity = round(capacity * (1 + rng.uniform(-0.03, 0.06) + boost))
            reports.append(
                GrowthReport(
                    shop=shop,
                    period_start=end.replace(month=end.month - 5, day=1),
                    period_end=end,
                    output=capacity * 6 * rng.randint(60, 90) // 100,
                    capacity=capacity,
                    unit=shop.capacity_unit,
                    workers=shop.workers,
                    omzet=capacity * rng.randint(40, 120) * 1000,
                )
            )
    GrowthReport.objects.bulk_create(reports, batch_size=1000, ignore_conflicts=True)
