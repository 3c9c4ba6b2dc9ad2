"""Demo data of Gerakan Bangga Menanam for `seed_demo` (idempotent).

scale 1 = 10,000 plantings (2016 → today) at random points inside the real desa
polygons; scale 100 = 1,000,000 (the benchmark size). Bulk plantings are inserted
with one INSERT … SELECT over ST_GeneratePoints per desa, never one ORM save each;
the cluster cells and the land cover are then rebuilt in bulk SQL.
A few plantings of the demo citizen go through the real registration pipeline
(Pillow demo photos, renditions). Demo accounts (password blitar-demo-2026):
`penanam` (citizen with pending, verified and rejected plantings), `relawan`
(member of a community) and `tanam-bulk` (owner of the bulk data, cannot sign in).
Each community also gets four members (`anggota-<n>-<m>`, cannot sign in; three agree to
be listed) who own a share of its bulk plantings, and a third of the older public plantings
get a check in the last 11 months, so member lists, surviving trees and overdue re-checks
show real figures.
"""

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone

from blitar_portal.lib.images import image_demo
from blitar_portal.regions.models import Desa, Kecamatan

from . import services, services_community
from .models import Campaign, Community, Observation, OpenDataFile, Planting, Species
from .schedule import next_check_sql
from .selectors import public_planting_sql

DEMO_PASSWORD = "blitar-demo-2026"  # noqa: S105 - demo data only, listed in the README
PLANTINGS_PER_SCALE = 10_000
START = date(2016, 3, 1)  # the programme's sarasehan
COVER_THREADS = 2

COMMUNITIES = [
    ("Komunitas Blitar Hijau", "kanigoro"),
    ("Pramuka Kwarcab Blitar", "wlingi"),
    ("Karang Taruna Tunas Muda", "srengat"),
    ("Pecinta Alam Kelud", "gandusari"),
    ("PKK Kecamatan Sutojayan", "sutojayan"),
    ("Forum Sekolah Adiwiyata", "talun"),
    ("Kelompok Tani Hutan Maju", "wonotirto"),
    ("Relawan Sungai Brantas", "kademangan"),
]
CAMPAIGNS = [
    ("Penanaman Taman Tahura", "wlingi", 25_000, date(2023, 11, 1), date(2024, 3, 31)),
    ("Hari Menanam Pohon Indonesia 2024", None, 60_000, date(2024, 11, 28), date(2024, 12, 31)),
    ("Gerakan Bangga Menanam 2016", None, 40_000, date(2016, 3, 1), date(2016, 12, 31)),
    ("Sabuk Hijau Pantai Selatan", "wonotirto", 15_000, date(2025, 1, 1), date(2025, 12, 31)),
]


def _user(username, first_name, *, usable=True):
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": first_name, "email": f"{username}@demo.blitarkab.go.id"}
    )
    if created:
        if usable:
            user.set_password(DEMO_PASSWORD)
        else:
            user.set_unusable_password()
        user.save()
    return user


def _kecamatan(slug_part):
    if slug_part is None:
        return None
    return Kecamatan.objects.filter(slug__icontains=slug_part).first()


MEMBER_NAMES = ["Ani", "Budi", "Citra", "Dwi", "Eko", "Fitri", "Gilang", "Hesti", "Indra", "Joko", "Kartika"]
MEMBERS_PER_COMMUNITY = 4


def _communities(relawan, penanam):
    result = []
    for name, kec in COMMUNITIES:
        slug = name.lower().replace(" ", "-")
        community, _created = Community.objects.get_or_create(
            slug=slug, defaults={"name": name, "kecamatan": _kecamatan(kec), "description": ""}
        )
        result.append(community)
    services_community.membership_join(community=result[0], user=relawan, listed=True)
    services_community.membership_join(community=result[0], user=penanam, listed=True)
    return result


def _member_users(communities):
    """{community: [users]}: demo members (cannot sign in); the last of each community is not listed."""
    members = {}
    for ci, community in enumerate(communities):
        members[community] = []
        for m in range(MEMBERS_PER_COMMUNITY):
            first = MEMBER_NAMES[(ci * MEMBERS_PER_COMMUNITY + m) % len(MEMBER_NAMES)]
            user = _user(f"anggota-{ci + 1}-{m + 1}", f"{first} {community.name.split()[-1]}", usable=False)
            listed = m < MEMBERS_PER_COMMUNITY - 1
            services_community.membership_join(community=community, user=user, listed=listed)
            members[community].append(user)
    return members


