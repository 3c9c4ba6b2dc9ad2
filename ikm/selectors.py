"""Reads of 999 IKM Online: public catalogue, search, the owner's objects, dashboard figures.

What counts as public lives in ONE place: `PUBLIC_SHOP` (a verified shop) and
`PUBLIC_PRODUCT` (an active, not rejected product of a verified shop), read through `public_shops()` and
`public_product_rows()` by the pages, the API, the sitemaps, search, the counts and the
photo publishing of services.py; nothing else restates a status.

Owner filtering lives in ONE place: `owned(model, user)`. Every "Toko Saya" view and
every owner-only URL (private originals) fetches through it, so another owner's id
simply is not found (404). Who may load a product photo is `photos_visible_to(user)`:
photos of public products, the owner's own, every photo for Diskominfo staff (the same
for a shop's logo and banner: `shops_visible_to(user)`).
"""

import datetime
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramSimilarity, TrigramWordSimilarity
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connections, transaction
from django.db.models import Count, Exists, F, Func, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value, Window
from django.db.models.functions import Coalesce, JSONObject, TruncDate, TruncMonth
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blitar_portal.accounts.roles import is_diskominfo
from blitar_portal.lib.dates import local_midnight
from blitar_portal.regions.models import Kecamatan

from .models import (
    Category,
    Certification,
    GrowthReport,
    IkmTarget,
    Inquiry,
    Product,
    ProductPhoto,
    ProductStat,
    ReviewLog,
    ReviewStatus,
    SearchWord,
    Shop,
)

CATALOGUE_VERSION_KEY = "ikm:catalogue-version"
CATALOGUE_CACHE_SECONDS = 300
MIN_QUERY_CHARS = 3
MAX_QUERY_CHARS = 100
EXPIRY_WARNING_DAYS = 60
SORTS = {
    "relevan": None,
    "terbaru": ("-created_at",),
    "harga-terendah": (F("price").asc(nulls_last=True), "-created_at"),
    "harga-tertinggi": (F("price").desc(nulls_last=True), "-created_at"),
}

# --- the one owner selector ------------------------------------------------------------------

OWNER_PATHS = {
    Shop: "owner",
    Product: "shop__owner",
    ProductPhoto: "product__shop__owner",
    Inquiry: "product__shop__owner",
    ProductStat: "product__shop__owner",
    Certification: "shop__owner",
    GrowthReport: "shop__owner",
}


def owned(model: Any, user: User) -> QuerySet[Any]:
    """`model` objects that belong to `user`'s shop (none for anonymous users)."""
    if not getattr(user, "is_authenticated", False):
        return model.objects.none()
    return model.objects.filter(**{OWNER_PATHS[model]: user})


def owner_shop(user: User) -> Shop | None:
    return owned(Shop, user).select_related("kecamatan").defer("kecamatan__geom").first()


def shop_verification_checklist(shop: Shop) -> list[dict[str, Any]]:
    """What Diskominfo needs before verifying a shop, each with whether it is there.

    A shop opens with what a buyer needs (name, what it sells, kecamatan, WhatsApp); the
    government data comes later. `required` items block `services.shop_submit`; certifications
    are asked for (shown) but not every IKM has one yet."""
    return [
        {"label": _("Alamat usaha"), "done": bool(shop.address.strip()), "required": True},
        {"label": _("NIB (13 digit dari OSS)"), "done": bool(shop.nib), "required": True},
        {"label": _("Sektor KBLI"), "done": bool(shop.kbli_sector), "required": True},
        {"label": _("Kapasitas produksi per bulan"), "done": shop.monthly_capacity > 0, "required": True},
        {"label": _("Minimal satu produk"), "done": shop.products.exists(), "required": True},
        {
            "label": _("Sertifikat (P-IRT, halal, SNI, merek) bila ada"),
            "done": shop.certifications.exists(),
            "required": False,
        },
    ]


def shop_missing_for_verification(shop: Shop) -> list[Any]:
    """The labels of the required checklist items still missing (empty: ready to submit)."""
    return [item["label"] for item in shop_verification_checklist(shop) if item["required"] and not item["done"]]


def owner_products(user: User) -> QuerySet[Product]:
    return (
        owned(Product, user)
        .select_related("category")
        .annotate(photo_count=Count("photos"), new_inquiries=Count("inquiries", filter=Q(inquiries__status="baru")))
        .order_by("-created_at")
    )


def owner_product_with_photos(user: User, pk: int) -> Product | None:
    return owned(Product, user).prefetch_related("photos").select_related("category", "shop").filter(pk=pk).first()


