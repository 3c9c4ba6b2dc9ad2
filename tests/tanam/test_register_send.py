"""/tanam/daftar/kirim/ and planting_register(client_key=...): a planting kept on the device
without signal is sent later, exactly once, with the same checks and messages as the form."""

import threading
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from tanam import services
from tanam.models import Planting

URL = reverse("tanam:register-send")


@pytest.fixture
def send(client, bob, species, spot):
    client.force_login(bob)

    def do(key, **extra):
        data = {
            "lat": spot[0],
            "lon": spot[1],
            "location_source": "gps",
            "gps_accuracy_m": "12",
            "species": species.pk,
            "tree_count": 2,
            "planted_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
            "client_key": str(key),
            **extra,
        }
        return client.post(URL, data, HTTP_ACCEPT="application/json")

    return do


def test_a_repeated_key_returns_the_planting_already_created(send, bob, photo):
    key = uuid.uuid4()
    first = send(key, photo=photo())
    again = send(key, photo=photo())
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert again.json()["replayed"] is True
    planting = Planting.objects.get(user=bob)
    assert planting.client_key == key and planting.status == Planting.Status.PENDING
    assert first.json() | {"replayed": True} == again.json()
    assert first.json()["status_label"] == "Menunggu verifikasi"
    assert first.json()["url"] == reverse("tanam:detail", args=[planting.pk])
    assert planting.gps_accuracy_m == 12 and planting.location_source == "gps"


def test_two_keys_are_two_registrations_with_the_same_checks_as_the_form(send, bob):
    assert send(uuid.uuid4()).status_code == 201
    second = send(uuid.uuid4())  # same point within 10 minutes: the form's duplicate message
    assert second.status_code == 400
    assert "dalam jarak 10 m" in second.json()["errors"]["lat"][0]  # at the location, like the page
    assert Planting.objects.filter(user=bob).count() == 1


def test_bad_input_gets_the_forms_messages_at_their_fields(send, bob):
    response = send(uuid.uuid4(), species="", tree_count="0")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"]["species"] == ["Pilih spesies pohon."]
    assert body["errors"]["tree_count"]
    assert not Planting.objects.exists()


def test_the_key_is_required_and_must_be_a_uuid(send):
    assert send("")["Content-Type"] == "application/json"
    assert send("").json()["errors"]["client_key"] == ["Kunci pengiriman wajib diisi."]
    assert send("bukan-uuid").json()["errors"]["client_key"] == ["Kunci pengiriman tidak sah."]
    assert not Planting.objects.exists()


def test_messages_in_english_when_chosen(send, client):
    client.cookies["django_language"] = "en"
    response = send(uuid.uuid4(), species="")
    assert response.status_code == 400
    assert response.json()["errors"]["species"] == ["Choose the tree species."]


def test_anonymous_gets_401_json_not_a_login_page(client, species, spot):
    response = client.post(URL, {"client_key": str(uuid.uuid4())})
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_get_is_not_allowed(client, bob):
    client.force_login(bob)
    assert client.get(URL).status_code == 405


def test_the_service_with_a_key_saves_once(bob, species, spot):
    key = uuid.uuid4()
    args = {"user": bob, "species": species, "lat": spot[0], "lon": spot[1], "location_source": "map"}
    args["planted_on"] = timezone.localdate()
    first = services.planting_register(client_key=key, **args)
    second = services.planting_register(client_key=key, **args)
    assert not first.replayed and second.replayed
    assert first.planting.pk == second.planting.pk
    assert Planting.objects.filter(user=bob).count() == 1


def test_the_same_key_is_free_for_another_person(bob, charlie, species, spot):
    key = uuid.uuid4()
    args = {"species": species, "lat": spot[0], "lon": spot[1], "location_source": "map"}
    args["planted_on"] = timezone.localdate()
    services.planting_register(user=bob, client_key=key, **args)
    services.planting_register(user=charlie, client_key=key, **args)
    assert Planting.objects.filter(client_key=key).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_with_one_key_make_one_planting(bob, species, spot):
    """Two tabs (or the page and the service worker) sending the same entry at the same moment."""
    key = uuid.uuid4()
    args = {"user": bob, "species": species, "lat": spot[0], "lon": spot[1], "location_source": "map"}
    args["planted_on"] = timezone.localdate()
    results, errors = [], []
    start = threading.Barrier(2)

    def register():
        try:
            start.wait()
            results.append(services.planting_register(client_key=key, **args))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=register) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len({result.planting.pk for result in results}) == 1
    assert sorted(result.replayed for result in results) == [False, True]
    assert Planting.objects.filter(user=bob).count() == 1
