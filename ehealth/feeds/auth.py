"""How a feed request authenticates (docs/feeds/AUTH.md): none, bearer, sirs, bpjs, satusehat.

`FeedAuth` holds a hospital's scheme and credentials (plain text, read from the
encrypted model fields) and gives `fetch(url, accept=…)`: the body of one GET with the
scheme's headers. For `bpjs` an encrypted answer is decrypted and LZ-string
decompressed and the JSON handed on with a plain `response`; for `satusehat` the
OAuth 2.0 token is cached (Django cache, until shortly before expiry) and a 401
fetches a new token once. Secrets never appear in a FeedError message.
"""

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from .fetch import FeedError, fetch_feed, post_form

SCHEMES = ("none", "bearer", "sirs", "bpjs", "satusehat")
# A cached SATUSEHAT token is dropped this many seconds before the service says it expires.
TOKEN_MARGIN_SECONDS = 60
BPJS_OK_CODES = {"200", "1"}


@dataclass(frozen=True)
class FeedAuth:
    scheme: str = "none"
    user: str = ""  # SIRS hospital code, BPJS consumer id, SATUSEHAT client id
    secret: str = ""  # SIRS password, BPJS secret key, SATUSEHAT client secret
    user_key: str = ""  # BPJS user key (optional)
    token_url: str = ""  # SATUSEHAT token URL
    token: str = ""  # bearer token

    @classmethod
    def for_hospital(cls, hospital: Any) -> "FeedAuth":
        scheme = hospital.feed_auth or "none"
        if scheme == "none" and hospital.feed_token:
            scheme = "bearer"  # hospitals configured before schemes existed sent their token as Bearer
        return cls(
            scheme=scheme,
            user=hospital.feed_user or "",
            secret=hospital.feed_secret or "",
            user_key=hospital.feed_user_key or "",
            token_url=hospital.feed_token_url or "",
            token=hospital.feed_token or "",
        )

    def check(self) -> None:
        """FeedError when the scheme lacks what it needs (said before anything is sent)."""
        needs = {
            "bearer": ["token"],
            "sirs": ["user", "secret"],
            "bpjs": ["user", "secret"],
            "satusehat": ["token_url", "user", "secret"],
        }
        if self.scheme not in SCHEMES:
            raise FeedError(_("Skema autentikasi feed tidak dikenal: %(scheme)s.") % {"scheme": self.scheme})
        missing = [name for name in needs.get(self.scheme, []) if not getattr(self, name)]
        if missing:
            raise FeedError(
                _("Kredensial feed belum lengkap untuk skema %(scheme)s: %(fields)s.")
                % {"scheme": self.scheme, "fields": ", ".join(missing)}
            )

    def fetch(self, url: str, *, accept: str, timeout: float | None = None, max_bytes: int | None = None) -> bytes:
        self.check()
        if self.scheme == "satusehat":
            return self._fetch_satusehat(url, accept=accept, timeout=timeout, max_bytes=max_bytes)
        timestamp = str(int(time.time()))
        body = fetch_feed(url, headers=self.headers(timestamp), accept=accept, timeout=timeout, max_bytes=max_bytes)
        if self.scheme == "bpjs":
            return bpjs_answer(body, consumer_id=self.user, secret=self.secret, timestamp=timestamp)
        return body

    def headers(self, timestamp: str) -> dict[str, str]:
        """The request headers of the scheme (AUTH.md's table), for one request at `timestamp`."""
        if self.scheme == "bearer":
            return {"Authorization": f"Bearer {self.token}"}
        if self.scheme == "sirs":
            return {
                "X-rs-id": self.user,
                "X-Timestamp": timestamp,
                "X-pass": hashlib.md5(self.secret.encode()).hexdigest(),  # noqa: S324 - the RS Online protocol
            }
        if self.scheme == "bpjs":
            headers = {
                "X-cons-id": self.user,
                "X-timestamp": timestamp,
                "X-signature": bpjs_signature(self.user, self.secret, timestamp),
            }
            if self.user_key:
                headers["user_key"] = self.user_key
            return headers
        return {}

    # --- SATUSEHAT ----------------------------------------------------------------------

    def _token_cache_key(self) -> str:
        digest = hashlib.sha256(f"{self.token_url}\n{self.user}\n{self.secret}".encode()).hexdigest()
        return f"ehealth:feed-token:{digest}"

    def _fetch_satusehat(self, url: str, *, accept: str, timeout: float | None, max_bytes: int | None) -> bytes:
        token = cache.get(self._token_cache_key()) or self._new_token(timeout=timeout)
        try:
            return fetch_feed(
                url, headers={"Authorization": f"Bearer {token}"}, accept=accept, timeout=timeout, max_bytes=max_bytes
            )
        except FeedError as exc:
            if exc.status != 401:
                raise
        # The token expired early or was revoked: one new token, one more try.
        cache.delete(self._token_cache_key())
        token = self._new_token(timeout=timeout)
        return fetch_feed(
            url, headers={"Authorization": f"Bearer {token}"}, accept=accept, timeout=timeout, max_bytes=max_bytes
        )

    def _new_token(self, *, timeout: float | None) -> str:
        sep = "&" if "?" in self.token_url else "?"
        body = post_form(
            f"{self.token_url}{sep}grant_type=client_credentials",
            {"client_id": self.user, "client_secret": self.secret},
            timeout=timeout,
        )
        try:
            data = json.loads(body.decode("utf-8-sig"))
            token = str(data["access_token"])
            expires_in = int(str(data.get("expires_in", "0")).strip() or 0)
        except (UnicodeDecodeError, ValueError, KeyError, TypeError):
            raise FeedError(_("Server token SATUSEHAT tidak memberi access_token yang sah.")) from None
        if not token:
            raise FeedError(_("Server token SATUSEHAT tidak memberi access_token yang sah."))
        lifetime = expires_in - TOKEN_MARGIN_SECONDS
        if lifetime > 0:
            cache.set(self._token_cache_key(), token, timeout=lifetime)
        return token


