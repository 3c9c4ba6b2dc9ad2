"""A local Web Push service (the role of FCM / Mozilla autopush): RFC 8030 delivery,
RFC 8292 VAPID verification and RFC 8291 (aes128gcm) decryption, with `cryptography` only.

`subscribe()` plays the browser: it makes a subscriber key pair and an auth secret and returns
the PushSubscription JSON a browser gives the page (`endpoint`, `keys.p256dh`, `keys.auth`).
Each POST to an endpoint is checked as a push service checks it:
- `Authorization: vapid t=<JWT>, k=<public key>`: the JWT is ES256, signed by k; `aud` is the
  origin of the endpoint, `exp` is in the future and at most 24 h away, `sub` is mailto:/https:;
- `Content-Encoding: aes128gcm` and a `TTL` header;
then the body is decrypted with the subscriber's private key and recorded in `extra`:
`plaintext` (bytes), `jwt_claims`, `vapid_key` (k) and `vapid_ok` / `problem` (what failed).
Answers 201 with a Location, or what `answer_next(status)` asks (404, 410, 429, 500...).
A request that fails a check gets 401/400, like a real push service.
"""

import base64
import collections
import json
import os
import re
import time

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .base import RecordingServer


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _hkdf(salt, ikm, info, length):
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


def _raw_public(key):
    return key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


class PushProblem(Exception):
    pass


def verify_vapid(authorization, *, endpoint_origin, now=None):
    """Check a `vapid t=..., k=...` header (RFC 8292); returns (claims, k) or raises PushProblem."""
    match = re.fullmatch(r"vapid\s+(.*)", authorization or "", flags=re.I)
    if not match:
        raise PushProblem("no vapid authorization")
    params = dict(part.strip().split("=", 1) for part in match.group(1).split(",") if "=" in part)
    token, k = params.get("t", ""), params.get("k", "")
    try:
        header_b64, claims_b64, signature_b64 = token.split(".")
        header = json.loads(b64url_decode(header_b64))
        claims = json.loads(b64url_decode(claims_b64))
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(k))
        signature = b64url_decode(signature_b64)
    except (ValueError, TypeError) as exc:
        raise PushProblem(f"malformed vapid header: {exc}") from None
    if header.get("alg") != "ES256" or len(signature) != 64:
        raise PushProblem("JWT is not ES256")
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
    try:
        public.verify(der, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise PushProblem("JWT signature does not verify against k") from None
    now = now or time.time()
    if claims.get("aud") != endpoint_origin:
        raise PushProblem(f"aud {claims.get('aud')!r} is not {endpoint_origin!r}")
    if not isinstance(claims.get("exp"), int) or not now < claims["exp"] <= now + 24 * 3600:
        raise PushProblem("exp not in the next 24 hours")
    if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
        raise PushProblem("sub is not a mailto: or https: contact")
    return claims, k


def decrypt_aes128gcm(body, *, private_key, auth_secret):
    """RFC 8291 + RFC 8188: the plaintext of one Web Push message (single record)."""
    salt, record_size, id_length = body[:16], int.from_bytes(body[16:20], "big"), body[20]
    sender_public = body[21 : 21 + id_length]
    ciphertext = body[21 + id_length :]
    if id_length != 65 or len(ciphertext) > record_size:
        raise PushProblem("unexpected aes128gcm header")
    sender = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), sender_public)
    ecdh_secret = private_key.exchange(ec.ECDH(), sender)
    key_info = b"WebPush: info\x00" + _raw_public(private_key) + sender_public
    ikm = _hkdf(auth_secret, ecdh_secret, key_info, 32)
    cek = _hkdf(salt, ikm, b"Content-Encoding: aes128gcm\x00", 16)
    nonce = _hkdf(salt, ikm, b"Content-Encoding: nonce\x00", 12)
    try:
        padded = AESGCM(cek).decrypt(nonce, ciphertext, None)
    except InvalidTag:
        raise PushProblem("payload does not decrypt") from None
    padded = padded.rstrip(b"\x00")
    if not padded.endswith(b"\x02"):
        raise PushProblem("missing last-record delimiter")
    return padded[:-1]


class FakePushService(RecordingServer):
    def __init__(self):
        self.subscribers = {}  # token -> (private key, auth secret)
        self.answers = collections.deque()
        super().__init__()

    def subscribe(self):
        """A browser's PushSubscription JSON for a new endpoint on this service."""
        token = b64url(os.urandom(12))
        private_key = ec.generate_private_key(ec.SECP256R1())
        auth_secret = os.urandom(16)
        self.subscribers[token] = (private_key, auth_secret)
        return {
            "endpoint": f"{self.base}/push/{token}",
            "expirationTime": None,
            "keys": {"p256dh": b64url(_raw_public(private_key)), "auth": b64url(auth_secret)},
        }

    def answer_next(self, status):
        self.answers.append(status)

    def respond(self, request):
        token = request.path.removeprefix("/push/")
        if request.method != "POST" or token not in self.subscribers:
            return 404, {}, b""
        try:
            request.extra["jwt_claims"], request.extra["vapid_key"] = verify_vapid(
                request.headers.get("authorization"), endpoint_origin=self.base
            )
            request.extra["vapid_ok"] = True
            if request.headers.get("content-encoding") != "aes128gcm":
                raise PushProblem("Content-Encoding is not aes128gcm")
            if "ttl" not in request.headers:
                raise PushProblem("no TTL header")
            private_key, auth_secret = self.subscribers[token]
            request.extra["plaintext"] = decrypt_aes128gcm(
                request.body, private_key=private_key, auth_secret=auth_secret
            )
        except PushProblem as exc:
            request.extra["problem"] = str(exc)
            return (401 if not request.extra.get("vapid_ok") else 400), {}, str(exc).encode()
        if self.answers:
            return self.answers.popleft(), {}, b""
        return 201, {"Location": f"{self.base}/message/{b64url(os.urandom(9))}"}, b""
