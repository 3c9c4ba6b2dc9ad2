"""factory_boy factories shared by all apps (apps keep their own in tests/<app>/factories.py)."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

PASSWORD = "kata-sandi-uji-123"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"warga{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@contoh.id")
    first_name = factory.Faker("first_name", locale="id_ID")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*[Group.objects.get(name=name) for name in extracted])
        if create:
            self.save()


# --- One example object per model, for tests that walk every admin screen ------------------------
#
# `admin_example(model)` returns a saved object of `model` that its admin lists. Models with rules
# (services, proxies that filter, files) have a maker below; any other model gets the generic
# builder (required fields filled by type, foreign keys pointing at an existing or a new example).
# A new model the generic builder cannot make fails with its name and where to add a maker.


def _example_hospital():
    from ehealth.models import Hospital
    from tests.ehealth.conftest import make_hospital

    return Hospital.objects.filter(slug="rs-contoh").first() or make_hospital("rs-contoh", "RS Contoh")


def _example_service():
    from ehealth.models import Service
    from tests.ehealth.conftest import open_all_week

    hospital = _example_hospital()
    existing = Service.objects.filter(hospital=hospital, name="Poli Contoh").first()
    return existing or open_all_week(Service.objects.create(hospital=hospital, name="Poli Contoh"))


def _example_service_request():
    import datetime

    from django.utils import timezone

    from ehealth import services

    request, _warnings = services.service_request_create(
        service=_example_service(),
        visit_date=timezone.localdate() + datetime.timedelta(days=1),
        name="Siti Contoh",
        nik="3505014101900001",
        phone="081234567890",
        email="siti@contoh.id",
        bpjs_number="",
        complaint="Demam.",
        consent=True,
    )
    return request


def _example_bed_change():
    from ehealth.models import BedCountChange
    from tests.ehealth.conftest import set_beds

    hospital = _example_hospital()
    set_beds(hospital, {("KELAS_3", ""): (10, 4)})
    return BedCountChange.objects.filter(hospital=hospital).first()


def _example_sync_run():
    from ehealth.models import SyncRun

    return SyncRun.objects.create(hospital=_example_hospital(), status="ok", trigger="admin", rows=3)


def _example_membership():
    from ehealth.models import HospitalMembership

    return HospitalMembership.objects.create(user=UserFactory(username="petugas-contoh"), hospital=_example_hospital())


def _example_shop(*, verified=True):
    from django.core.files.base import ContentFile

    from blitar_portal.lib.media import private_storage
    from ikm.models import Shop
    from tests.ikm.conftest import jpeg_bytes, make_shop

    username = "pemilik-contoh" if verified else "pemilik-antre"
    shop = Shop.objects.filter(owner__username=username).first()
    if shop is None:
        shop = make_shop(UserFactory(username=username), verified=verified, name=f"Toko {username}")
        # A logo in private storage: the admin must show it as a picture, never as a file name.
        shop.logo.name = private_storage().save(f"ikm/logo/{username}.jpg", ContentFile(jpeg_bytes()))
        shop.marketplace_links = ["https://www.tokopedia.com/contoh"]
        shop.save(update_fields=["logo", "marketplace_links"])
    return shop


def _example_pending_shop():
    from ikm.models import Shop

    shop = _example_shop(verified=False)
    Shop.objects.filter(pk=shop.pk).update(status=Shop.Status.PENDING)
    return shop


def _example_product():
    from ikm.models import Product
    from tests.ikm.conftest import make_product

    shop = _example_shop()
    product = Product.objects.filter(shop=shop).first()
    if product is None:
        product = make_product(shop)
        product.photos.create(
            original="ikm/originals/contoh.jpg",
            renditions={"thumb": {"jpeg": f"ikm/photos/{product.pk}/thumb.jpg"}},
            status="ready",
        )
    return product


def _example_certification():
    import datetime

    from django.utils import timezone

    from ikm import services

    return services.certification_save(
        shop=_example_shop(),
        kind="halal",
        number="ID-CONTOH-1",
        expires_on=timezone.localdate() + datetime.timedelta(30),
    )


def _example_inquiry():
    from ikm.models import Inquiry

    return Inquiry.objects.create(
        product=_example_product(), buyer_name="Budi", buyer_phone="6281234567890", quantity=5, message="Ada stok?"
    )


def _example_growth_report():
    import datetime

    from ikm.models import GrowthReport

    return GrowthReport.objects.create(
        shop=_example_shop(),
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 6, 30),
        output=1200,
        capacity=300,
        workers=4,
        omzet=25_000_000,
    )


def _example_planting():
    from django.utils import timezone

    from blitar_portal.regions.models import Desa
    from tanam import services
    from tanam.models import Planting, Species

    services.species_load_csv()
    desa = Desa.objects.select_related("kecamatan").order_by("code").first()
    planting = Planting.objects.create(
        user=UserFactory(username="penanam-contoh"),
        point=desa.geom.point_on_surface,
        kecamatan=desa.kecamatan,
        desa=desa,
        species=Species.objects.order_by("pk").first(),
        planted_on=timezone.localdate(),
        photo="tanam/foto/contoh.jpg",
        renditions={size: {"jpeg": f"tanam/rendisi/contoh/{size}.jpg"} for size in ("thumb", "card", "large")},
    )
    planting.audits.create(changes={"tree_count": [1, 3]}, note="Koreksi jumlah")
    return planting


def _example_community():
    from tanam.models import Community

    return Community.objects.create(name="Komunitas Contoh", slug="komunitas-contoh")


def _example_campaign():
    import datetime

    from tanam.models import Campaign

    return Campaign.objects.create(
        name="Kampanye Contoh",
        slug="kampanye-contoh",
        target_trees=100,
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
        organiser=_example_community(),
    )


def _example_notification():
    from blitar_portal.notifications.models import Contact, Notification

    contact = Contact.objects.create(email="warga@contoh.id", phone="+6281234567890", email_consent_at=None)
    return Notification.objects.create(
        contact=contact,
        event="contoh",
        template="contoh",
        channel="email",
        to="warga@contoh.id",
        recipient_key="contoh",
        dedupe_key="contoh:1",
        subject="Contoh",
        text="Isi contoh",
        payload={"kode": "ABC"},
    )


def _example_contact():
    from blitar_portal.notifications.models import Contact

    return Contact.objects.create(email="kontak@contoh.id", phone="+6281234567891", topics=["kesehatan"])


ADMIN_EXAMPLES = {
    "ehealth.hospital": _example_hospital,
    "ehealth.service": _example_service,
    "ehealth.servicerequest": _example_service_request,
    "ehealth.bedcountchange": _example_bed_change,
    "ehealth.syncrun": _example_sync_run,
    "ehealth.hospitalmembership": _example_membership,
    "ikm.shop": _example_shop,
    "ikm.verificationqueue": _example_pending_shop,
    "ikm.product": _example_product,
    "ikm.certification": _example_certification,
    "ikm.expiringcertification": _example_certification,
    "ikm.inquiry": _example_inquiry,
    "ikm.growthreport": _example_growth_report,
    "tanam.planting": _example_planting,
    "tanam.community": _example_community,
    "tanam.campaign": _example_campaign,
    "notifications.notification": _example_notification,
    "notifications.contact": _example_contact,
}


def admin_example(model, queryset=None):
    """A saved object of `model` found in `queryset` (default: all rows), made when there is none."""
    queryset = model._default_manager.all() if queryset is None else queryset
    existing = queryset.order_by("pk").first()
    if existing is not None:
        return existing
    label = model._meta.label_lower
    maker = ADMIN_EXAMPLES.get(label)
    try:
        maker() if maker else _generic_example(model._meta.concrete_model)
    except Exception as exc:
        raise AssertionError(
            f"No example object for {label}: {'its maker' if maker else 'the generic builder'} failed "
            f"({exc.__class__.__name__}: {exc}). Add a maker for it to ADMIN_EXAMPLES in tests/factories.py."
        ) from exc
    found = queryset.order_by("pk").first()
    assert found is not None, (
        f"The example object of {label} is not listed by its admin (a proxy or a filtered queryset): "
        "add a maker that creates a listed one to ADMIN_EXAMPLES in tests/factories.py."
    )
    return found


def _generic_example(model, depth=0):
    """An instance with every required field filled by type (foreign keys: an existing row, else an example)."""
    import datetime
    import uuid

    from django.contrib.auth import get_user_model
    from django.contrib.gis.db import models as gis
    from django.db import models
    from django.utils import timezone

    from blitar_portal.regions.models import Kecamatan

    if model is get_user_model():
        return UserFactory()
    assert depth < 4, f"{model._meta.label}: foreign keys nest too deep for the generic builder"
    values = {}
    for field in model._meta.concrete_fields:
        if field.primary_key and field.auto_created or field.has_default() or field.null or field.auto_created:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue
        if field.is_relation:
            related = field.related_model
            values[field.name] = related._default_manager.order_by("pk").first() or _generic_example(related, depth + 1)
        elif field.choices:
            values[field.name] = field.choices[0][0]
        elif isinstance(field, gis.GeometryField):
            outline = Kecamatan.objects.order_by("pk").first().geom
            values[field.name] = outline if field.geom_type.startswith("MULTI") else outline.point_on_surface
        elif isinstance(field, models.EmailField):
            values[field.name] = "contoh@contoh.id"
        elif isinstance(field, models.URLField):
            values[field.name] = "https://contoh.id/"
        elif isinstance(field, (models.CharField, models.TextField)):
            values[field.name] = f"contoh-{uuid.uuid4().hex[:8]}"[: field.max_length or 40]
        elif isinstance(field, models.BooleanField):
            values[field.name] = False
        elif isinstance(field, (models.IntegerField, models.FloatField, models.DecimalField)):
            values[field.name] = 1
        elif isinstance(field, models.DateTimeField):
            values[field.name] = timezone.now()
        elif isinstance(field, models.DateField):
            values[field.name] = timezone.localdate()
        elif isinstance(field, models.TimeField):
            values[field.name] = datetime.time(8, 0)
        elif isinstance(field, models.UUIDField):
            values[field.name] = uuid.uuid4()
        elif isinstance(field, models.JSONField):
            values[field.name] = {}
        elif isinstance(field, models.FileField):
            values[field.name] = ""
        else:
            raise TypeError(f"{model._meta.label}.{field.name}: no generic value for {field.__class__.__name__}")
    return model._default_manager.create(**values)
