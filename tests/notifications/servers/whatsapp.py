"""A local WhatsApp Cloud API: records each request and answers like graph.facebook.com.

Success (HTTP 200), as the Cloud API answers a template message:
    {"messaging_product": "whatsapp", "contacts": [{"input": "<to>", "wa_id": "<to>"}],
     "messages": [{"id": "wamid.<...>", "message_status": "accepted"}]}
Errors, as Graph API errors: {"error": {"message": "(#<code>) <title>", "type": "OAuthException",
"code": <code>, "error_data": {"messaging_product": "whatsapp", "details": "..."},
"fbtrace_id": "..."}} with the HTTP status Meta uses for that code.

`status_payload()` and `post_status_webhook()` play Meta's side of the status webhook.
"""

import base64
import collections
import hashlib
import hmac
import json
import secrets
import urllib.error
import urllib.request

from .base import RecordingServer

# HTTP status and title Meta sends with these error codes.
ERRORS = {
    190: (401, "Access token has expired"),
    100: (400, "Invalid parameter"),
    131026: (400, "Message Undeliverable"),
    131047: (400, "Re-engagement message"),
    132001: (404, "Template name does not exist in the translation"),
    130429: (400, "Rate limit hit"),
    131056: (400, "(Business Account, Consumer Account) pair rate limit hit"),
    131000: (500, "Something went wrong"),
    4: (429, "API Too Many Calls"),
}


class FakeCloudAPI(RecordingServer):
    def __init__(self, *, token="test-access-token", phone_number_id="1234567890", version="v23.0"):  # noqa: S107
        self.token = token
        self.phone_number_id = phone_number_id
        self.version = version
        self.failures = collections.deque()  # (http status, error code or None) answered next
        self.sent_ids = []
        super().__init__()

    @property
    def messages_path(self):
        return f"/{self.version}/{self.phone_number_id}/messages"

    def fail_next(self, code=None, *, status=None):
        """The next request gets Meta's error `code` (its usual HTTP status), or a bare `status`."""
        self.failures.append((status or ERRORS[code][0], code))

    def redirect_next(self, location):
        """The next request is answered 307 to `location` (a client must not follow it with the token)."""
        self.failures.append((307, location))

    def respond(self, request):
        if self.failures:
            status, code = self.failures.popleft()
            if status == 307:
                return status, {"Location": code}, b""
            if code is None:
                return status, {"Content-Type": "text/html"}, b"<html><body>Service Unavailable</body></html>"
            return self.error(status, code)
        if request.method != "POST" or request.path != self.messages_path:
            return self.error(400, 100, "Unsupported post request.")
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return self.error(401, 190)
        body = request.json
        if body.get("messaging_product") != "whatsapp" or body.get("type") != "template":
            return self.error(400, 100)
        wamid = "wamid." + base64.b64encode(secrets.token_bytes(30)).decode()
        self.sent_ids.append(wamid)
        return self.json_answer(
            200,
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                "messages": [{"id": wamid, "message_status": "accepted"}],
            },
        )

    def error(self, status, code, details=""):
        title = ERRORS.get(code, (status, "Error"))[1]
        return self.json_answer(
            status,
            {
                "error": {
                    "message": f"(#{code}) {title}",
                    "type": "OAuthException",
                    "code": code,
                    "error_data": {"messaging_product": "whatsapp", "details": details or title},
                    "fbtrace_id": "A" + secrets.token_hex(10),
                }
            },
        )


def status_payload(statuses, *, phone_number_id="1234567890", waba_id="102290129340398"):
    """A status webhook body as Meta posts it. `statuses`: dicts with id, status, timestamp,
    recipient_id and, for failed, errors=[{"code", "title", "message", "error_data": {"details"}}]."""
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": waba_id,
                "changes": [
                    {
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {"display_phone_number": "15550783881", "phone_number_id": phone_number_id},
                            "statuses": [{**s, "timestamp": str(s["timestamp"])} for s in statuses],
                        },
                        "field": "messages",
                    }
                ],
            }
        ],
    }


def signed_headers(raw_body, app_secret, *, bad_signature=False):
    digest = hmac.new(app_secret.encode(), raw_body, hashlib.sha256).hexdigest()
    if bad_signature:
        digest = hmac.new(b"not-the-app-secret", raw_body, hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json", "X-Hub-Signature-256": f"sha256={digest}"}


def post_status_webhook(url, payload, *, app_secret, bad_signature=False, timeout=10):
    """POST a status webhook to `url` as Meta does (signed with the app secret, or with a wrong
    one when bad_signature). Returns (HTTP status, body bytes)."""
    raw = json.dumps(payload, separators=(",", ":")).encode()
    headers = signed_headers(raw, app_secret, bad_signature=bad_signature)
    request = urllib.request.Request(url, data=raw, headers=headers, method="POST")  # noqa: S310 - test URL
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - test URL
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
