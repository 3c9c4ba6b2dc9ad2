"""Plantings on Diskominfo's review pages (blitar_portal/lib/review.py): the queue, the item's page
and the decisions, all through tanam's selectors and services."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from blitar_portal.lib.review import ReviewKind

from . import selectors, services
from .models import Planting

REASONS = [
    ("foto", _("Foto tidak menunjukkan pohon yang ditanam")),
    ("lokasi", _("Titik lokasi tidak sesuai dengan foto atau alamat")),
    ("ganda", _("Penanaman ini sudah terdaftar (data ganda)")),
    ("jumlah", _("Jumlah pohon tidak sesuai dengan foto")),
    ("spesies", _("Jenis pohon tidak sesuai dengan foto")),
]


def _details(planting: Planting) -> dict[str, Any]:
    nearby = list(selectors.plantings_nearby(planting))
    return {
        "photo": selectors.photo_url(planting, "large"),
        "point": planting.point,
        "nearby": nearby,
        "nearby_points": [
            {"lat": p.point.y, "lon": p.point.x, "label": f"#{p.pk} {p.species.local_name} ({p.distance_m:.1f} m)"}
            for p in nearby
        ],
        "audits": list(selectors.planting_audits(planting)),
    }


KIND = ReviewKind(
    slug="penanaman",
    title=_("Penanaman"),
    model=Planting,
    queue=selectors.plantings_review_queue,
    order=("created_at", "id"),
    get=selectors.planting_for_review,
    verify=lambda *, item, user: services.planting_verify(planting=item, user=user),
    reject=lambda *, item, user, reason: services.planting_reject(planting=item, user=user, reason=reason),
    reasons=REASONS,
    details=_details,
    item_template="dashboard/review/planting.html",
    row_template="dashboard/review/planting_row.html",
    owner_of=lambda planting: planting.user.get_full_name() or planting.user.username,
)

KINDS = {KIND.slug: KIND}