def owner_inquiries(user: User, *, status: str | None = None) -> QuerySet[Inquiry]:
    qs = owned(Inquiry, user).select_related("product").order_by("-created_at")
    return qs.filter(status=status) if status else qs


def owner_product_stats(user: User, *, days: int = 90) -> list[dict[str, Any]]:
    """[{product, views, wa_clicks, inquiries, months: [{month, views, wa_clicks, inquiries}]}]."""
    since = timezone.localdate() - datetime.timedelta(days=days)
    rows = (
        owned(ProductStat, user)
        .filter(date__gte=since)
        .annotate(month=TruncMonth("date"))
        .values("product_id", "product__name", "month")
        .annotate(views=Sum("views"), wa_clicks=Sum("wa_clicks"), inquiries=Sum("inquiries"))
        .order_by("product__name", "month")
    )
    products: dict[int, dict[str, Any]] = {}
    for row in rows:
        entry = products.setdefault(
            row["product_id"], {"name": row["product__name"], "views": 0, "wa_clicks": 0, "inquiries": 0, "months": []}
        )
        for key in ("views", "wa_clicks", "inquiries"):
            entry[key] += row[key]
        entry["months"].append(row)
    return sorted(products.values(), key=lambda e: -e["views"])


# --- the public catalogue ---------------------------------------------------------------------
# What counts as public, once: a verified shop, and an active product of a verified shop. Pages,
# API, sitemaps, search, counts and photo publishing (services) all read through these.


def public_shop_q(prefix: str = "") -> Q:
    """The rule of a public shop as a Q, for a shop reached through `prefix` (e.g. "shop__")."""
    return Q(**{f"{prefix}status": Shop.Status.VERIFIED})


PUBLIC_SHOP = public_shop_q()
PUBLIC_PRODUCT = Q(is_active=True) & ~Q(review_status="ditolak") & public_shop_q("shop__")


def public_shops() -> QuerySet[Shop]:
    return Shop.objects.filter(PUBLIC_SHOP)


def public_shop_details() -> QuerySet[Shop]:
    """Public shops with what a shop page and the API show (kecamatan, certifications)."""
    return (
        public_shops()
        .select_related("kecamatan")
        .defer("kecamatan__geom", "search_vector")
        .prefetch_related("certifications")
    )


def _ready_photos() -> Prefetch:
    return Prefetch(
        "photos",
        queryset=ProductPhoto.objects.filter(status=ProductPhoto.Status.READY).order_by("position", "id"),
        to_attr="ready_photos",
    )


# Columns a product list never shows: the kecamatan polygon alone is ~50 KB per row.
# (The shop's point is not shown either: building a GEOS object per card is pure cost.)
NEVER_SHOWN = ("search_vector", "search_text", "shop__search_vector", "shop__kecamatan__geom", "shop__location")
LIST_DEFERRED = (*NEVER_SHOWN, "shop__story")


def public_product_rows() -> QuerySet[Product]:
    """The rule of what is public (active product of a verified shop), with nothing loaded
    alongside: for ids, counts and aggregates."""
    return Product.objects.filter(PUBLIC_PRODUCT)


def public_products() -> QuerySet[Product]:
    return (
        public_product_rows()
        .select_related("shop", "shop__kecamatan", "category")
        .defer(*LIST_DEFERRED)
        .prefetch_related(_ready_photos())
    )


def public_product(slug: str) -> Product | None:
    """One public product with everything its page shows (constant number of queries)."""
    certs = Prefetch("shop__certifications", queryset=Certification.objects.order_by("kind"))
    product = public_products().defer(None).defer(*NEVER_SHOWN).prefetch_related(certs)
    return product.filter(slug=slug).first()


def public_shop(slug: str) -> Shop | None:
    return public_shop_details().filter(slug=slug).first()


def shop_products(shop: Shop) -> QuerySet[Product]:
    """The shop page's products in its order (rows: `products_page` turns a page into cards)."""
    return public_product_rows().filter(shop=shop).order_by("-is_featured", "-created_at", "pk")


def photos_visible_to(user: User) -> QuerySet[ProductPhoto]:
    """The product photos `user` may load: those of public products, their own shop's, all for Diskominfo."""
    if is_diskominfo(user):
        return ProductPhoto.objects.all()
    public = ProductPhoto.objects.filter(product__in=public_product_rows())
    if not getattr(user, "is_authenticated", False):
        return public
    return public | owned(ProductPhoto, user)


