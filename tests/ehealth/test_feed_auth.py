"""Feed authentication (docs/feeds/AUTH.md) against real HTTP servers on 127.0.0.1 that check the headers exactly.

The servers recompute what the portal must send (MD5 of the password, the BPJS HMAC
signature of the timestamp it received), answer BPJS data encrypted and LZ-string
compressed the way AUTH.md says, and run an OAuth token endpoint with expiry.
"""

import base64
import hashlib
import hmac
import http.server
import json
import threading
import time
import urllib.parse

import pytest
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.core.cache import cache
from lzstring import LZString

from blitar_portal.lib.crypto import TOKEN_PREFIX
from ehealth import services
from ehealth.feeds import load_feed
from ehealth.feeds.auth import FeedAuth
from ehealth.models import BedClass, Hospital, SyncRun

from .conftest import make_hospital, sample

pytestmark = pytest.mark.django_db

CONS_ID, SECRET, USER_KEY = "12345", "s3cr3tKey", "uk-abc"
RS_ID, RS_PASS = "3505012", "rahasia-rs"
CLIENT_ID, CLIENT_SECRET = "client-abc", "client-secret-xyz"


def bpjs_encrypt(payload, *, timestamp, cons_id=CONS_ID, secret=SECRET):
    """What a BPJS service does: LZ-string compress, AES-256-CBC with the SHA-256 key, base64."""
    compressed = LZString().compressToEncodedURIComponent(json.dumps(payload))
    digest = hashlib.sha256(f"{cons_id}{secret}{timestamp}".encode()).digest()
    padder = padding.PKCS7(128).padder()
    data = padder.update(compressed.encode()) + padder.finalize()
    encryptor = Cipher(algorithms.AES(digest), modes.CBC(digest[:16])).encryptor()
    return base64.b64encode(encryptor.update(data) + encryptor.finalize()).decode()


