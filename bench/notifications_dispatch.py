"""Notification dispatch: throughput to a local gateway, and one hanging gateway vs. the other channels.

Run against a development or bench database (it adds rows and deletes them again):

    DATABASE_URL=postgis://localhost/blitar_notif .venv/bin/python bench/notifications_dispatch.py --messages 200

The gateways are the tests' local servers (tests/notifications/servers: Cloud API, Zenziva) on
127.0.0.1; `--threads` threads each call `notification_send` (as that many worker processes
would). Prints one line `RESULT {json}` (read by bench/scenarios/notifications.py).

1. throughput: N WhatsApp messages, all claimed, sent and recorded: messages/s.
2. hanging gateway: the Cloud API accepts connections and never answers (WHATSAPP_TIMEOUT s);
   W WhatsApp messages and S SMS messages, interleaved, on the same threads: seconds until every
   SMS is sent, compared with S SMS alone; once with the channel pause
   (NOTIFICATIONS_CHANNEL_PAUSE_SECONDS) and once without it.
"""

import argparse
import json
import os
import queue
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blitar_portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from blitar_portal.notifications import services  # noqa: E402
from blitar_portal.notifications.models import Contact, Notification  # noqa: E402
from tests.notifications.servers.sms import FakeZenziva  # noqa: E402
from tests.notifications.servers.whatsapp import FakeCloudAPI  # noqa: E402

PAYLOAD = {"code": "BENCH23456", "hospital": "RSUD Bench", "date": "01-12-2026", "url": "http://127.0.0.1/x/"}
RUN = f"bench-{os.getpid()}"
CREATED = []  # contacts made by this run (deleted at the end)


def point_at(whatsapp, sms, timeout):
    settings.WHATSAPP_API_BASE = whatsapp.base
    settings.WHATSAPP_API_VERSION = whatsapp.version
    settings.WHATSAPP_PHONE_NUMBER_ID = whatsapp.phone_number_id
    settings.WHATSAPP_ACCESS_TOKEN = whatsapp.token
    settings.WHATSAPP_TIMEOUT = timeout
    settings.SMS_ZENZIVA_URL = sms.url
    settings.SMS_ZENZIVA_USERKEY = sms.userkey
    settings.SMS_ZENZIVA_PASSKEY = sms.passkey
    settings.SMS_TIMEOUT = timeout
    settings.NOTIFICATIONS_RATE_PER_HOUR = 10**6
    cache.delete(services._pause_key("whatsapp"))
    cache.delete(services._pause_key("sms"))


def make_rows(channel, count, tag):
    now = timezone.now()
    rows = []
    for i in range(count):
        contact = Contact.objects.create(phone=f"+62812{i:07d}", **{f"{channel}_consent_at": now})
        CREATED.append(contact.pk)
        rows += services.notify(
            event="ehealth_request_received", payload=PAYLOAD, contact=contact, key=f"{RUN}-{tag}-{i}"
        )
    return [row.pk for row in rows]


def dispatch(ids, threads):
    """Send every id with `threads` threads; returns {id: seconds after start when it was done}."""
    work = queue.Queue()
    for pk in ids:
        work.put(pk)
    done, lock, start = {}, threading.Lock(), time.monotonic()

    def worker():
        try:
            while True:
                try:
                    pk = work.get_nowait()
                except queue.Empty:
                    return
                services.notification_send(notification_id=pk)
                with lock:
                    done[pk] = time.monotonic() - start
        finally:
            connection.close()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return done


def cleanup():
    Notification.objects.filter(dedupe_key__contains=f":{RUN}-").delete()
    Contact.objects.filter(pk__in=CREATED).delete()


def throughput(messages, threads):
    whatsapp, sms = FakeCloudAPI(), FakeZenziva()
    point_at(whatsapp, sms, timeout=5)
    try:
        ids = make_rows("whatsapp", messages, "tp")
        start = time.monotonic()
        dispatch(ids, threads)
        elapsed = time.monotonic() - start
        sent = Notification.objects.filter(pk__in=ids, state="sent").count()
        return {
            "messages": messages,
            "sent": sent,
            "seconds": round(elapsed, 2),
            "per_second": round(sent / elapsed, 1),
        }
    finally:
        whatsapp.close()
        sms.close()


def hanging(wa_count, sms_count, threads, timeout, pause_seconds):
    settings.NOTIFICATIONS_CHANNEL_PAUSE_SECONDS = pause_seconds
    whatsapp, sms = FakeCloudAPI(), FakeZenziva()
    point_at(whatsapp, sms, timeout=timeout)
    try:
        alone = make_rows("sms", sms_count, f"alone{pause_seconds}")
        sms_alone = max(dispatch(alone, threads).values())
        whatsapp.hang()
        wa_ids = make_rows("whatsapp", wa_count, f"wa{pause_seconds}")
        sms_ids = make_rows("sms", sms_count, f"sms{pause_seconds}")
        mixed = [pk for pair in zip(wa_ids, sms_ids, strict=False) for pk in pair] + sms_ids[len(wa_ids) :]
        done = dispatch(mixed, threads)
        return {
            "pause_seconds": pause_seconds,
            "sms_alone_s": round(sms_alone, 2),
            "sms_with_hanging_whatsapp_s": round(max(done[pk] for pk in sms_ids), 2),
            "sms_sent": Notification.objects.filter(pk__in=sms_ids, state="sent").count(),
            "whatsapp_calls_to_hanging_gateway": len(whatsapp.requests),
            "whatsapp_waiting": Notification.objects.filter(pk__in=wa_ids, state="pending").count(),
        }
    finally:
        whatsapp.close()
        sms.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--hanging-whatsapp", type=int, default=20)
    parser.add_argument("--sms", type=int, default=40)
    parser.add_argument("--timeout", type=float, default=2)
    args = parser.parse_args()
    try:
        result = {
            "throughput": throughput(args.messages, args.threads),
            "hanging_with_pause": hanging(args.hanging_whatsapp, args.sms, args.threads, args.timeout, 60),
            "hanging_without_pause": hanging(args.hanging_whatsapp, args.sms, args.threads, args.timeout, 0),
        }
    finally:
        cleanup()
    print("RESULT " + json.dumps(result))