def shops_visible_to(user: User) -> QuerySet[Shop]:
    """The shops whose logo and banner `user` may load: public ones, their own, all for Diskominfo."""
    if is_diskominfo(user):
        return Shop.objects.all()
    if not getattr(user, "is_authenticated", False):
        return public_shops()
    return public_shops() | owned(Shop, user)


def shop_images_or_404(user: User, pk: int) -> dict:
    """{"logo": {"jpeg": private path}, "banner": …} of a shop `user` may see; 404 for anyone else."""
    row = shops_visible_to(user).filter(pk=pk).values("logo", "banner").first()
    if row is None:
        raise Http404("shop")
    return {name: {"jpeg": path} for name, path in row.items() if path}


def photo_renditions_or_404(user: User, pk: int) -> Any:
    """The (private) renditions of a photo `user` may see; 404 for anyone else."""
    renditions = photos_visible_to(user).filter(pk=pk).values_list("renditions", flat=True).first()
    if renditions is None:
        raise Http404("photo")
    return renditions


def related_products(product: Product, *, limit: int = 4) -> list:
    rows = public_product_rows().filter(category=product.category_id).exclude(pk=product.pk)
    return product_cards(rows.order_by("-created_at", "pk")[:limit])


# --- product cards ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CardPhoto:
    id: int
    renditions: dict
    published: dict
    alt_text: str

    @property
    def pk(self) -> int:
        return self.id


@dataclass(frozen=True, slots=True)
class ProductCard:
    """What a product card shows, and nothing else: every list of products (search results,
    the front page, a shop page, related products) renders these. Built from one narrow
    query — full model instances with their shop, kecamatan and photo prefetch cost more
    than the search that found them."""

    id: int
    slug: str
    name: str
    description: str
    price: int | None
    unit: str
    shop_name: str
    kecamatan_name: str
    photo: CardPhoto | None


# The first ready photo of each product, in the same row (one query for a whole page).
_FIRST_PHOTO = Subquery(
    ProductPhoto.objects.filter(product=OuterRef("pk"), status=ProductPhoto.Status.READY)
    .order_by("position", "id")
    .values(json=JSONObject(id="id", renditions="renditions", published="published", alt_text="alt_text"))[:1]
)
_CARD_COLUMNS = {
    "shop_name": F("shop__name"),
    "kecamatan_name": F("shop__kecamatan__name"),
    "first_photo": _FIRST_PHOTO,
}


def product_cards(products: QuerySet[Product]) -> list[ProductCard]:
    """`ProductCard`s of a queryset of products (its filters, order and slice are kept)."""
    cards = []
    for row in products.values("id", "slug", "name", "description", "price", "unit", **_CARD_COLUMNS):
        photo = row.pop("first_photo")  # type: ignore[misc]  # an annotation the stubs do not see
        cards.append(ProductCard(**row, photo=CardPhoto(**photo) if photo else None))  # type: ignore[call-arg]
    return cards


# A per-process copy of the version (re-read from Redis at most every VERSION_TTL seconds) and
# of recently served entries: a repeated search then costs no Redis round trip at all. Another
# process's write reaches this one within VERSION_TTL; writes in this process apply at once.
VERSION_TTL = 2.0
_LOCAL_MAX = 256
_local: dict[str, Any] = {"version": None, "read_at": 0.0, "entries": {}}


def catalogue_version() -> int:
    """Changes on every write that touches the public catalogue (services bump it)."""
    now = time.monotonic()
    if _local["version"] is None or now - _local["read_at"] > VERSION_TTL:
        _local["version"], _local["read_at"] = cache.get(CATALOGUE_VERSION_KEY) or 0, now
    return _local["version"]