class NationalServer:
    """One threaded HTTP server playing RS Online, BPJS (Aplicares, encrypted VClaim-style) and SATUSEHAT."""

    def __init__(self):
        self.hits = []  # (method, path, headers dict)
        self.rejections = []  # why a request was refused (the test asserts none were unexpected)
        self.tokens_issued = 0
        self.valid_tokens = set()
        self.token_expires_in = "3600"
        self.aplicares_rooms = []
        self.fhir_body = sample("sample-fhir.json")
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                server.hits.append(("GET", self.path, self.headers))
                status, body = server.route_get(self.path, self.headers)
                self._answer(status, body)

            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                form = urllib.parse.parse_qs(self.rfile.read(length).decode())
                server.hits.append(("POST", self.path, self.headers))
                status, body = server.token(self.path, self.headers, form)
                self._answer(status, body)

            def _answer(self, status, body):
                body = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path):
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{path}"

    def refuse(self, why):
        self.rejections.append(why)
        return 401, {"metaData": {"code": "401", "message": why}}

    # --- checks of each scheme, recomputed from what was received -------------------------

    def check_timestamp(self, value):
        return value is not None and value.isdigit() and abs(int(value) - time.time()) < 300

    def check_sirs(self, headers):
        if headers.get("X-rs-id") != RS_ID:
            return "X-rs-id"
        if not self.check_timestamp(headers.get("X-Timestamp")):
            return "X-Timestamp"
        if headers.get("X-pass") != hashlib.md5(RS_PASS.encode()).hexdigest():  # noqa: S324
            return "X-pass"
        return None

    def check_bpjs(self, headers, *, user_key=True):
        timestamp = headers.get("X-timestamp")
        if headers.get("X-cons-id") != CONS_ID:
            return "X-cons-id"
        if not self.check_timestamp(timestamp):
            return "X-timestamp"
        expected = base64.b64encode(
            hmac.new(SECRET.encode(), f"{CONS_ID}&{timestamp}".encode(), hashlib.sha256).digest()
        ).decode()
        if headers.get("X-signature") != expected:
            return "X-signature"
        if user_key and headers.get("user_key") != USER_KEY:
            return "user_key"
        return None

    def route_get(self, path, headers):
        if path.startswith("/rsonline/"):
            why = self.check_sirs(headers)
            return self.refuse(why) if why else (200, sample("sample-sirs.json"))
        if path.startswith("/aplicares/rest/bed/read/0123R001/"):
            why = self.check_bpjs(headers)
            if why:
                return self.refuse(why)
            start, limit = (int(p) for p in path.rstrip("/").split("/")[-2:])
            page = self.aplicares_rooms[start - 1 : start - 1 + min(limit, 2)]  # this server pages by 2
            return 200, {
                "response": {"list": page},
                "metadata": {"code": 1, "message": "OK", "totalitems": len(self.aplicares_rooms)},
            }
        if path.startswith("/vclaim/beds"):
            why = self.check_bpjs(headers, user_key=False)
            if why:
                return self.refuse(why)
            payload = json.loads(sample("sample-aplicares.json"))["response"]
            return 200, {
                "metaData": {"code": "200", "message": "OK"},
                "response": bpjs_encrypt(payload, timestamp=headers["X-timestamp"]),
            }
        if path.startswith("/fhir-r4/v1/Location"):
            auth = headers.get("Authorization", "")
            if not auth.startswith("Bearer ") or auth[7:] not in self.valid_tokens:
                return self.refuse("bearer")
            return 200, self.fhir_body
        if path.startswith("/bearer/"):
            if headers.get("Authorization") != "Bearer tok-123":
                return self.refuse("bearer")
            return 200, sample("sample.csv")
        return 404, {}

    def token(self, path, headers, form):
        parsed = urllib.parse.urlparse(path)
        query = urllib.parse.parse_qs(parsed.query)
        if parsed.path != "/oauth2/v1/accesstoken" or query.get("grant_type") != ["client_credentials"]:
            return 404, {}
        if headers.get("Content-Type") != "application/x-www-form-urlencoded":
            return self.refuse("content-type")
        if form.get("client_id") != [CLIENT_ID] or form.get("client_secret") != [CLIENT_SECRET]:
            return self.refuse("client credentials")
        self.tokens_issued += 1
        token = f"tok-{self.tokens_issued}"
        self.valid_tokens.add(token)
        return 200, {"access_token": token, "expires_in": self.token_expires_in, "token_type": "BearerToken"}

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def national():
    server = NationalServer()
    yield server
    server.close()


@pytest.fixture(autouse=True)
def _no_cached_tokens():
    cache.clear()


EXPECTED = {("VIP", ""): (6, 2), ("KELAS_3", ""): (12, 3), ("ICU", ""): (7, 1)}


def beds(hospital):
    return {(b.code, b.room_name): (b.capacity, b.available) for b in BedClass.objects.filter(hospital=hospital)}


def sync(hospital):
    return services.hospital_sync(hospital_id=hospital.pk, trigger="test")


# --- Each scheme: the exact headers -------------------------------------------------------------


def test_sirs_sends_hospital_code_timestamp_and_md5_of_the_password(national):
    hospital = make_hospital(
        "rs-sirs", feed_url=national.url("/rsonline/fo/index.php/Fasyankes"), feed_format="sirs",
        feed_auth="sirs", feed_user=RS_ID, feed_secret=RS_PASS,
    )  # fmt: skip
    run = sync(hospital)
    assert run.status == "ok", run.message
    assert national.rejections == [] and beds(hospital) == EXPECTED
    headers = national.hits[-1][2]
    assert headers["X-pass"] == hashlib.md5(RS_PASS.encode()).hexdigest()  # noqa: S324
    assert all(RS_PASS not in str(value) for _m, _p, h in national.hits for value in h.values())


