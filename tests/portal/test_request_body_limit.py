"""Request bodies above MAX_REQUEST_BODY_BYTES are refused (413) before they are read.

The live-server tests speak HTTP over a real socket: they announce 50 MB, send only
the first 64 KiB, and get the 413 back. The server cannot have read the whole body,
because it was never sent.
"""

import json
import socket
from urllib.parse import urlsplit

import pytest

FIFTY_MB = 50 * 1024 * 1024
SENT = 64 * 1024


def raw_post(live_server, path, content_type, *, extra_headers="", chunked=False):
    """POST announcing 50 MB (or chunked), send only SENT bytes of it, return (status, headers, body, sent)."""
    url = urlsplit(live_server.url)
    framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {FIFTY_MB}"
    with socket.create_connection((url.hostname, url.port), timeout=20) as sock:
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {url.hostname}:{url.port}\r\n"
            f"Content-Type: {content_type}\r\n{framing}\r\n{extra_headers}\r\n"
        )
        sock.sendall(head.encode())
        sock.sendall(f"{SENT:x}\r\n".encode() + b"x" * SENT + b"\r\n" if chunked else b"x" * SENT)
        response = b""
        while b"\r\n\r\n" not in response:
            response += sock.recv(65536)
        head_bytes, _sep, body = response.partition(b"\r\n\r\n")
        lines = head_bytes.decode("latin-1").split("\r\n")
        headers = {k.lower(): v.strip() for k, _c, v in (line.partition(":") for line in lines[1:])}
        while len(body) < int(headers.get("content-length", 0)):
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
    return int(lines[0].split()[1]), headers, body.decode(), SENT


@pytest.mark.django_db(transaction=True)
def test_a_50_mb_upload_to_a_page_is_answered_413_after_64_kib(live_server, settings):
    status, _headers, body, sent = raw_post(live_server, "/tanam/daftar/", "multipart/form-data; boundary=x")
    assert status == 413
    assert sent < FIFTY_MB // 100
    assert "Kiriman terlalu besar: maksimal 17,0\xa0MB" in body


@pytest.mark.django_db(transaction=True)
def test_a_50_mb_upload_to_the_api_is_answered_413_json(live_server, settings):
    status, headers, body, _sent = raw_post(live_server, "/api/v1/tanam/plantings/", "multipart/form-data; boundary=x")
    assert status == 413
    assert headers["content-type"] == "application/json"
    assert json.loads(body)["detail"].startswith("Kiriman terlalu besar")


@pytest.mark.django_db(transaction=True)
def test_the_413_speaks_english_when_chosen(live_server):
    english = "Cookie: django_language=en\r\n"
    status, _headers, body, _sent = raw_post(live_server, "/ikm/toko-saya/", "multipart/x; b=x", extra_headers=english)
    assert status == 413
    assert "The upload is too large" in body


def test_the_limit_is_the_setting(client, db, settings):
    settings.MAX_REQUEST_BODY_BYTES = 1000
    over = client.generic("POST", "/akun/masuk/", b"u" * 1001, content_type="application/x-www-form-urlencoded")
    assert over.status_code == 413
    assert "maksimal 1000\xa0bita" in over.content.decode()
    at_limit = client.generic("POST", "/akun/masuk/", b"u" * 1000, content_type="application/x-www-form-urlencoded")
    assert at_limit.status_code == 200  # the login form again: the body was read and judged


@pytest.mark.django_db(transaction=True)
def test_a_chunked_upload_without_length_is_refused_411(live_server):
    status, _headers, body, _sent = raw_post(live_server, "/tanam/daftar/", "multipart/x; b=x", chunked=True)
    assert status == 411
    assert "Kiriman harus menyebut ukurannya (header Content-Length)." in body


def test_a_malformed_content_length_is_a_400(client, db):
    response = client.generic("POST", "/api/v1/tanam/plantings/", b"", CONTENT_LENGTH="12abc")
    assert response.status_code == 400
    assert response.json()["detail"] == "Header Content-Length tidak valid."


def test_a_photo_within_the_limit_still_reaches_the_form(client, bob, settings):
    """The largest allowed body (two photos of MAX_UPLOAD_IMAGE_BYTES) is not refused by the limit."""
    assert settings.MAX_REQUEST_BODY_BYTES >= 2 * settings.MAX_UPLOAD_IMAGE_BYTES
    client.force_login(bob)
    response = client.post("/tanam/daftar/", {"notes": "x" * 1024})
    assert response.status_code == 200  # the form with its own errors
