"""Safe admin for IKM: no delete on the queues, staff suspend instead of deleting, and every admin
write goes through services.py, so the cached public catalogue changes at once."""

import pytest
from django import forms

from blitar_portal.lib.media import private_storage
from ikm import services
from ikm.models import Product, Shop
from tests.factories import UserFactory

from .conftest import make_product, make_shop, upload

QUEUES = ["/admin/ikm/verificationqueue/", "/admin/ikm/shop/"]


@pytest.fixture
def root(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def _actions(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return [name for name, _label in response.context["action_form"].fields["action"].choices]


def _form_data(client, url, **changes):
    """The admin change form's current values (as the browser would post them), with changes."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None or name in ("logo", "banner"):
            continue
        if isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
            continue
        data[name] = value
    for prefix in ("certifications",):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(changes)
    return data


@pytest.mark.parametrize("url", QUEUES)
def test_queue_actions_offer_no_delete_to_staff_nor_superuser(client, alice, root, url):
    for user in (alice, root):
        client.force_login(user)
        actions = _actions(client, url)
        assert "delete_selected" not in actions
        assert "verify_shops" in actions


def test_staff_get_no_delete_button_nor_delete_page(client, alice, owner):
    shop = make_shop(owner, verified=False)
    make_product(shop)
    services.shop_submit(shop=shop)
    client.force_login(alice)
    for model in ("shop", "verificationqueue"):
        change = client.get(f"/admin/ikm/{model}/{shop.pk}/change/")
        assert change.status_code == 200 and change.context["has_delete_permission"] is False
        assert f"/{shop.pk}/delete/" not in change.content.decode()
        assert client.get(f"/admin/ikm/{model}/{shop.pk}/delete/").status_code == 403
        assert client.post(f"/admin/ikm/{model}/{shop.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Shop.objects.filter(pk=shop.pk).exists()
    assert client.get("/admin/ikm/shop/add/").status_code == 403


def test_admin_suspend_removes_the_shop_from_the_cached_catalogue(client, alice, shop):
    make_product(shop, name="Sambal Pecel Khas Uji")
    assert "Sambal Pecel Khas Uji" in client.get("/ikm/").content.decode()  # now cached
    admin = client.__class__()
    admin.force_login(alice)
    data = {"action": "suspend_shops", "_selected_action": [shop.pk], "apply": "1", "reason": "Izin kedaluwarsa."}
    assert admin.post("/admin/ikm/shop/", data).status_code == 302
    assert "Sambal Pecel Khas Uji" not in client.get("/ikm/").content.decode()


def test_admin_verify_in_the_queue_publishes_through_the_service(client, alice, owner):
    shop = make_shop(owner, verified=False)
    make_product(shop, name="Gula Kelapa Antrean")
    services.shop_submit(shop=shop)
    assert "Gula Kelapa Antrean" not in client.get("/ikm/").content.decode()  # now cached
    admin = client.__class__()
    admin.force_login(alice)
    data = {"action": "verify_shops", "_selected_action": [shop.pk], "apply": "1", "reason": ""}
    assert admin.post("/admin/ikm/verificationqueue/", data).status_code == 302
    shop.refresh_from_db()
    assert shop.status == Shop.Status.VERIFIED and shop.status_changed_at and shop.verified_at
    assert "Gula Kelapa Antrean" in client.get("/ikm/").content.decode()


def test_admin_product_edit_changes_the_cached_catalogue(client, alice, shop):
    product = make_product(shop, name="Keripik Lama Uji")
    assert "Keripik Lama Uji" in client.get("/ikm/").content.decode()
    admin = client.__class__()
    admin.force_login(alice)
    url = f"/admin/ikm/product/{product.pk}/change/"
    response = admin.post(url, _form_data(admin, url, name="Keripik Baru Uji"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    html = client.get("/ikm/").content.decode()
    assert "Keripik Baru Uji" in html and "Keripik Lama Uji" not in html


def test_admin_shop_edit_goes_through_the_owner_rules(client, alice, shop):
    make_product(shop, name="Produk Toko Ubah")
    admin = client.__class__()
    admin.force_login(alice)
    url = f"/admin/ikm/shop/{shop.pk}/change/"
    response = admin.post(url, _form_data(admin, url, whatsapp="0812 1111 2222"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    shop.refresh_from_db()
    assert shop.whatsapp == "6281211112222"  # normalised by the service, as on "Toko Saya"


def test_superuser_delete_goes_through_the_service(client, root, owner, django_capture_on_commit_callbacks):
    shop = services.shop_create(owner=owner, logo=upload(), **_shop_fields())
    services.shop_verify(shop=shop)
    make_product(shop, name="Tahu Takwa Hapus")
    logo = shop.logo.name
    assert private_storage().exists(logo)  # originals live in private storage (docs/media.md)
    assert "Tahu Takwa Hapus" in client.get("/ikm/").content.decode()  # now cached
    admin = client.__class__()
    admin.force_login(root)
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(f"/admin/ikm/shop/{shop.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not Shop.objects.filter(pk=shop.pk).exists() and not Product.objects.filter(shop_id=shop.pk).exists()
    assert "Tahu Takwa Hapus" not in client.get("/ikm/").content.decode()
    assert not private_storage().exists(logo)


def _shop_fields():
    from .conftest import shop_data

    return shop_data(name="Toko Dihapus")


def test_a_refused_admin_shop_edit_is_a_message_not_a_500(client, alice, shop):
    client.force_login(alice)
    url = f"/admin/ikm/shop/{shop.pk}/change/"
    response = client.post(url, _form_data(client, url, whatsapp="12", name="Nama Tidak Tersimpan"), follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    shop.refresh_from_db()
    assert shop.name == "Keripik Bu Sri"  # nothing saved half-way