def test_bpjs_signature_is_recomputed_by_the_server_and_aplicares_pages_through_every_page(national):
    rooms = json.loads(sample("sample-aplicares.json"))["response"]["list"]
    national.aplicares_rooms = rooms + [
        {"kodekelas": "KL1", "koderuang": f"K{i}", "namaruang": f"Kelas 1 {i}", "kapasitas": 2, "tersedia": 1}
        for i in range(4)
    ]
    hospital = make_hospital(
        "rs-bpjs", feed_url=national.url("/aplicares/rest/bed/read/0123R001"), feed_format="aplicares",
        feed_auth="bpjs", feed_user=CONS_ID, feed_secret=SECRET, feed_user_key=USER_KEY,
    )  # fmt: skip
    run = sync(hospital)
    assert run.status == "ok", run.message
    assert national.rejections == []
    pages = [path for method, path, _headers in national.hits if method == "GET"]
    assert pages == [f"/aplicares/rest/bed/read/0123R001/{start}/100" for start in (1, 3, 5, 7)]
    assert beds(hospital) == {**EXPECTED, ("KELAS_1", ""): (8, 4)}
    assert run.rows == 7


def test_a_bpjs_answer_encrypted_and_lz_compressed_is_decrypted_with_the_timestamp_sent(national):
    auth = FeedAuth(scheme="bpjs", user=CONS_ID, secret=SECRET)
    result = load_feed(url=national.url("/vclaim/beds"), feed_format="aplicares", auth=auth)
    assert national.rejections == []
    assert "user_key" not in national.hits[-1][2]  # none configured: none sent
    assert result.classes == EXPECTED
    # Male/female availability comes through decryption too.
    assert result.genders[("VIP", "")] == (1, 1, 0)


def test_satusehat_token_is_fetched_once_cached_and_a_401_forces_exactly_one_refresh(national):
    hospital = make_hospital(
        "rs-ss", feed_url=national.url("/fhir-r4/v1/Location?organization=100026489"), feed_format="fhir",
        feed_auth="satusehat", feed_token_url=national.url("/oauth2/v1/accesstoken"),
        feed_user=CLIENT_ID, feed_secret=CLIENT_SECRET,
    )  # fmt: skip
    assert sync(hospital).status == "ok"
    assert sync(hospital).status == "ok"
    assert national.tokens_issued == 1  # the second sync used the cached token
    fhir = [h for h in national.hits if h[0] == "GET"]
    assert [h[2]["Authorization"] for h in fhir] == ["Bearer tok-1", "Bearer tok-1"]
    assert fhir[0][2]["Accept"] == "application/fhir+json"
    # The service revokes the token early: the next sync gets a 401, fetches one new token, retries once.
    national.valid_tokens.clear()
    run = sync(hospital)
    assert run.status == "ok", run.message
    assert national.tokens_issued == 2
    assert [h[2].get("Authorization") for h in national.hits if h[0] == "GET"][-2:] == ["Bearer tok-1", "Bearer tok-2"]
    assert beds(hospital) == EXPECTED


def test_satusehat_token_lifetime_follows_expires_in(national):
    # expires_in shorter than the safety margin: the token is used once and never cached.
    national.token_expires_in = "30"
    hospital = make_hospital(
        "rs-ss2", feed_url=national.url("/fhir-r4/v1/Location?organization=1"), feed_format="fhir",
        feed_auth="satusehat", feed_token_url=national.url("/oauth2/v1/accesstoken"),
        feed_user=CLIENT_ID, feed_secret=CLIENT_SECRET,
    )  # fmt: skip
    sync(hospital)
    sync(hospital)
    assert national.tokens_issued == 2


