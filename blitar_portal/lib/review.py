"""What the staff review pages (blitar_portal/dashboard/views_review.py) need to know about one kind
of item. Each app describes its kinds in `<app>/review.py` with its own selectors and services; the
pages hold no rule of their own (what is pending is the app's queue selector, a decision is the app's
service, which also notifies the owner and publishes or withdraws photos)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, Q, QuerySet


@dataclass(frozen=True)
class ReviewKind:
    slug: str  # in the URL: /dasbor/verifikasi/<slug>/
    title: Any  # lazy text: the queue's name ("Penanaman")
    model: type[Model]
    queue: Callable[[], QuerySet]  # pending items, oldest first (the app's selector)
    order: tuple[str, str]  # the queue's order: (field, "id"), for "next" and "previous"
    get: Callable[[int], Any]  # one item, any status, with what its page shows (None: unknown id)
    verify: Callable[..., Any]  # verify(item=, user=)
    reject: Callable[..., Any]  # reject(item=, user=, reason=)
    reasons: list[tuple[str, Any]]  # rejection reason templates: (code, lazy Bahasa text)
    details: Callable[[Any], dict[str, Any]]  # photos, map point, duplicates, history for the item page
    item_template: str  # the item's facts, photos and duplicates (included by the review page)
    row_template: str  # one row of the queue table
    owner_of: Callable[[Any], str]  # who is told of the outcome (shown in the bulk preview)
    status_of: Callable[[Any], str] = field(default=lambda item: str(item.get_status_display()))

    def after(self, item: Any) -> Q:
        name = self.order[0]
        value = getattr(item, name)
        return Q(**{f"{name}__gt": value}) | Q(**{name: value, "pk__gt": item.pk})

    def before(self, item: Any) -> Q:
        name = self.order[0]
        value = getattr(item, name)
        return Q(**{f"{name}__lt": value}) | Q(**{name: value, "pk__lt": item.pk})

    def next_pk(self, item: Any) -> int | None:
        return self.queue().filter(self.after(item)).values_list("pk", flat=True).first()

    def previous_pk(self, item: Any) -> int | None:
        name = self.order[0]
        return self.queue().filter(self.before(item)).order_by(f"-{name}", "-pk").values_list("pk", flat=True).first()

    def first_pk(self) -> int | None:
        return self.queue().values_list("pk", flat=True).first()

    def is_pending(self, pk: int) -> bool:
        return self.queue().filter(pk=pk).exists()
