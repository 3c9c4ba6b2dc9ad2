"""Thin Celery tasks of 999 IKM Online: take primary keys, call a service."""

from celery import shared_task

from . import services


@shared_task(name="ikm.product_photo_render", autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def product_photo_render(photo_id):
    services.product_photo_render(photo_id=photo_id)


@shared_task(name="ikm.render_pending_photos", ignore_result=True)
def render_pending_photos():
    """Beat: the safety net of product_photo_render (a task lost while the broker was down)."""
    services.product_photos_render_pending()