def catalogue_html_version() -> tuple[int, int]:
    """What a cached catalogue page is valid for (blitar_portal.lib.cache.cached_html): the
    catalogue version and the current 5-minute window (expiry dates move with the clock)."""
    return catalogue_version(), int(time.time() // CATALOGUE_CACHE_SECONDS)


def catalogue_version_set(version: int) -> None:
    cache.set(CATALOGUE_VERSION_KEY, version, None)
    _local["version"], _local["read_at"] = version, time.monotonic()
    _local["entries"].clear()


def catalogue_local_forget() -> None:
    """Drop this process's copies of the catalogue version and entries (after the shared cache
    was emptied, e.g. between tests), so the next read asks Redis again."""
    _local.update(version=None, read_at=0.0)
    _local["entries"].clear()


def cached_catalogue(name: str, build: Callable[[], Any]) -> Any:
    """Cache a catalogue read until the catalogue changes (or 5 minutes: expiry dates move)."""
    key = f"ikm:{name}:{catalogue_version()}"
    entries = _local["entries"]
    hit = entries.get(key)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    value = cache.get_or_set(key, build, CATALOGUE_CACHE_SECONDS)
    if len(entries) >= _LOCAL_MAX:
        entries.clear()
    entries[key] = (time.monotonic() + CATALOGUE_CACHE_SECONDS, value)
    return value


def catalogue_front() -> Any:
    return cached_catalogue("front", _catalogue_front)


def _catalogue_front() -> dict[str, Any]:
    """Everything /ikm/ shows, in a fixed number of queries."""
    verified = public_shops().count()
    return {
        "ikm_online": verified,
        **ikm_target_progress(verified),
        "product_count": public_product_rows().count(),
        "featured": product_cards(public_product_rows().filter(is_featured=True).order_by("-updated_at", "pk")[:8]),
        "newest": product_cards(public_product_rows().order_by("-created_at", "pk")[:8]),
        "categories": categories_with_counts(),
        "per_kecamatan": shops_per_kecamatan(),
    }


TARGET_CACHE_KEY = "ikm:target:v1"
TARGET_CACHE_SECONDS = 3600  # `services.ikm_target_set` deletes it; the hour lets the default date follow the year


def ikm_target() -> IkmTarget:
    """The IKM online target: the one row Diskominfo edits, or until then the model's default
    (1,000) by the end of this year. The only reader of IkmTarget: the home page, /ikm/ and every
    dashboard tab show this one value. Cached (no query on the busy home page)."""
    target = cache.get(TARGET_CACHE_KEY)
    if target is None:
        target = IkmTarget.objects.first() or IkmTarget(target_date=datetime.date(timezone.localdate().year, 12, 31))
        cache.set(TARGET_CACHE_KEY, target, TARGET_CACHE_SECONDS)
    return target


def ikm_target_progress(online: int) -> dict[str, Any]:
    """{"ikm_target", "progress_percent"} shown next to the number of IKM online (home page and /ikm/)."""
    target = ikm_target()
    return {"ikm_target": target.target, "progress_percent": target.progress_percent(online)}


def categories_with_counts() -> list[Category]:
    """Top-level categories with the number of public products in them and their children."""
    direct = dict(public_product_rows().values("category_id").annotate(n=Count("id")).values_list("category_id", "n"))
    roots = list(Category.objects.filter(parent=None).prefetch_related("children"))
    for root in roots:
        root.product_count = direct.get(root.pk, 0) + sum(direct.get(c.pk, 0) for c in root.children.all())  # type: ignore[attr-defined]
    return roots


def category_choices() -> list:
    return list(Category.objects.select_related("parent").order_by("parent__position", "position", "name"))


def shops_per_kecamatan() -> list:
    return list(
        Kecamatan.objects.annotate(n=Count("shop", filter=public_shop_q("shop__")))
        .order_by("-n", "name")
        .values("code", "name", "slug", "n")
    )


# --- search ---------------------------------------------------------------------------------------


def normalize_query(raw: str) -> str:
    return re.sub(r"\s+", " ", str(raw or "")).strip()[:MAX_QUERY_CHARS]


def query_too_short(q: str) -> bool:
    return len(re.sub(r"\W", "", q)) < MIN_QUERY_CHARS


def query_terms(q: str) -> list[str]:
    return [t for t in re.findall(r"\w+", q.lower()) if len(t) >= 2][:8]


def _text_query(q: str) -> SearchQuery:
    # websearch_to_tsquery accepts anything a person types: ' & ! :* never raise.
    return SearchQuery(q, config="simple", search_type="websearch") | SearchQuery(
        q, config="indonesian", search_type="websearch"
    )


def search_products(
    *,
    q: str,
    category: Category | None = None,
    kecamatan: Kecamatan | None = None,
    certification: str | None = None,
    price_min: int | None = None,
    price_max: int | None = None,
    sort: str = "",
) -> QuerySet[Product] | None:
    """Public products matching `q`, filtered and sorted (a queryset, for the API): the
    first of `_attempts` that finds anything."""
    base = _apply_filters(public_products(), **_filters(category, kecamatan, certification, price_min, price_max))
    if not q:
        return _sorted(base, sort, ranked=False)
    qs = None
    for _used, qs, trigram in _attempts(base, q, sort):
        if not trigram:
            if qs.exists():
                return qs
            continue
        # The API pages lazily, maybe outside any transaction: the trigram matches are
        # found now, under the threshold, and the queryset returned selects them by id.
        db = qs.db  # the same connection (primary or one replica) for the setting and the query
        with word_similarity_threshold(db):
            ids = list(qs.using(db).values_list("pk", flat=True))
        if ids:
            similarity = TrigramWordSimilarity(Value(q), "search_text")  # type: ignore[arg-type]
            found = base.filter(pk__in=ids).annotate(rank=similarity)
            return _sorted(found, sort, ranked=True)
    return base.none()  # nothing found (and never a trigram query evaluated later without its threshold)


def search_page(*, q: str, number: int, per_page: int, **filters: Any) -> Any:
    """One page of search results with its products loaded (see `search_ids_page`)."""
    return _load_products(search_ids_page(q=q, number=number, per_page=per_page, **filters))


def search_ids_page(
    *,
    q: str,
    number: int,
    per_page: int,
    category: Category | None = None,
    kecamatan: Kecamatan | None = None,
    certification: str | None = None,
    price_min: int | None = None,
    price_max: int | None = None,
    sort: str = "",
) -> Any:
    """One page of matching ids, by the same rule as `search_products`; `page.search_query`
    is the query that found them (the spelling-corrected one, when that was needed).

    Each attempt's page and total come from ONE query (a window count), so a results page
    costs one index scan per attempt, not three (exists, count, page)."""
    base = _apply_filters(public_product_rows(), **_filters(category, kecamatan, certification, price_min, price_max))
    if not q:
        page = ids_page(_sorted(base, sort, ranked=False), number, per_page=per_page)
        page.search_query = q
        return page
    for used, qs, trigram in _attempts(base, q, sort):
        if trigram:
            db = qs.db  # the same connection (primary or one replica) for the setting and the query
            with word_similarity_threshold(db):
                page = ids_page(qs.using(db), number, per_page=per_page)
        else:
            page = ids_page(qs, number, per_page=per_page)
        page.search_query = used
        if page.paginator.count:
            return page
    page.search_query = q  # nothing found: no correction to announce
    return page


def _attempts(base: Any, q: str, sort: str) -> Iterator:
    """The search rule, in order, lazily: (query used, ranked queryset, whether it must be
    evaluated inside `word_similarity_threshold`).

    1. Full text (stored vector, GIN index) for `q` as typed.
    2. Only when that finds nothing: full text for `q` with each word the catalogue does not
       know replaced by `closest_known_word` ("kripik tempe" → "keripik tempe", "batk" →
       "batik": similarity first, then how many public products use the word).
    3. Only when a word is unknown and has no similar known word: trigram word similarity
       over the products' text (trigram GIN index; slow for common trigrams, so never run
       for words the catalogue knows — those are found by full text or not at all).
    """
    yield q, _full_text(base, q, sort), False
    corrected, unresolved = _spelling(q)
    if corrected:
        yield corrected, _full_text(base, corrected, sort), False
    if unresolved:
        yield q, _trigram(base, q, sort), True


def _spelling(q: str) -> tuple[str | None, bool]:
    """(corrected query or None, whether a word stayed unknown with no similar known word)."""
    words = re.findall(r"\w+", q.lower())[:8]
    unknown = {w for w in words if len(w) >= MIN_QUERY_CHARS}
    unknown -= set(SearchWord.objects.filter(word__in=unknown).values_list("word", flat=True))
    replacements = {}
    for word in sorted(unknown):
        best = closest_known_word(word)
        if best:
            replacements[word] = best
    corrected = " ".join(replacements.get(w, w) for w in words) if replacements else None
    return corrected, len(replacements) < len(unknown)


SPELLING_CANDIDATES = 20  # the most trigram-similar vocabulary words weighed per misspelt word
SPELLING_COUNT_CAP = 1000  # "in 1000 public products" and "in 5000" weigh the same


def closest_known_word(word: str) -> str | None:
    """The catalogue word a misspelt `word` is corrected to: THE spelling rule, ONE query.

    Candidates: the `SPELLING_CANDIDATES` vocabulary words most trigram-similar to `word`
    (`%`, trigram GIN index on `SearchWord`) that at least one public product contains
    (`public_product_rows()`, full text on the stored vector, GIN; counted up to
    `SPELLING_COUNT_CAP`). Chosen: the fewest typing edits (insert, delete, replace or
    swap two neighbouring letters), then the word in MOST public products, then the most
    trigram-similar, then alphabetical. So "batk" (one edit from both) becomes "batik"
    (270 products), not "batu" (a few stone mortars), though "batu" shares more trigrams;
    a word only hidden products use is never proposed."""
    nearest = (
        SearchWord.objects.filter(word__trigram_similar=word)
        .annotate(similarity=TrigramSimilarity("word", word))
        .order_by("-similarity", "word")
        .values("word")[:SPELLING_CANDIDATES]
    )
    containing = public_product_rows().filter(
        search_vector=SearchQuery(OuterRef("word"), config="simple", search_type="plain")
    )
    candidates = (
        SearchWord.objects.filter(word__in=Subquery(nearest))
        .annotate(
            similarity=TrigramSimilarity("word", word),
            products=Func(
                Func(Subquery(containing.order_by().values("pk")[:SPELLING_COUNT_CAP]), function="ARRAY"),
                function="cardinality",
            ),
        )
        .values_list("word", "products", "similarity")
    )
    ranked = sorted((c for c in candidates if c[1]), key=lambda c: (_typing_edits(word, c[0]), -c[1], -c[2], c[0]))
    return ranked[0][0] if ranked else None


def _typing_edits(a: str, b: str) -> int:
    """Optimal-string-alignment distance: letters inserted, deleted, replaced, or two
    neighbours swapped ("bakit" → "batik" is one edit)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], prev2[j - 2] + 1)
        prev2, prev = prev, row
    return prev[-1]


def _filters(
    category: Category | None,
    kecamatan: Kecamatan | None,
    certification: str | None,
    price_min: int | None,
    price_max: int | None,
) -> dict[str, Any]:
    return {
        "category": category,
        "kecamatan": kecamatan,
        "certification": certification,
        "price_min": price_min,
        "price_max": price_max,
    }


def _full_text(qs: QuerySet[Any], q: str, sort: str) -> Any:
    tsquery = _text_query(q)
    qs = qs.filter(search_vector=tsquery).annotate(rank=SearchRank(F("search_vector"), tsquery))
    return _sorted(qs, sort, ranked=True)


def _trigram(qs: QuerySet[Any], q: str, sort: str) -> QuerySet[Any]:
    qs = qs.filter(search_text__trigram_word_similar=q).annotate(rank=TrigramWordSimilarity(Value(q), "search_text"))  # type: ignore[arg-type]
    return _sorted(qs, sort, ranked=True)


# Typo tolerance of the trigram fallback: "kripik" vs "keripik" has word similarity 0.57,
# under pg_trgm's default 0.6 for the %> operator (which the trigram GIN index serves).
WORD_SIMILARITY_THRESHOLD = 0.5


@contextmanager
def word_similarity_threshold(using: str = "default") -> Iterator[None]:
    """Run the enclosed queries with pg_trgm's word similarity threshold lowered, in one
    transaction: `set_config(..., is_local => true)` (SET LOCAL) lasts until that transaction
    ends, so behind pgbouncer's transaction pooling it never leaks into another client's
    session, and it never depends on which server connection a later query lands on (a
    per-connection SET did both). Inside an outer transaction it is a savepoint; the setting
    then lasts until the outer transaction ends, which only lowers the threshold of later
    trigram queries of the same request."""
    with transaction.atomic(using=using):
        with connections[using].cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)", [str(WORD_SIMILARITY_THRESHOLD)]
            )
        yield


def _sorted(qs: QuerySet[Any], sort: str, *, ranked: bool) -> QuerySet[Any]:
    order: tuple[Any, ...] | None = SORTS.get(sort)
    if order is None:
        order = ("-rank", "-created_at") if ranked else ("-created_at",)
    return qs.order_by(*order, "pk")


class _CountedIds:
    """The ids of one page plus the total, shaped for Django's Paginator (count + slicing)."""

    def __init__(self, ids: list[int], total: int, offset: int) -> None:
        self.ids, self.total, self.offset = ids, total, offset

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, window: Any) -> Any:
        return self.ids[window.start - self.offset : window.stop - self.offset]