def _members_take_plantings(cursor, bulk_user, members):
    """Each demo member owns about 1 in 60 of their community's bulk plantings (idempotent)."""
    for community, users in members.items():
        for m, user in enumerate(users):
            if Planting.objects.filter(user=user).exists():
                continue
            cursor.execute(
                """UPDATE tanam_planting SET user_id = %(member)s
                   WHERE user_id = %(bulk)s AND community_id = %(community)s AND id %% 60 = %(slot)s""",
                {"member": user.pk, "bulk": bulk_user.pk, "community": community.pk, "slot": m},
            )


def _campaigns(communities):
    result = []
    for i, (name, kec, target, starts, ends) in enumerate(CAMPAIGNS):
        slug = name.lower().replace(" ", "-")
        campaign, _created = Campaign.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kecamatan": _kecamatan(kec),
                "target_trees": target,
                "starts_on": starts,
                "ends_on": ends,
                "organiser": communities[i % len(communities)],
            },
        )
        result.append(campaign)
    return result


_BULK_SQL = """
    INSERT INTO tanam_planting (user_id, point, gps_accuracy_m, location_source, kecamatan_id, desa_id, species_id,
        tree_count, planted_on, community_id, campaign_id, photo, renditions, published, notes, status,
        rejection_reason, verified_by_id, verified_at, condition, next_check_on, created_at, updated_at)
    SELECT %(user)s, pt, round((3 + random() * 25)::numeric, 1), 'gps', kecamatan_id, desa_id,
           (%(species)s::bigint[])[1 + floor(random() * %(n_species)s)::int],
           CASE WHEN r < 0.80 THEN 1 WHEN r < 0.95 THEN 2 + floor(random() * 9)::int
                ELSE 10 + floor(random() * 90)::int END,
           planted_on,
           CASE WHEN random() < 0.35 THEN (%(communities)s::bigint[])[1 + floor(random() * %(n_communities)s)::int] END,
           NULL, '', '{}'::jsonb, '{}'::jsonb, '', status,
           CASE WHEN status = 'rejected' THEN 'Foto tidak menunjukkan pohon.' ELSE '' END,
           CASE WHEN status <> 'pending' THEN %(staff)s END,
           CASE WHEN status <> 'pending' THEN planted_on + interval '3 days' END,
           'unknown', {first_check}, planted_on + interval '1 day', now()
    FROM (
        SELECT desa_id, kecamatan_id, pt, random() AS r,
               CASE WHEN planted_on > current_date - 14 AND random() < 0.7 THEN 'pending'
                    WHEN random() < 0.02 THEN 'rejected' WHEN random() < 0.03 THEN 'pending'
                    ELSE 'verified' END AS status,
               planted_on
        FROM (
            SELECT d.id AS desa_id, d.kecamatan_id, (ST_Dump(ST_GeneratePoints(d.geom, n, %(seed)s))).geom AS pt,
                   %(start)s::date + floor(power(random(), 0.7) * (current_date - %(start)s::date))::int AS planted_on
            FROM (
                SELECT id, kecamatan_id, geom,
                       greatest(1, round(%(total)s * area_km2 / sum(area_km2) OVER ()))::int AS n
                FROM regions_desa WHERE id = ANY(%(desa_ids)s)
            ) d
        ) points
    ) rows
""".replace("{first_check}", next_check_sql("planted_on", "NULL::date", "false"))

# Staff observed a share of the older public plantings ({public}: `selectors.public_planting_sql`).
_OBSERVATIONS_SQL = """
    INSERT INTO tanam_observation
        (planting_id, observed_by_id, observed_on, condition, height_m, photo, notes, created_at)
    SELECT id, %(staff)s, obs_on, CASE WHEN random() < 0.12 THEN 'dead' ELSE 'alive' END,
           round((0.5 + random() * 6)::numeric, 1), '', '', now()
    FROM (
        SELECT id, planted_on + 150 + floor(random() * 200)::int AS obs_on
        FROM tanam_planting WHERE user_id = %(user)s AND {public} AND planted_on < current_date - 400
          AND random() < 0.2
    ) p
"""

RECENT_CHECK_NOTE = "Pemeriksaan ulang (data demo)."
# A third of the public plantings older than 90 days were checked again in the last 11 months.
_RECENT_OBSERVATIONS_SQL = """
    INSERT INTO tanam_observation
        (planting_id, observed_by_id, observed_on, condition, height_m, photo, notes, created_at)
    SELECT id, %(staff)s, obs_on, CASE WHEN random() < 0.15 THEN 'dead' ELSE 'alive' END,
           round((0.3 + random() * 5)::numeric, 1), '', %(note)s, now()
    FROM (
        SELECT id, greatest(planted_on + 60, current_date - floor(random() * 330)::int) AS obs_on
        FROM tanam_planting WHERE user_id = ANY(%(owners)s) AND {public} AND planted_on < current_date - 90
          AND random() < 0.33
    ) p
"""