def test_satusehat_a_token_refused_twice_fails_after_one_refresh(national):
    national.valid_tokens = set()
    hospital = make_hospital(
        "rs-ss3", feed_url=national.url("/fhir-r4/v1/Location?organization=1"), feed_format="fhir",
        feed_auth="satusehat", feed_token_url=national.url("/oauth2/v1/accesstoken"),
        feed_user=CLIENT_ID, feed_secret=CLIENT_SECRET,
    )  # fmt: skip

    # A server that issues tokens but refuses every one of them.
    national.valid_tokens = type("Never", (set,), {"__contains__": lambda self, item: False})()
    run = sync(hospital)
    assert run.status == "error" and "HTTP 401" in run.message
    assert national.tokens_issued == 2  # the first and exactly one refresh


def test_bearer_sends_the_token(national):
    hospital = make_hospital(
        "rs-bearer", feed_url=national.url("/bearer/beds.csv"), feed_format="csv", feed_auth="bearer",
        feed_token="tok-123",
    )  # fmt: skip
    assert sync(hospital).status == "ok"
    assert national.hits[-1][2]["Authorization"] == "Bearer tok-123"


# --- Wrong secrets: the fault is kept, the last numbers stay -------------------------------------


@pytest.mark.parametrize(
    ("fields", "path", "fmt"),
    [
        ({"feed_auth": "sirs", "feed_user": RS_ID, "feed_secret": "salah"}, "/rsonline/x", "sirs"),
        (
            {"feed_auth": "bpjs", "feed_user": CONS_ID, "feed_secret": "salah", "feed_user_key": USER_KEY},
            "/aplicares/rest/bed/read/0123R001",
            "aplicares",
        ),
        (
            {"feed_auth": "satusehat", "feed_user": CLIENT_ID, "feed_secret": "salah", "feed_token_url": "TOKEN"},
            "/fhir-r4/v1/Location?organization=1",
            "fhir",
        ),
        ({"feed_auth": "bearer", "feed_token": "salah"}, "/bearer/beds.csv", "csv"),
    ],
    ids=["sirs", "bpjs", "satusehat", "bearer"],
)
def test_wrong_secret_records_the_fault_and_keeps_the_last_numbers(national, fields, path, fmt):
    from .conftest import set_beds

    if fields.get("feed_token_url") == "TOKEN":
        fields = {**fields, "feed_token_url": national.url("/oauth2/v1/accesstoken")}
    hospital = make_hospital("rs-salah", feed_url=national.url(path), feed_format=fmt, **fields)
    set_beds(hospital, EXPECTED)
    run = sync(hospital)
    assert run.status == SyncRun.Status.ERROR
    assert "401" in run.message
    assert "salah" not in run.message  # the secret is never in the message
    hospital.refresh_from_db()
    assert hospital.last_sync_status == "error" and hospital.consecutive_failures == 1
    assert hospital.feed_failing_since is not None
    assert beds(hospital) == EXPECTED


def test_an_answer_that_does_not_decrypt_is_a_clear_fault(national):
    # The server encrypts with the real secret; a portal holding another secret signs wrongly,
    # so here the signature check is bypassed by a server route that only encrypts.
    auth = FeedAuth(scheme="bpjs", user=CONS_ID, secret=SECRET)
    from ehealth.feeds.auth import bpjs_answer
    from ehealth.feeds.fetch import FeedError

    body = json.dumps(
        {"metaData": {"code": "200"}, "response": bpjs_encrypt({"list": []}, timestamp="1", secret="other")}
    ).encode()
    with pytest.raises(FeedError, match="didekripsi|didekompresi"):
        bpjs_answer(body, consumer_id=auth.user, secret=auth.secret, timestamp="1")


def test_bpjs_metadata_error_is_reported(national):
    from ehealth.feeds.auth import bpjs_answer
    from ehealth.feeds.fetch import FeedError

    body = json.dumps({"metaData": {"code": "201", "message": "Timestamp tidak valid"}, "response": None}).encode()
    with pytest.raises(FeedError, match="Timestamp tidak valid"):
        bpjs_answer(body, consumer_id=CONS_ID, secret=SECRET, timestamp="1")


