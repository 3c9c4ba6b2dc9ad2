"""Diskominfo's review pages: a queue per kind, one page per item with Verifikasi / Tolak, bulk
verification with a preview. Thin: the kinds (blitar_portal/dashboard/review.py → <app>/review.py)
name the app's selectors and services; no item is ever deleted here."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from blitar_portal.lib.params import page_of

from .forms import BulkVerifyForm, ReviewDecisionForm
from .review import KINDS, queue_counts
from .views import diskominfo_required

QUEUE_PER_PAGE = 25


def _kind(slug):
    kind = KINDS.get(slug)
    if kind is None:
        raise Http404
    return kind


def _item_url(kind, pk):
    return reverse("dashboard:review-item", args=[kind.slug, pk])


@diskominfo_required
def review_home(request):
    return render(request, "dashboard/review/home.html", {"counts": queue_counts()})


@diskominfo_required
def review_queue(request, kind):
    kind = _kind(kind)
    page = page_of(kind.queue(), request, per_page=QUEUE_PER_PAGE)
    return render(
        request,
        "dashboard/review/queue.html",
        {"kind": kind, "page": page, "items": list(page), "total": page.paginator.count},
    )


def _decide(kind, pk, form, user):
    """Lock the item, check it still waits (the app's queue says so), apply the app's service.
    Returns an error text, or None when done."""
    with transaction.atomic():
        item = kind.model.objects.select_for_update().filter(pk=pk).first()
        if item is None:
            raise Http404
        if not kind.is_pending(pk):
            return _("Item ini sudah diputuskan sebelumnya; tidak ada yang diubah.")
        item = kind.get(pk)
        try:
            if form.cleaned_data["keputusan"] == "verifikasi":
                kind.verify(item=item, user=user)
            else:
                kind.reject(item=item, user=user, reason=form.reason())
        except ValidationError as exc:
            transaction.set_rollback(True)
            return " ".join(exc.messages)
    return None


def _after_decision(request, kind, item):
    """Straight to the next waiting item (after this one in the queue's order, else the first)."""
    next_pk = kind.next_pk(item) or kind.first_pk()
    if next_pk is None:
        messages.info(request, _("Antrean kosong: semua item sudah diputuskan."))
        return redirect("dashboard:review-queue", kind=kind.slug)
    return redirect(_item_url(kind, next_pk))


@diskominfo_required
def review_item(request, kind, pk):
    kind = _kind(kind)
    item = kind.get(pk)
    if item is None:
        raise Http404
    form = ReviewDecisionForm(request.POST or None, reasons=kind.reasons)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            error = _decide(kind, pk, form, request.user)
            if error is None:
                done = _("Diverifikasi") if form.cleaned_data["keputusan"] == "verifikasi" else _("Ditolak")
                messages.success(request, _("%(done)s: %(item)s. Pemilik diberi tahu.") % {"done": done, "item": item})
                return _after_decision(request, kind, item)
            messages.error(request, error)
            item = kind.get(pk)
        status = 400
    pending = kind.is_pending(pk)
    context = {
        "kind": kind,
        "item": item,
        "form": form,
        "pending": pending,
        "next_pk": kind.next_pk(item),
        "previous_pk": kind.previous_pk(item),
        "remaining": kind.queue().count(),
        "owner_name": kind.owner_of(item),
        "status_label": kind.status_of(item),
        **kind.details(item),
    }
    return render(request, "dashboard/review/item.html", context, status=status)


@require_POST
@diskominfo_required
def review_bulk(request, kind):
    """Step 1 (without `konfirmasi`): the preview of what will change. Step 2: verify each chosen item
    in its own transaction (one item decided meanwhile is skipped, the others still apply)."""
    kind = _kind(kind)
    form = BulkVerifyForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("dashboard:review-queue", kind=kind.slug)
    ids = form.cleaned_data["pilih"]
    pending = list(kind.queue().filter(pk__in=ids))
    pending_ids = {item.pk for item in pending}
    skipped = [pk for pk in ids if pk not in pending_ids]
    if not form.cleaned_data["konfirmasi"]:
        rows = [(item, kind.owner_of(item)) for item in pending]
        return render(request, "dashboard/review/bulk_preview.html", {"kind": kind, "rows": rows, "skipped": skipped})
    done = 0
    for item in pending:
        with transaction.atomic():
            locked = kind.model.objects.select_for_update().filter(pk=item.pk).first()
            if locked is None or not kind.is_pending(item.pk):
                skipped.append(item.pk)
                continue
            kind.verify(item=kind.get(item.pk), user=request.user)
            done += 1
    messages.success(request, _("%(n)s item diverifikasi; pemiliknya diberi tahu.") % {"n": done})
    if skipped:
        messages.info(request, _("%(n)s item dilewati karena sudah diputuskan.") % {"n": len(skipped)})
    return redirect("dashboard:review-queue", kind=kind.slug)
