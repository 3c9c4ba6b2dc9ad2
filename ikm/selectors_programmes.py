"""Reads of the capacity-building programmes: what an owner may register for, their registrations, and a
shop's capacity and certificates over time next to the programmes it attended (owner page and staff page).

The participant/non-participant comparison of the dashboard is `ikm/dashboard.py` (`programme_comparison`).
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Certification, GrowthReport, Programme, ProgrammeRegistration, Shop

REGISTERED = Q(status=ProgrammeRegistration.Status.REGISTERED)


def programme_registered_count(programme: Programme) -> int:
    """Places taken (registrations not cancelled): what the quota counts."""
    return ProgrammeRegistration.objects.filter(REGISTERED, programme=programme).count()


def _with_taken(qs: QuerySet[Programme]) -> QuerySet[Programme]:
    return qs.annotate(taken=Count("registrations", filter=Q(registrations__status="terdaftar")))


def programmes_open_for_shop(shop: Shop, *, today: datetime.date | None = None) -> list[Programme]:
    """Published programmes not yet started, for the shop's sector (or every sector), soonest first;
    each with `taken` (places taken) and `left` (places left). Full ones stay listed (marked full)."""
    today = today or timezone.localdate()
    qs = _with_taken(
        Programme.objects.filter(status=Programme.Status.PUBLISHED, starts_on__gt=today).filter(
            Q(sectors=[]) | Q(sectors__contains=[shop.kbli_sector])
        )
    ).order_by("starts_on", "title")
    programmes = list(qs)
    for programme in programmes:
        programme.left = max(0, programme.quota - programme.taken)  # type: ignore[attr-defined]
    return programmes


def shop_registrations(shop: Shop) -> QuerySet[ProgrammeRegistration]:
    """Every registration of the shop (cancelled ones too), newest programme first."""
    return (
        ProgrammeRegistration.objects.filter(shop=shop)
        .select_related("programme")
        .order_by("-programme__starts_on", "-registered_at")
    )


def owner_registration(user: User, pk: int) -> ProgrammeRegistration | None:
    """One registration of the user's own shop (another owner's is None: a 404)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return ProgrammeRegistration.objects.filter(pk=pk, shop__owner=user).select_related("programme").first()


def programme_published(pk: int) -> Programme | None:
    return Programme.objects.filter(pk=pk, status=Programme.Status.PUBLISHED).first()


def shop_for_staff(pk: int) -> Shop | None:
    return Shop.objects.select_related("kecamatan", "owner").defer("kecamatan__geom").filter(pk=pk).first()


@dataclass
class HistoryRow:
    """One line of a shop's history: a growth report, a certificate issued, or a programme attended."""

    day: datetime.date
    kind: str  # "laporan" | "sertifikat" | "program"
    text: str = ""  # certificates and programmes; a report's line is written by the template from its dates
    start: datetime.date | None = None  # reports: the period's first day
    capacity: int | None = None
    unit: str = ""
    change_percent: float | None = None  # capacity against the previous report
    certificates: int | None = None  # certificates valid on that day (reports only)


def _valid_on(certificates: list[Certification], day: datetime.date) -> int:
    """Certificates held on `day`: issued by then (or with no issue date) and not expired."""
    return sum(
        1
        for c in certificates
        if (c.issued_on is None or c.issued_on <= day) and (c.expires_on is None or c.expires_on >= day)
    )


def shop_history(shop: Shop) -> dict[str, Any]:
    """The shop's production capacity and certificates over time (its semester growth reports), next to
    the programmes it attended: {"rows": [HistoryRow…] oldest first, "attended": n, "reports": n}."""
    reports = list(GrowthReport.objects.filter(shop=shop).order_by("period_end"))
    certificates = list(Certification.objects.filter(shop=shop))
    registrations = list(
        ProgrammeRegistration.objects.filter(REGISTERED, shop=shop)
        .exclude(attendance=ProgrammeRegistration.Attendance.ABSENT)
        .select_related("programme")
    )
    rows: list[HistoryRow] = []
    previous: GrowthReport | None = None
    for report in reports:
        change = None
        if previous is not None and previous.capacity:
            change = round(100 * (report.capacity - previous.capacity) / previous.capacity, 1)
        rows.append(
            HistoryRow(
                day=report.period_end,
                kind="laporan",
                start=report.period_start,
                capacity=report.capacity,
                unit=report.unit,
                change_percent=change,
                certificates=_valid_on(certificates, report.period_end),
            )
        )
        previous = report
    for cert in certificates:
        if cert.issued_on is not None:
            rows.append(HistoryRow(day=cert.issued_on, kind="sertifikat", text=_("Sertifikat terbit: %s") % cert))
    for registration in registrations:
        rows.append(_programme_row(registration))
    rows.sort(key=lambda r: (r.day, r.kind))
    attended = sum(1 for r in registrations if r.attendance == ProgrammeRegistration.Attendance.ATTENDED)
    return {"rows": rows, "attended": attended, "reports": len(reports)}


def _programme_row(registration: ProgrammeRegistration) -> HistoryRow:
    programme = registration.programme
    if registration.attendance == ProgrammeRegistration.Attendance.ATTENDED:
        text = _("Mengikuti %(kind)s: %(title)s") % {"kind": programme.get_kind_display(), "title": programme.title}
    else:
        text = _("Terdaftar di %(kind)s: %(title)s") % {"kind": programme.get_kind_display(), "title": programme.title}
    outcomes = []
    if registration.certificate_obtained:
        outcomes.append(_("sertifikat %s diperoleh") % registration.get_certificate_obtained_display())
    if registration.capacity_note:
        outcomes.append(registration.capacity_note)
    if outcomes:
        text += " — " + "; ".join(outcomes)
    return HistoryRow(day=programme.starts_on, kind="program", text=text)


def programme_registrations(programme: Programme) -> QuerySet[ProgrammeRegistration]:
    """A programme's registrations (staff), with the shop and its sector."""
    return programme.registrations.select_related("shop__kecamatan").order_by("status", "shop__name")


def programme_for_staff(pk: int) -> Programme | None:
    """Any programme, drafts and cancelled ones too (staff)."""
    return Programme.objects.filter(pk=pk).first()