# --- The model contract: encrypted at rest, plain in code ---------------------------------------


def test_credentials_are_stored_encrypted_and_read_back_in_plain_text():
    from django.db import connection

    hospital = make_hospital(
        "rs-enc", feed_auth="bpjs", feed_user=CONS_ID, feed_secret=SECRET, feed_user_key=USER_KEY,
        feed_token="tok", feed_token_url="https://auth.example/token",
    )  # fmt: skip
    columns = ["feed_user", "feed_secret", "feed_user_key", "feed_token", "feed_token_url"]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM ehealth_hospital WHERE id = %s", [hospital.pk])  # noqa: S608
        stored = cursor.fetchone()
    assert all(value.startswith(TOKEN_PREFIX) for value in stored)
    fresh = Hospital.objects.get(pk=hospital.pk)
    assert (fresh.feed_user, fresh.feed_secret, fresh.feed_user_key) == (CONS_ID, SECRET, USER_KEY)
    assert fresh.feed_token_url == "https://auth.example/token"


def test_a_scheme_without_its_credentials_is_refused_by_the_model():
    from django.core.exceptions import ValidationError

    hospital = make_hospital("rs-kurang")
    hospital.feed_url, hospital.feed_format, hospital.feed_auth = "https://rs.example/feed", "sirs", "sirs"
    with pytest.raises(ValidationError) as error:
        hospital.full_clean()
    assert "feed_auth" in error.value.message_dict


# --- The admin: credentials entered, stored encrypted, never shown back -------------------------


def hospital_form(hospital, **changes):
    form = {
        "name": hospital.name,
        "slug": hospital.slug,
        "type": hospital.type,
        "kecamatan": hospital.kecamatan_id,
        "address": hospital.address,
        "phone": hospital.phone,
        "igd_phone": hospital.igd_phone,
        "location": hospital.location.geojson,
        "is_active": "on",
        "booking_window_days": 14,
        "feed_url": "https://apijkn.bpjs-kesehatan.go.id/aplicaresws/rest/bed/read/0123R001",
        "feed_format": "aplicares",
        "feed_auth": "bpjs",
        "sync_interval_minutes": 5,
        "stale_after_minutes": 60,
    }
    form.update(changes)
    return form


def test_admin_credentials_are_write_only_and_blank_keeps_the_old_ones(client, alice, hospital):
    client.force_login(alice)
    url = f"/admin/ehealth/hospital/{hospital.pk}/change/"
    response = client.post(
        url, hospital_form(hospital, new_feed_user=CONS_ID, new_feed_secret=SECRET, new_feed_user_key=USER_KEY)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    hospital.refresh_from_db()
    assert (hospital.feed_auth, hospital.feed_user, hospital.feed_secret, hospital.feed_user_key) == (
        "bpjs",
        CONS_ID,
        SECRET,
        USER_KEY,
    )
    html = client.get(url).content.decode()
    assert SECRET not in html and USER_KEY not in html and f'value="{CONS_ID}"' not in html
    assert "Biarkan kosong untuk tetap memakai yang lama" in html and "tersimpan (tidak ditampilkan)" in html
    # Saved again with the secret boxes empty: the stored credentials stay.
    assert client.post(url, hospital_form(hospital)).status_code == 302
    hospital.refresh_from_db()
    assert (hospital.feed_secret, hospital.feed_user_key) == (SECRET, USER_KEY)


def test_admin_refuses_a_scheme_without_its_credentials_with_a_clear_message(client, alice, hospital):
    client.force_login(alice)
    response = client.post(
        f"/admin/ehealth/hospital/{hospital.pk}/change/",
        hospital_form(hospital, feed_auth="satusehat", new_feed_user=CLIENT_ID),
    )
    assert response.status_code == 200
    assert "memerlukan" in response.content.decode()
    hospital.refresh_from_db()
    assert hospital.feed_auth == "none" and hospital.feed_user == ""