def products_page(products: QuerySet[Product], number: int, *, per_page: int) -> Page:
    """A page of product cards from a queryset of products (see `ids_page`)."""
    return _load_products(ids_page(products, number, per_page=per_page))


def ids_page(products: QuerySet[Any], number: int, *, per_page: int) -> Any:
    """The page's ids and the total in ONE narrow query (a window count over the matches).
    Sorting thousands of wide rows, or counting and paging in two scans, is what makes a
    naive search slow; the page's 24 full products are loaded afterwards."""
    try:
        wanted = max(1, int(number))
    except (TypeError, ValueError):
        wanted = 1
    offset = (wanted - 1) * per_page
    rows = list(products.annotate(total=Window(Count("pk"))).values_list("pk", "total")[offset : offset + per_page])
    if rows or wanted == 1:
        counted = _CountedIds([pk for pk, _ in rows], rows[0][1] if rows else 0, offset)
        return Paginator(counted, per_page).page(wanted)  # type: ignore[arg-type]  # sliceable and counted
    # Past the last page: Django's rule, the last page (a rare second query).
    return Paginator(products.values_list("pk", flat=True), per_page).get_page(wanted)


def _load_products(page: Any) -> Page[ProductCard]:
    """Replace the page's ids by their product cards, in the page's order."""
    rows = public_product_rows().filter(pk__in=list(page.object_list)).order_by()
    by_id = {card.id: card for card in product_cards(rows)}
    page.object_list = [by_id[pk] for pk in page.object_list if pk in by_id]
    return page


