"""Shared helpers of the personal-data tests: one request with every personal field filled."""

import datetime

from django.utils import timezone

from ehealth import services

NIK = "3505014101900001"
BPJS = "0001234567890"
COMPLAINT = "Nyeri dada sejak dua hari"
EMAIL = "siti.aminah@contoh.id"


def make_request(service, *, visit_date=None, email=EMAIL, bpjs_number=BPJS, **kw):
    request, _warnings = services.service_request_create(
        service=service,
        visit_date=visit_date or timezone.localdate() + datetime.timedelta(days=1),
        name="Siti Aminah",
        nik=NIK,
        phone="0812-3456-7890",
        complaint=COMPLAINT,
        consent=True,
        email=email,
        bpjs_number=bpjs_number,
        **kw,
    )
    return request


def make_past_request(service, *, days_ago, status="selesai", **kw):
    """A request whose visit was `days_ago` days ago, in a final status (as after a real visit)."""
    from ehealth.models import ServiceRequest

    request = make_request(service, **kw)
    visit = timezone.localdate() - datetime.timedelta(days=days_ago)
    created = timezone.now() - datetime.timedelta(days=days_ago + 1)
    ServiceRequest.objects.filter(pk=request.pk).update(
        visit_date=visit,
        status=status,
        created_at=created,
        accepted_at=created + datetime.timedelta(hours=2),
        completed_at=created + datetime.timedelta(hours=20) if status == "selesai" else None,
        status_changed_at=created + datetime.timedelta(hours=20),
    )
    request.refresh_from_db()
    return request