# The latest check of each planting, written onto it as services._planting_condition_update does
# (dead_since: the latest check's date when it found the trees dead), next check by tanam/schedule.py.
_DENORMALISE_SQL = """
    UPDATE tanam_planting pl SET condition = o.condition, first_observed_on = o.first_on,
           last_observed_on = o.observed_on,
           dead_since = CASE WHEN o.condition = 'dead' THEN o.observed_on END,
           next_check_on = {next_check}
    FROM (
        SELECT DISTINCT ON (ob.planting_id) ob.planting_id, ob.observed_on, ob.condition,
               min(ob.observed_on) OVER (PARTITION BY ob.planting_id) AS first_on
        FROM tanam_observation ob JOIN tanam_planting p ON p.id = ob.planting_id
        WHERE p.user_id = ANY(%(owners)s)
        ORDER BY ob.planting_id, ob.observed_on DESC, ob.id DESC
    ) o WHERE o.planting_id = pl.id
""".replace("{next_check}", next_check_sql("pl.planted_on", "o.observed_on", "o.condition = 'dead'"))


def _bulk_plantings(*, target, bulk_user, staff, communities, campaigns, members, stdout):
    owners = [bulk_user.pk, *(user.pk for users in members.values() for user in users)]
    existing = Planting.objects.filter(user_id__in=owners).count()
    missing = target - existing
    if missing <= target // 100:  # per-desa rounding leaves the count within 1 % of the target
        stdout.write(f"  bulk plantings: {existing} already present")
        return 0
    started = time.monotonic()
    desa_ids = list(Desa.objects.order_by("id").values_list("id", flat=True))
    species = list(Species.objects.order_by("id").values_list("id", flat=True))
    community_ids = [c.pk for c in communities]
    batch = max(1, len(desa_ids) // max(1, missing // 100_000 + 1))
    with connection.cursor() as cursor:
        for offset in range(0, len(desa_ids), batch):
            chunk = desa_ids[offset : offset + batch]
            share = missing * Desa.objects.filter(pk__in=chunk).aggregate(a=_sum("area_km2"))["a"] / _total_area()
            params = {
                "user": bulk_user.pk,
                "species": species,
                "n_species": len(species),
                "staff": staff.pk,
                "communities": community_ids,
                "n_communities": len(community_ids),
                "seed": 42 + existing + offset,
                "start": START,
                "total": share,
                "desa_ids": chunk,
            }
            with transaction.atomic():
                cursor.execute(_BULK_SQL, params)
        _assign_campaigns(cursor, bulk_user, campaigns)
        cursor.execute(
            _OBSERVATIONS_SQL.format(public=public_planting_sql()), {"user": bulk_user.pk, "staff": staff.pk}
        )
        _members_take_plantings(cursor, bulk_user, members)
        cursor.execute("ANALYZE tanam_planting")
    stdout.write(f"  bulk plantings: +{missing} (approx.) in {time.monotonic() - started:.1f} s")
    return missing


def _recent_observations(*, bulk_user, staff, members, bulk_added, stdout):
    """Checks in the last 11 months (surviving trees, re-check schedule), once per database; then
    every checked planting takes its latest check."""
    owners = [bulk_user.pk, *(user.pk for users in members.values() for user in users)]
    with connection.cursor() as cursor:
        _members_take_plantings(cursor, bulk_user, members)  # a database seeded before members existed
        added = 0
        if not Observation.objects.filter(planting__user_id__in=owners, notes=RECENT_CHECK_NOTE).exists():
            params = {"owners": owners, "staff": staff.pk, "note": RECENT_CHECK_NOTE}
            cursor.execute(_RECENT_OBSERVATIONS_SQL.format(public=public_planting_sql()), params)
            added = cursor.rowcount
        if not (added or bulk_added):
            return 0
        cursor.execute(_DENORMALISE_SQL, {"owners": owners})
    stdout.write(f"  recent checks: {added}")
    return added


def _sum(field):
    from django.db.models import Sum

    return Sum(field)


def _total_area():
    from django.db.models import Sum

    return Desa.objects.aggregate(a=Sum("area_km2"))["a"]


def _assign_campaigns(cursor, bulk_user, campaigns):
    for campaign in campaigns:
        # A campaign with a kecamatan takes plantings there; a regency-wide one every fourth planting.
        cursor.execute(
            """UPDATE tanam_planting SET campaign_id = %(campaign)s
               WHERE user_id = %(user)s AND campaign_id IS NULL AND planted_on BETWEEN %(starts)s AND %(ends)s
                 AND (kecamatan_id = %(kec)s OR (%(kec)s IS NULL AND id %% 4 = 0))""",
            {
                "campaign": campaign.pk,
                "user": bulk_user.pk,
                "starts": campaign.starts_on,
                "ends": campaign.ends_on,
                "kec": campaign.kecamatan_id,
            },
        )


def _named_plantings(*, penanam, staff, communities, campaigns, stdout):
    """A citizen's own plantings through the real pipeline: photos, pending, verified, rejected."""
    if Planting.objects.filter(user=penanam).exists():
        return
    spots = list(Desa.objects.order_by("code").values_list("geom", flat=True)[:6])
    species = list(Species.objects.order_by("slug")[:6])
    today = timezone.localdate()
    for i, (geom, sp) in enumerate(zip(spots, species, strict=False)):
        point = geom.point_on_surface
        photo = SimpleUploadedFile(f"demo{i}.jpg", image_demo(text=f"{sp.local_name} #{i + 1}", seed=i), "image/jpeg")
        result = services.planting_register(
            user=penanam,
            species=sp,
            lat=f"{point.y:.7f}",
            lon=f"{point.x:.7f}",
            tree_count=1 + i,
            planted_on=today - timedelta(days=30 * (i + 1)),
            community=communities[0] if i % 2 else None,
            campaign=campaigns[0] if i == 1 else None,
            photo=photo,
            notes="Data demo.",
        )
        services.planting_renditions_build(planting_id=result.planting.pk)
        if i in (0, 1, 2):
            services.planting_verify(planting=result.planting, user=staff)
        elif i == 3:
            services.planting_reject(planting=result.planting, user=staff, reason="Titik berada di tengah jalan.")
    stdout.write("  named plantings of 'penanam': 6 (3 verified, 1 rejected, 2 pending)")


def seed(*, scale, stdout):
    services.species_load_csv()
    penanam = _user("penanam", "Siti Penanam")
    relawan = _user("relawan", "Rudi Relawan")
    bulk_user = _user("tanam-bulk", "Data massal Bangga Menanam", usable=False)
    staff = get_user_model().objects.filter(username="diskominfo").first() or _user("diskominfo", "Staf Diskominfo")
    communities = _communities(relawan, penanam)
    members = _member_users(communities)
    campaigns = _campaigns(communities)
    _named_plantings(penanam=penanam, staff=staff, communities=communities, campaigns=campaigns, stdout=stdout)
    added = _bulk_plantings(
        target=scale * PLANTINGS_PER_SCALE,
        bulk_user=bulk_user,
        staff=staff,
        communities=communities,
        campaigns=campaigns,
        members=members,
        stdout=stdout,
    )
    added += _recent_observations(bulk_user=bulk_user, staff=staff, members=members, bulk_added=added, stdout=stdout)
    if added or not _aggregates_present():
        aggregates_rebuild(stdout=stdout)
    if added or not OpenDataFile.objects.exists():
        started = time.monotonic()
        files = services.open_data_build()
        stdout.write(f"  open-data files: {files[0].rows} plantings in {time.monotonic() - started:.1f} s")
    stdout.write("  demo users: penanam, relawan (password blitar-demo-2026)")


def _aggregates_present():
    from .models import CanopyTile, ClusterCell, CoverStat

    # CanopyTile came later (migration 0004): a database seeded before it must be rebuilt once.
    return ClusterCell.objects.exists() and CoverStat.objects.exists() and CanopyTile.objects.exists()


def aggregates_rebuild(*, stdout):
    started = time.monotonic()
    cells = services.cluster_cells_rebuild()
    stdout.write(f"  cluster cells: {cells} in {time.monotonic() - started:.1f} s")
    started = time.monotonic()
    groups = [list(k.desa_set.values_list("id", flat=True)) for k in Kecamatan.objects.order_by("code")]
    if connection.in_atomic_block:
        # Other connections could not see this transaction's plantings: stay on this one.
        for desa_ids in groups:
            services.cover_refresh(desa_ids=desa_ids)
    else:
        # The work happens in PostgreSQL: two connections use two cores.
        with ThreadPoolExecutor(max_workers=COVER_THREADS) as pool:
            list(pool.map(_cover_refresh_in_thread, groups))
    years = services.cover_years()
    stdout.write(f"  land cover {years[0]}–{years[-1]}: {time.monotonic() - started:.1f} s")


def _cover_refresh_in_thread(desa_ids):
    try:
        services.cover_refresh(desa_ids=desa_ids)
    finally:
        connection.close()