def _apply_filters(
    qs: QuerySet[Any],
    *,
    category: Category | None,
    kecamatan: Kecamatan | None,
    certification: str | None,
    price_min: int | None,
    price_max: int | None,
) -> Any:
    if category is not None:
        qs = qs.filter(Q(category=category) | Q(category__parent=category))
    if kecamatan is not None:
        qs = qs.filter(shop__kecamatan=kecamatan)
    if certification:
        valid = Certification.objects.filter(shop=OuterRef("shop"), kind=certification).filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=timezone.localdate())
        )
        qs = qs.filter(Exists(valid))
    if price_min is not None:
        qs = qs.filter(price__gte=price_min)
    if price_max is not None:
        qs = qs.filter(price__lte=price_max)
    return qs


def search_shops(q: str, *, limit: int = 4) -> list:
    """[{slug, name, kecamatan_name}] of shops whose name matches `q` by full text (GIN).
    Pass the query the product search used (`page.search_query`): shop names are in the
    spelling vocabulary, so a misspelt shop name arrives here already corrected."""
    if not q:
        return []
    tsquery = SearchQuery(q, config="simple", search_type="websearch")
    return list(
        public_shops()
        .filter(search_vector=tsquery)
        .order_by(SearchRank(F("search_vector"), tsquery).desc(), "name")
        .values("slug", "name", kecamatan_name=F("kecamatan__name"))[:limit]
    )


