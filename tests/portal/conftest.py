"""A few realistic rows of every app, so that every public page and API path resolves
(the bad-input and schema-driven tests send hostile values to real objects)."""

import datetime
import time
from dataclasses import dataclass

import pytest
from django.utils import timezone

from tests.factories import UserFactory


@dataclass
class PortalRows:
    hospital: object
    service: object
    service_request: object
    shop: object
    product: object
    planting: object
    planter: object
    community: object
    campaign: object


@pytest.fixture
def portal_rows(db, settings, tmp_path):
    from django.core.management import call_command

    from blitar_portal.accounts.roles import IKM_OWNER
    from blitar_portal.regions.models import Desa, Kecamatan
    from ehealth import services as ehealth_services
    from ehealth.models import Service
    from ikm.selectors import catalogue_version_set
    from tanam import services as tanam_services
    from tanam.models import Campaign, Community, Planting, Species
    from tests.ehealth.conftest import make_hospital, open_all_week, set_beds
    from tests.ikm.conftest import make_product, make_shop

    settings.MEDIA_ROOT = tmp_path / "media"
    if not Kecamatan.objects.exists():
        call_command("load_regions", verbosity=0)
    tanam_services.species_load_csv()
    catalogue_version_set(time.time_ns())

    hospital = make_hospital("rsud-wlingi", "RSUD Ngudi Waluyo Wlingi")
    set_beds(hospital, {("VIP", ""): (6, 2), ("KELAS_3", ""): (12, 3)})
    service = open_all_week(
        Service.objects.create(hospital=hospital, name="Poli Anak", daily_quota=30, avg_service_minutes=15)
    )
    service_request, _warnings = ehealth_services.service_request_create(
        service=service,
        visit_date=timezone.localdate() + datetime.timedelta(days=1),
        name="Siti Aminah",
        nik="3505014101900001",
        phone="081234567890",
        email="siti@example.com",
        bpjs_number="",
        complaint="Demam tiga hari.",
        consent=True,
    )

    owner = UserFactory(username="sri", first_name="Sri Wahyuni", groups=[IKM_OWNER])
    shop = make_shop(owner)
    product = make_product(shop)

    planter = UserFactory(username="penanam", first_name="Penanam Uji")
    desa = Desa.objects.select_related("kecamatan").order_by("code").first()
    community = Community.objects.create(name="Relawan Hijau", slug="relawan-hijau", kecamatan=desa.kecamatan)
    campaign = Campaign.objects.create(
        name="Sejuta Pohon",
        slug="sejuta-pohon",
        target_trees=1000,
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
    )
    planting = Planting.objects.create(
        user=planter,
        point=desa.geom.point_on_surface,
        kecamatan=desa.kecamatan,
        desa=desa,
        species=Species.objects.get(slug="mahoni"),
        tree_count=3,
        planted_on=timezone.localdate() - datetime.timedelta(days=30),
        status="pending",
        community=community,
        campaign=campaign,
    )
    return PortalRows(hospital, service, service_request, shop, product, planting, planter, community, campaign)
