"""HL7 FHIR R4 Bundle of Location resources: wards/rooms and beds (docs/feeds/FORMATS.md).

A bed counts towards the class of the nearest ancestor (room, then ward) that
states a class; beds with status inactive/suspended are not in service;
operationalStatus U (unoccupied) is the only available state.
"""

from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin, urlparse

from django.utils.translation import gettext_lazy as _

from . import CANONICAL_CLASSES, LAINNYA, FeedError, FeedRow, json_body
from .fetch import Fetch

MAX_PAGES = 50
PHYSICAL_TYPE = "http://terminology.hl7.org/CodeSystem/location-physical-type"
SERVICE_CLASS_URL = "https://fhir.kemkes.go.id/r4/StructureDefinition/ServiceClass"
SERVICE_CLASS_SYSTEM = "http://terminology.kemkes.go.id/CodeSystem/locationServiceClass-Inpatient"
ROLE_CODE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
SERVICE_CLASSES = {"vvip": "VVIP", "vip": "VIP", "1": "KELAS_1", "2": "KELAS_2", "3": "KELAS_3"}
# ER: the emergency room, read into the hospital's IGD status (not a bed class).
ROLE_CODES = {"ICU": "ICU", "CCU": "ICCU", "PEDICU": "PICU", "PEDNICU": "NICU", "ER": "IGD"}
NOT_IN_SERVICE = {"inactive", "suspended"}
# type.text / name matched case-insensitively against the class names and codes.
NAMES = {label.lower(): code for code, label in CANONICAL_CLASSES.items()}
NAMES.update({code.lower().replace("_", " "): code for code in CANONICAL_CLASSES})
NAMES["kris"] = "KRIS"


def parse(body: bytes, *, url: str | None = None, fetch: Fetch | None = None) -> list:
    locations = {}
    for bundle in _pages(body, url=url, fetch=fetch):
        for entry in bundle.get("entry") or []:
            resource = entry.get("resource") if isinstance(entry, dict) else None
            if isinstance(resource, dict) and resource.get("resourceType") == "Location" and resource.get("id"):
                locations[str(resource["id"])] = resource
    beds = [loc for loc in locations.values() if _physical_type(loc) == "bd"]
    if not beds:
        raise FeedError(_("Bundle FHIR tidak berisi Location tempat tidur (physicalType bd)."))
    return [_bed_row(bed, locations) for bed in beds]


def _pages(body: bytes, *, url: str | None, fetch: Fetch | None) -> Iterator:
    """Yield the first bundle and every next page (same host only, at most MAX_PAGES)."""
    seen = set()
    page_url = url
    for page in range(1, MAX_PAGES + 1):
        bundle = json_body(body)
        if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
            raise FeedError(_("Feed FHIR harus berupa resource Bundle."))
        yield bundle
        next_url = _next_link(bundle)
        if not next_url:
            return
        if page == MAX_PAGES:
            break
        next_url = urljoin(page_url or "", next_url)
        if url and urlparse(next_url).netloc != urlparse(url).netloc:
            raise FeedError(_("Halaman berikutnya FHIR menunjuk ke host lain: %(url)s") % {"url": next_url})
        if next_url in seen or fetch is None:
            raise FeedError(_("Tautan halaman berikutnya FHIR berulang atau tidak dapat diikuti."))
        seen.add(next_url)
        page_url = next_url
        body = fetch(next_url)
    raise FeedError(_("Bundle FHIR lebih dari %(n)s halaman.") % {"n": MAX_PAGES})


def _next_link(bundle: Any) -> str | None:
    for link in bundle.get("link") or []:
        if isinstance(link, dict) and link.get("relation") == "next" and link.get("url"):
            return str(link["url"])
    return None


def _codings(concept: Any) -> list:
    if isinstance(concept, dict):
        return [c for c in concept.get("coding") or [] if isinstance(c, dict)]
    return []


def _physical_type(location: dict[str, Any]) -> str | None:
    for coding in _codings(location.get("physicalType")):
        if coding.get("system", PHYSICAL_TYPE) == PHYSICAL_TYPE:
            return coding.get("code")
    return None


def _reference_id(reference: Any) -> Any:
    ref = str((reference or {}).get("reference") or "") if isinstance(reference, dict) else ""
    parts = [p for p in ref.split("/") if p]
    if len(parts) >= 2 and parts[-2] == "Location":
        return parts[-1]
    return parts[-1] if parts else None


def classify(location: dict[str, Any]) -> str | None:
    """The canonical class stated by a ward/room, or None when it states none."""
    for extension in location.get("extension") or []:
        if isinstance(extension, dict) and extension.get("url") == SERVICE_CLASS_URL:
            for sub in extension.get("extension") or []:
                for coding in _codings(sub.get("valueCodeableConcept")):
                    code = SERVICE_CLASSES.get(str(coding.get("code", "")).lower())
                    if code and coding.get("system", SERVICE_CLASS_SYSTEM) == SERVICE_CLASS_SYSTEM:
                        return code
    types = location.get("type") or []
    for concept in types:
        for coding in _codings(concept):
            if coding.get("system") == ROLE_CODE_SYSTEM and coding.get("code") in ROLE_CODES:
                return ROLE_CODES[coding["code"]]
    for concept in types:
        text = str(concept.get("text") or "").strip().lower() if isinstance(concept, dict) else ""
        if text in NAMES:
            return NAMES[text]
    return NAMES.get(str(location.get("name") or "").strip().lower())


def _ancestors(bed: dict[str, Any], locations: Any) -> list:
    chain: list[dict[str, Any]] = []
    current = bed
    for _depth in range(10):
        parent_id = _reference_id(current.get("partOf"))
        if parent_id is None:
            return chain
        parent = locations.get(parent_id)
        if parent is None:
            raise FeedError(
                _("Location %(id)s, kolom partOf: menunjuk ke %(parent)s yang tidak ada di bundle.")
                % {"id": current.get("id"), "parent": parent_id}
            )
        chain.append(parent)
        current = parent
    return chain


def _bed_row(bed: dict[str, Any], locations: Any) -> FeedRow:
    chain = _ancestors(bed, locations)
    if not chain:
        raise FeedError(_("Location %(id)s, kolom partOf: tempat tidur tanpa ruang/bangsal.") % {"id": bed.get("id")})
    code = next((c for c in (classify(loc) for loc in chain) if c), None)
    wards = [loc for loc in chain if _physical_type(loc) == "wa"]
    ward = wards[0] if wards else chain[-1]
    room = str(ward.get("name") or ward.get("id"))
    in_service = str(bed.get("status") or "active").lower() not in NOT_IN_SERVICE
    status = bed.get("operationalStatus")
    status = status if isinstance(status, dict) else {}
    available = in_service and status.get("code") == "U"
    return FeedRow(
        code=code or LAINNYA,
        room=room,
        capacity=int(in_service),
        available=int(available),
        source_code="" if code else str(ward.get("id")),
        label=f"Location/{bed.get('id')}",
    )
