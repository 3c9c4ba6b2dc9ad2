"""Citizens join and leave a community; the page lists only members who agreed, with their trees."""

import pytest
from django.urls import reverse

from tanam import selectors, services, services_community
from tanam.models import Community, Membership
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    return Community.objects.create(name="Komunitas Uji Hijau", slug="komunitas-uji-hijau")


def join(client, community, listed):
    data = {"listed": "on"} if listed else {}
    return client.post(reverse("tanam:community-join", args=[community.slug]), data)


def test_a_citizen_joins_listed_then_leaves(client, community, bob, make_planting):
    make_planting(status="verified", community=community, tree_count=4, user=bob)
    services.cluster_cells_rebuild()
    client.force_login(bob)
    response = join(client, community, listed=True)
    assert response.status_code == 302 and response["Location"] == reverse("tanam:community", args=[community.slug])
    membership = Membership.objects.get(community=community, user=bob)
    assert membership.listed and membership.listed_changed_at is not None
    page = client.get(reverse("tanam:community", args=[community.slug]))
    assert page.context["community"].member_count == 1
    (row,) = page.context["members"]
    assert (row["name"], row["trees"]) == ("Bob Warga", 4)
    assert "Keluar dari komunitas" in page.content.decode()

    response = client.post(reverse("tanam:community-leave", args=[community.slug]))
    assert response.status_code == 302
    assert not Membership.objects.filter(community=community, user=bob).exists()
    page = client.get(reverse("tanam:community", args=[community.slug]))
    assert page.context["community"].member_count == 0 and page.context["members"] == []
    assert "Bob Warga" not in page.content.decode()


def test_a_member_who_did_not_agree_is_counted_but_never_named(client, community, bob):
    client.force_login(bob)
    join(client, community, listed=False)
    page = client.get(reverse("tanam:community", args=[community.slug]))
    html = page.content.decode()
    assert page.context["community"].member_count == 1 and page.context["members"] == []
    assert page.context["members_unlisted"] == 1
    assert "1 anggota lain memilih tidak ditampilkan" in html
    client.logout()
    assert "Bob Warga" not in client.get(reverse("tanam:community", args=[community.slug])).content.decode()


def test_the_listing_choice_can_be_changed_and_withdrawn(client, community, bob):
    client.force_login(bob)
    join(client, community, listed=False)
    join(client, community, listed=True)
    assert Membership.objects.get(user=bob).listed
    join(client, community, listed=False)  # consent withdrawn: the name goes from the page
    assert Membership.objects.filter(user=bob).count() == 1 and not Membership.objects.get(user=bob).listed
    client.logout()
    assert "Bob Warga" not in client.get(reverse("tanam:community", args=[community.slug])).content.decode()


def test_joining_twice_makes_one_membership(community, bob):
    services_community.membership_join(community=community, user=bob, listed=True)
    services_community.membership_join(community=community, user=bob, listed=True)
    assert Membership.objects.filter(community=community, user=bob).count() == 1


def test_member_counts_on_the_list_are_true(client, community):
    other = Community.objects.create(name="Komunitas Lain", slug="komunitas-lain")
    for index in range(3):
        services_community.membership_join(
            community=community, user=UserFactory(username=f"anggota{index}"), listed=index == 0
        )
    services_community.membership_join(community=other, user=UserFactory(username="anggota0"), listed=False)
    counts = {c.slug: c.member_count for c in client.get(reverse("tanam:communities")).context["page"].object_list}
    assert counts == {"komunitas-uji-hijau": 3, "komunitas-lain": 1}


def test_anonymous_join_goes_to_sign_in_and_back_to_the_community(client, community):
    page = client.get(reverse("tanam:community", args=[community.slug])).content.decode()
    assert "Masuk untuk bergabung" in page and "Keluar dari komunitas" not in page
    response = join(client, community, listed=True)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "next=/tanam/komunitas/komunitas-uji-hijau/" in response["Location"]
    assert not Membership.objects.exists()
    response = client.post(reverse("tanam:community-leave", args=[community.slug]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_bad_requests_change_nothing(client, community, bob):
    client.force_login(bob)
    assert client.get(reverse("tanam:community-join", args=[community.slug])).status_code == 405
    assert client.post(reverse("tanam:community-join", args=["tidak-ada"]), {"listed": "on"}).status_code == 404
    assert client.post(reverse("tanam:community-leave", args=["tidak-ada"])).status_code == 404
    assert client.post(reverse("tanam:community-leave", args=[community.slug])).status_code == 302  # not a member
    assert not Membership.objects.exists()


def test_leaving_removes_only_ones_own_membership(client, community, bob, charlie):
    services_community.membership_join(community=community, user=charlie, listed=True)
    client.force_login(bob)
    client.post(reverse("tanam:community-leave", args=[community.slug]))
    assert Membership.objects.filter(user=charlie).exists()


def test_the_admin_shows_unlisted_members_masked(client, community, alice, bob, charlie):
    services_community.membership_join(community=community, user=bob, listed=True)
    services_community.membership_join(community=community, user=charlie, listed=False)
    client.force_login(alice)
    html = client.get(reverse("admin:tanam_community_change", args=[community.pk])).content.decode()
    assert "Bob Warga" in html
    assert "Charlie Tanpa Akses" not in html and selectors.member_display_name(charlie, listed=False) in html