def search_products_unindexed(q: str) -> QuerySet[Product]:
    """Bench-only comparison: the naive `icontains` search over the same public products."""
    terms = q.split()
    cond = Q()
    for term in terms:
        cond &= Q(name__icontains=term) | Q(description__icontains=term) | Q(shop__name__icontains=term)
    return public_product_rows().filter(cond)


def category_by_slug(slug: str) -> Category | None:
    return _by_slug()["category"].get(slug) if slug else None


def kecamatan_by_slug(slug: str) -> Kecamatan | None:
    return _by_slug()["kecamatan"].get(slug) if slug else None


def _by_slug() -> Any:
    """The search filters' categories and kecamatan by slug, cached with the catalogue (a
    category edit in the admin bumps its version): a search runs no query to read them."""
    return cached_catalogue(
        "by-slug",
        lambda: {
            "category": {c.slug: c for c in Category.objects.all()},
            "kecamatan": {k.slug: k for k in Kecamatan.objects.only("id", "name", "slug")},
        },
    )


# --- Diskominfo dashboard (read by ikm/dashboard.py) --------------------------------------------


def growth_report_totals() -> list:
    """Per report period end (half-year): sums of output, capacity, workers, omzet and shop count."""
    return list(
        GrowthReport.objects.values("period_end")
        .annotate(
            shops=Count("shop", distinct=True),
            output=Coalesce(Sum("output"), 0),
            capacity=Coalesce(Sum("capacity"), 0),
            workers=Coalesce(Sum("workers"), 0),
            omzet=Coalesce(Sum("omzet"), 0),
        )
        .order_by("period_end")
    )


def daily_activity(*, since: datetime.date) -> dict[str, Any]:
    """Per local day and kecamatan id, for the dashboard's date filter:
    {metric: [{"day", "kecamatan_id", "n"}]} with metrics products, inquiries, wa_clicks and
    views (verified shops per day: `verified_per_day`)."""
    start = local_midnight(since)

    def per_day(qs: QuerySet[Any], field: str, kecamatan: str) -> Any:
        qs = qs.annotate(day=TruncDate(field)).values("day", kecamatan).annotate(n=Count("id"))
        return [{"day": r["day"], "kecamatan_id": r[kecamatan], "n": r["n"]} for r in qs.order_by("day")]

    stats = (
        ProductStat.objects.filter(date__gte=since)
        .values("date", "product__shop__kecamatan_id")
        .annotate(wa=Sum("wa_clicks"), views=Sum("views"))
        .order_by("date")
    )
    return {
        "products": per_day(Product.objects.filter(created_at__gte=start), "created_at", "shop__kecamatan_id"),
        "inquiries": per_day(
            Inquiry.objects.filter(created_at__gte=start), "created_at", "product__shop__kecamatan_id"
        ),
        "wa_clicks": [
            {"day": r["date"], "kecamatan_id": r["product__shop__kecamatan_id"], "n": r["wa"]} for r in stats
        ],
        "views": [{"day": r["date"], "kecamatan_id": r["product__shop__kecamatan_id"], "n": r["views"]} for r in stats],
    }


