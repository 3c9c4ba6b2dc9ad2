"""Notification benchmarks: dispatch throughput to a local gateway, and one hanging gateway.

Runs bench/notifications_dispatch.py against the bench database (local Cloud API and Zenziva
servers on 127.0.0.1, 4 threads as 4 worker processes). Bars: >= 20 messages/s to one gateway;
SMS with a hanging WhatsApp gateway done within SMS alone + one WhatsApp timeout + 2 s.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
TIMEOUT = 2


def measurements(ctx):
    out = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "notifications_dispatch.py"),
            "--messages",
            "400",
            "--threads",
            "4",
            "--hanging-whatsapp",
            "20",
            "--sms",
            "40",
            "--timeout",
            str(TIMEOUT),
        ],
        env=ctx.env,
        cwd=ROOT,
        check=True,
        text=True,
        capture_output=True,
    ).stdout
    result = json.loads(next(line for line in out.splitlines() if line.startswith("RESULT "))[7:])
    tp, hang = result["throughput"], result["hanging_with_pause"]
    bound = hang["sms_alone_s"] + TIMEOUT + 2
    return [
        {
            "name": "notifications: dispatch to a local WhatsApp gateway (4 threads)",
            "value": tp["per_second"],
            "unit": "msg/s",
            "bar": ">= 20 msg/s",
            "ok": tp["per_second"] >= 20,
        },
        {
            "name": f"notifications: 40 SMS while WhatsApp hangs ({hang['whatsapp_calls_to_hanging_gateway']} calls)",
            "value": hang["sms_with_hanging_whatsapp_s"],
            "unit": "s",
            "bar": f"<= {bound:.1f} s",
            "ok": hang["sms_sent"] == 40 and hang["sms_with_hanging_whatsapp_s"] <= bound,
        },
    ]