# --- BPJS ---------------------------------------------------------------------------------


def bpjs_signature(consumer_id: str, secret: str, timestamp: str) -> str:
    digest = hmac.new(secret.encode(), f"{consumer_id}&{timestamp}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def bpjs_key(consumer_id: str, secret: str, timestamp: str) -> tuple[bytes, bytes]:
    """(AES-256 key, IV) of an encrypted answer: SHA-256 of consumer id + secret + timestamp."""
    digest = hashlib.sha256(f"{consumer_id}{secret}{timestamp}".encode()).digest()
    return digest, digest[:16]


def bpjs_decrypt(text: str, *, consumer_id: str, secret: str, timestamp: str) -> Any:
    """An encrypted `response` -> the JSON value it holds. FeedError when it does not decrypt/decompress."""
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    from lzstring import LZString

    key, iv = bpjs_key(consumer_id, secret, timestamp)
    try:
        data = base64.b64decode(text, validate=False)
        decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
        padded = decryptor.update(data) + decryptor.finalize()
        unpadder = padding.PKCS7(128).unpadder()
        compressed = (unpadder.update(padded) + unpadder.finalize()).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        raise FeedError(
            _("Jawaban BPJS tidak dapat didekripsi: periksa consumer id dan secret key, atau jam server.")
        ) from None
    try:
        plain = LZString().decompressFromEncodedURIComponent(compressed)
    except Exception:  # noqa: BLE001 - the library raises assorted errors on garbage
        plain = None
    if not plain:
        raise FeedError(_("Jawaban BPJS tidak dapat didekompresi (LZ-string)."))
    try:
        return json.loads(plain)
    except ValueError:
        raise FeedError(_("Jawaban BPJS setelah didekripsi bukan JSON yang sah.")) from None


def bpjs_answer(body: bytes, *, consumer_id: str, secret: str, timestamp: str) -> bytes:
    """A BPJS answer with `response` as plain JSON (decrypted when it came encrypted); FeedError on metaData."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise FeedError(_("Feed bukan JSON yang sah: %(error)s") % {"error": str(exc)[:200]}) from None
    if not isinstance(data, dict):
        raise FeedError(_("Jawaban BPJS harus berupa objek JSON."))
    meta = data.get("metaData") or data.get("metadata") or {}
    code = str(meta.get("code", "200")) if isinstance(meta, dict) else "200"
    if code not in BPJS_OK_CODES:
        raise FeedError(
            _("Layanan BPJS melaporkan galat (kode %(code)s): %(message)s")
            % {"code": code, "message": str(meta.get("message", ""))[:200]}
        )
    response = data.get("response")
    if isinstance(response, str) and response.strip():
        data["response"] = bpjs_decrypt(response.strip(), consumer_id=consumer_id, secret=secret, timestamp=timestamp)
    if "metadata" not in data and isinstance(meta, dict):
        data["metadata"] = meta
    return json.dumps(data).encode()
