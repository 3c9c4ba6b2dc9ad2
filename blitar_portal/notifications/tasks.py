"""Thin Celery tasks of the notification system (queue "notifications"): take primary keys, call a service."""

from celery import shared_task

from . import services


@shared_task(name="notifications.send", ignore_result=True)
def send(notification_id):
    """Send one outbox row (a second delivery of this task finds the row claimed or sent: no-op)."""
    services.notification_send(notification_id=notification_id)


@shared_task(name="notifications.send_due", ignore_result=True)
def send_due():
    """Beat, every minute: the safety net of `send` (broker down), retries, the end of quiet hours."""
    services.notifications_send_due()


@shared_task(name="notifications.daily_events", ignore_result=True)
def daily_events():
    """Beat: the dated events (visit reminders, certificates expiring), once each."""
    services.dated_events_notify()
