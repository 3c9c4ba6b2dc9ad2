import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from blitar_portal.accounts.roles import ALL_GROUPS

User = get_user_model()

GOOD = {
    "username": "sari",
    "first_name": "Sari Wulandari",
    "email": "sari@contoh.id",
    "password1": "Kebun-Mangga-2026!",
    "password2": "Kebun-Mangga-2026!",
    "consent": "on",
}


def test_role_groups_exist_after_migrate(db):
    assert set(Group.objects.filter(name__in=ALL_GROUPS).values_list("name", flat=True)) == set(ALL_GROUPS)


def test_signup_creates_account_and_signs_in(client, db):
    response = client.post("/akun/daftar/", GOOD, follow=True)
    assert response.status_code == 200
    assert "Akun Anda sudah dibuat" in response.content.decode()
    user = User.objects.get(username="sari")
    assert user.email == "sari@contoh.id"
    assert response.context["user"] == user


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"username": "bob"}, "Nama pengguna ini sudah dipakai"),
        ({"email": "BOB@contoh.id"}, "Email ini sudah terdaftar"),
        ({"email": "bukan-email"}, "format yang benar"),
        ({"password1": "12345678", "password2": "12345678"}, "terlalu umum"),
        ({"password2": "beda-sekali-2026"}, "tidak cocok"),
    ],
)
def test_signup_rejects_bad_input_and_creates_nothing(client, bob, change, message):
    before = User.objects.count()
    response = client.post("/akun/daftar/", {**GOOD, **change})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert User.objects.count() == before


def test_signup_ignores_an_offsite_next_url(client, db):
    response = client.post("/akun/daftar/?next=https://jahat.example/", GOOD)
    assert response.status_code == 302
    assert response["Location"] == "/akun/profil/"


def test_login_locks_out_after_repeated_failures(client, bob, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/akun/masuk/", {"username": "bob", "password": "salah"})
    response = client.post("/akun/masuk/", {"username": "bob", "password": "kata-sandi-uji-123"})
    assert response.status_code == 429
    assert "dikunci sementara" in response.content.decode()


def test_login_and_logout(client, bob, password):
    response = client.post("/akun/masuk/", {"username": "bob", "password": password})
    assert response.status_code == 302
    assert client.get("/akun/profil/").status_code == 200
    client.post("/akun/keluar/")
    assert client.get("/akun/profil/").status_code == 302


def test_profile_requires_login(client, db):
    response = client.get("/akun/profil/")
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/masuk/")


def test_profile_update_rejects_another_users_email(client, bob, charlie):
    client.force_login(charlie)
    response = client.post("/akun/profil/", {"first_name": "Charlie", "email": bob.email})
    assert "sudah dipakai akun lain" in response.content.decode()
    charlie.refresh_from_db()
    assert charlie.email != bob.email


def test_password_reset_sends_an_email_with_a_link(client, bob, mailoutbox):
    response = client.post("/akun/password_reset/", {"email": bob.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/akun/reset/" in mailoutbox[0].body


def test_charlie_sees_no_admin(client, charlie):
    client.force_login(charlie)
    response = client.get("/admin/")
    assert response.status_code == 302  # to the admin login: not staff


def test_diskominfo_group_can_manage_regions_in_admin(client, alice):
    client.force_login(alice)
    assert client.get("/admin/regions/kecamatan/").status_code == 200


def test_signup_is_rate_limited_with_a_clear_429_page(client, db):
    for _ in range(10):
        assert client.post("/akun/daftar/", {"username": ""}).status_code == 200
    response = client.post("/akun/daftar/", {"username": ""})
    assert response.status_code == 429
    assert "Terlalu banyak permintaan" in response.content.decode()