def certifications_expiring(*, days: int = EXPIRY_WARNING_DAYS) -> QuerySet[Certification]:
    today = timezone.localdate()
    return (
        Certification.objects.filter(expires_on__gte=today, expires_on__lte=today + datetime.timedelta(days=days))
        .select_related("shop")
        .order_by("expires_on")
    )


def shops_for_export() -> QuerySet[Shop]:
    return (
        Shop.objects.select_related("kecamatan", "owner")
        .annotate(product_count=Count("products"))
        .prefetch_related("certifications")
        .order_by("kecamatan__name", "name")
    )


# --- Diskominfo's review queues (blitar_portal/dashboard/views_review.py) --------------------


def shops_review_queue() -> QuerySet[Shop]:
    """Shops waiting for verification, the longest waiting first."""
    return (
        Shop.objects.filter(status=Shop.Status.PENDING)
        .select_related("owner", "kecamatan")
        .defer("kecamatan__geom", "search_vector")
        .annotate(product_total=Count("products"))
        .order_by(F("status_changed_at").asc(nulls_first=True), "id")
    )


def products_review_queue() -> QuerySet[Product]:
    """Products not yet reviewed (of shops that are submitted or verified), the oldest first."""
    return (
        Product.objects.filter(
            review_status=ReviewStatus.PENDING, shop__status__in=[Shop.Status.PENDING, Shop.Status.VERIFIED]
        )
        .select_related("shop", "category__parent")
        .defer(*NEVER_SHOWN, "shop__story")
        .order_by("created_at", "id")
    )


def shop_for_review(pk: int) -> Shop | None:
    return Shop.objects.select_related("owner", "kecamatan").defer("kecamatan__geom").filter(pk=pk).first()


def shop_products_for_review(shop: Shop) -> QuerySet[Product]:
    return (
        Product.objects.filter(shop=shop)
        .select_related("category__parent")
        .defer("search_vector", "search_text")
        .prefetch_related(_ready_photos())
        .order_by("created_at", "id")
    )


def product_for_review(pk: int) -> Product | None:
    return (
        Product.objects.select_related("shop__owner", "shop__kecamatan", "category__parent")
        .defer("shop__kecamatan__geom", "search_vector", "search_text")
        .prefetch_related(_ready_photos())
        .filter(pk=pk)
        .first()
    )


def _squeezed_name(expression: Any) -> Func:
    """A name in lower case without any white space: "Keripik  Tempe Bu Sri" ~ "keripiktempebusri"."""
    return Func(Func(expression, function="LOWER"), Value(r"\s+"), Value(""), Value("g"), function="REGEXP_REPLACE")


def shop_duplicates(shop: Shop) -> QuerySet[Shop]:
    """Other shops with the same name (case and spaces ignored) or the same NIB."""
    squeezed = re.sub(r"\s+", "", shop.name.lower())
    same = Q(squeezed=squeezed)
    if shop.nib:
        same |= Q(nib=shop.nib)
    return (
        Shop.objects.annotate(squeezed=_squeezed_name(F("name")))
        .filter(same)
        .exclude(pk=shop.pk)
        .select_related("kecamatan")
        .defer("kecamatan__geom", "search_vector")
        .order_by("name", "id")[:20]
    )


def product_duplicates(product: Product) -> QuerySet[Product]:
    """Other products of the same shop with the same name (case and spaces ignored)."""
    squeezed = re.sub(r"\s+", "", product.name.lower())
    return (
        Product.objects.annotate(squeezed=_squeezed_name(F("name")))
        .filter(shop_id=product.shop_id, squeezed=squeezed)
        .exclude(pk=product.pk)
        .order_by("id")[:20]
    )


def review_log(*, shop: Shop, product: Product | None = None) -> QuerySet[ReviewLog]:
    """A shop's review history (its own rows), or one product's."""
    rows = ReviewLog.objects.filter(shop=shop).select_related("user", "product")
    return rows.filter(product=product) if product is not None else rows.filter(product__isnull=True)


def review_counts() -> dict[str, int]:
    return {"toko": shops_review_queue().count(), "produk": products_review_queue().count()}
