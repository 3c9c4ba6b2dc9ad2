"""Abuse controls behind a proxy: one client address, rate limits, API throttles, lockout, password reset.

The request-body limit (413) is in test_request_body_limit.py.
"""

import os
import subprocess
import sys

from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.test import RequestFactory
from django_ratelimit.core import _get_ip

from blitar_portal.lib.client_ip import client_ip
from tests.factories import PASSWORD, UserFactory

PROXY = "10.0.0.2"  # the reverse proxy, as the app sees it (REMOTE_ADDR)
LOOKUP_API = "/api/v1/service-requests/{code}/"


def behind_proxy(client_addr, *spoofed):
    """META of a request that went through one nginx: the header ends with what nginx appended."""
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": ", ".join([*spoofed, client_addr])}


def set_rate(settings, group, rate):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, group: rate}


def lookup(client, n, **meta):
    return client.get(LOOKUP_API.format(code=f"TEBAK{n:05d}"), **meta).status_code


# --- One client address -------------------------------------------------------------------------


def test_with_one_trusted_proxy_the_address_is_the_one_nginx_appended(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", **behind_proxy("203.0.113.5", "198.51.100.1"))
    assert client_ip(request) == "203.0.113.5"
    # django-ratelimit and django-axes ask the same callable.
    assert _get_ip(request) == "203.0.113.5"
    assert get_client_ip_address(request) == "203.0.113.5"


def test_with_no_trusted_proxy_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", **behind_proxy("203.0.113.5"))
    assert client_ip(request) == PROXY
    assert _get_ip(request) == PROXY
    assert get_client_ip_address(request) == PROXY


def test_a_request_that_skipped_the_proxies_falls_back_to_remote_addr(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert client_ip(request) == PROXY


def test_two_clients_behind_the_proxy_are_limited_separately(client, db, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    set_rate(settings, "booking-lookup", "3/h")
    first = [lookup(client, n, **behind_proxy("203.0.113.5")) for n in range(4)]
    second = [lookup(client, n, **behind_proxy("203.0.113.6")) for n in range(4)]
    assert first == [404, 404, 404, 429]
    assert second == [404, 404, 404, 429]


def test_a_spoofed_forwarded_for_entry_does_not_escape_the_limit(client, db, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    set_rate(settings, "booking-lookup", "3/h")
    codes = [lookup(client, n, **behind_proxy("203.0.113.5", f"198.51.100.{n}")) for n in range(1, 6)]
    assert codes == [404, 404, 404, 429, 429]


def test_with_count_zero_a_forwarded_for_header_changes_nothing(client, db, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    set_rate(settings, "booking-lookup", "3/h")
    codes = [lookup(client, n, **behind_proxy(f"203.0.113.{n}")) for n in range(1, 6)]
    assert codes == [404, 404, 404, 429, 429]


def test_page_rate_limits_use_the_same_address(client, db, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    set_rate(settings, "signup", "2/h")
    post = lambda addr: client.post("/akun/daftar/", {"username": ""}, **behind_proxy(addr)).status_code  # noqa: E731
    assert [post("203.0.113.5") for _ in range(3)] == [200, 200, 429]
    assert post("203.0.113.6") == 200


# --- API throttles --------------------------------------------------------------------------------


def test_anonymous_api_clients_are_throttled_with_a_bahasa_429_and_retry_after(client, db, settings):
    set_rate(settings, "api-anon", "3/m")
    codes = [client.get("/api/v1/hospitals/").status_code for _ in range(3)]
    response = client.get("/api/v1/hospitals/")
    assert codes == [200, 200, 200]
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["detail"].startswith("Terlalu banyak permintaan.")
    assert "Silakan coba lagi dalam" in response.json()["detail"]


def test_the_api_429_speaks_english_when_chosen(client, db, settings):
    set_rate(settings, "api-anon", "1/m")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.get("/api/v1/hospitals/")
    response = client.get("/api/v1/hospitals/")
    assert response.status_code == 429
    assert response.json()["detail"].startswith("Too many requests.")


def test_signed_in_api_clients_are_throttled_per_account(client, bob, charlie, settings):
    set_rate(settings, "api-user", "2/m")
    client.force_login(bob)
    assert [client.get("/api/v1/hospitals/").status_code for _ in range(3)] == [200, 200, 429]
    # Another account from the same address has its own budget.
    client.force_login(charlie)
    assert client.get("/api/v1/hospitals/").status_code == 200


def test_guessing_booking_codes_gets_429_quickly_with_the_default_rate(client, db, settings):
    limit = int(settings.RATE_LIMITS["booking-lookup"].split("/")[0])
    codes = [lookup(client, n) for n in range(150)]
    assert codes[:limit] == [404] * limit
    assert set(codes[limit:]) == {429}


def test_booking_lookups_on_pages_and_api_share_one_budget(client, db, settings):
    set_rate(settings, "booking-lookup", "4/h")
    codes = [
        client.get("/kesehatan/permohonan/cari/", {"kode": "TEBAK1"}).status_code,
        client.get("/kesehatan/permohonan/TEBAK2/").status_code,
        lookup(client, 3),
        client.post("/api/v1/service-requests/TEBAK4/cancel/").status_code,
        client.get("/kesehatan/permohonan/TEBAK5/").status_code,
        client.get("/kesehatan/permohonan/cari/", {"kode": "TEBAK6"}).status_code,
        lookup(client, 7),
    ]
    assert codes[:4] == [200, 404, 404, 404]  # an unknown code: the tracking box again, with the message
    assert codes[4:] == [429, 429, 429]


def test_the_page_429_is_in_bahasa_with_retry_after(client, db, settings):
    set_rate(settings, "booking-lookup", "1/h")
    client.get("/kesehatan/permohonan/TEBAK1/")
    response = client.get("/kesehatan/permohonan/TEBAK2/")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    assert "Terlalu banyak permintaan. Silakan coba lagi dalam" in response.content.decode()


def test_the_page_429_speaks_english_when_chosen(client, db, settings):
    set_rate(settings, "booking-lookup", "1/h")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.get("/kesehatan/permohonan/TEBAK1/")
    response = client.get("/kesehatan/permohonan/TEBAK2/")
    assert response.status_code == 429
    assert "Too many requests. Please try again in" in response.content.decode()


# --- Lockout --------------------------------------------------------------------------------------


WRONG = "salah-sekali"


def login(client, username, password=WRONG, **meta):
    return client.post("/akun/masuk/", {"username": username, "password": password}, **meta)


def test_one_ip_trying_one_password_on_many_accounts_is_locked_out(client, db, settings):
    settings.AXES_IP_FAILURE_LIMIT = 4
    victims = [UserFactory(username=f"korban{n}") for n in range(5)]
    codes = [login(client, victim.username).status_code for victim in victims[:4]]
    assert codes == [200, 200, 200, 429]  # the failure that reaches the limit locks
    # Even the right password of yet another account is refused from this address now.
    response = login(client, victims[4].username, PASSWORD)
    assert response.status_code == 429
    assert "dikunci sementara" in response.content.decode()
    # Someone else (another address) can still sign in to that account.
    assert login(client, victims[4].username, PASSWORD, REMOTE_ADDR="203.0.113.77").status_code == 302


def test_below_the_ip_limit_other_accounts_still_sign_in(client, db, settings):
    settings.AXES_IP_FAILURE_LIMIT = 4
    victims = [UserFactory(username=f"korban{n}") for n in range(4)]
    for victim in victims[:3]:
        login(client, victim.username)
    assert login(client, victims[3].username, PASSWORD).status_code == 302


def test_signing_in_to_ones_own_account_does_not_clear_the_ip_count(client, db, settings):
    settings.AXES_IP_FAILURE_LIMIT = 3
    own = UserFactory(username="penyerang")
    victims = [UserFactory(username=f"korban{n}") for n in range(3)]
    login(client, victims[0].username)
    login(client, victims[1].username)
    assert login(client, own.username, PASSWORD).status_code == 302
    client.logout()
    login(client, victims[2].username)
    assert login(client, own.username, PASSWORD).status_code == 429


def test_lockout_counts_the_address_behind_the_proxy(client, db, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.AXES_IP_FAILURE_LIMIT = 2
    victims = [UserFactory(username=f"korban{n}") for n in range(3)]
    login(client, victims[0].username, **behind_proxy("203.0.113.5"))
    login(client, victims[1].username, **behind_proxy("203.0.113.5"))
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}
    assert login(client, victims[2].username, PASSWORD, **behind_proxy("203.0.113.5")).status_code == 429
    # Another citizen behind the same proxy is not locked out.
    assert login(client, victims[2].username, PASSWORD, **behind_proxy("203.0.113.6")).status_code == 302


def test_the_lockout_page_names_the_configured_cool_off(client, bob, settings):
    from datetime import timedelta

    settings.AXES_COOLOFF_TIME = timedelta(minutes=30)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "bob")
    response = login(client, "bob", PASSWORD)
    assert response.status_code == 429
    assert "coba lagi dalam 30 menit" in response.content.decode()


# --- Password reset -------------------------------------------------------------------------------

RESET = "/akun/password_reset/"
RESET_LIMITED = "Terlalu banyak permintaan atur ulang kata sandi. Tidak ada e-mail yang dikirim."


def test_password_reset_is_limited_per_target_address(client, bob, settings, mailoutbox):
    set_rate(settings, "password-reset-email", "2/h")
    codes = [client.post(RESET, {"email": bob.email}, REMOTE_ADDR=f"203.0.113.{n}").status_code for n in range(4)]
    assert codes == [302, 302, 429, 429]
    assert len(mailoutbox) == 2
    # Case and spaces do not make it another address.
    response = client.post(RESET, {"email": f"  {bob.email.upper()} "}, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 429
    assert RESET_LIMITED in response.content.decode()
    assert len(mailoutbox) == 2


def test_an_unknown_address_gets_the_same_answers(client, db, settings, mailoutbox):
    set_rate(settings, "password-reset-email", "2/h")
    codes = [client.post(RESET, {"email": "tidak-ada@contoh.id"}).status_code for _ in range(3)]
    response = client.post(RESET, {"email": "tidak-ada@contoh.id"})
    assert codes == [302, 302, 429]
    assert RESET_LIMITED in response.content.decode()
    assert mailoutbox == []


def test_password_reset_is_limited_per_ip(client, db, settings, mailoutbox):
    set_rate(settings, "password-reset-ip", "3/h")
    users = [UserFactory(username=f"warga-reset{n}") for n in range(5)]
    codes = [client.post(RESET, {"email": user.email}).status_code for user in users]
    assert codes == [302, 302, 302, 429, 429]
    assert len(mailoutbox) == 3
    # Another address is not affected.
    assert client.post(RESET, {"email": users[4].email}, REMOTE_ADDR="203.0.113.50").status_code == 302


def test_password_reset_limit_speaks_english_when_chosen(client, bob, settings):
    set_rate(settings, "password-reset-email", "1/h")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.post(RESET, {"email": bob.email})
    response = client.post(RESET, {"email": bob.email})
    assert response.status_code == 429
    assert "Too many password reset requests. No e-mail was sent." in response.content.decode()


# --- Settings ---------------------------------------------------------------------------------


def test_every_limit_is_a_setting_from_the_environment(settings):
    """One subprocess with every knob set: each rate group and each limit reads its variable."""
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_VERSION"}
    env.update({"RATE_LIMIT_" + group.upper().replace("-", "_"): "7/h" for group in settings.RATE_LIMITS})
    env.update(
        TRUSTED_PROXY_COUNT="1",
        AXES_FAILURE_LIMIT="6",
        AXES_IP_FAILURE_LIMIT="40",
        AXES_COOLOFF_MINUTES="30",
        MAX_REQUEST_BODY_BYTES="1048576",
    )
    code = (
        "from blitar_portal import settings as s; "
        "print(sorted(set(s.RATE_LIMITS.values())), s.TRUSTED_PROXY_COUNT, s.AXES_FAILURE_LIMIT, "
        "s.AXES_IP_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds(), s.MAX_REQUEST_BODY_BYTES)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=settings.BASE_DIR, timeout=60
    )
    assert result.stdout.split() == ["['7/h']", "1", "6", "40", "1800.0", "1048576"], result.stderr


def test_the_api_schema_documents_429_with_retry_after_and_413(client, db):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    lookup_get = schema["paths"]["/api/v1/service-requests/{code}/"]["get"]["responses"]
    create_post = schema["paths"]["/api/v1/service-requests/"]["post"]["responses"]
    assert "Retry-After" in lookup_get["429"]["headers"]
    assert "413" not in lookup_get
    assert {"429", "413"} <= set(create_post)
