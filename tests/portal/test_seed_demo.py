from django.contrib.auth import get_user_model
from django.core.management import call_command


def test_seed_demo_twice_duplicates_nothing(db):
    call_command("seed_demo", "--only", "accounts", "regions")
    users = get_user_model().objects.count()
    call_command("seed_demo", "--only", "accounts", "regions")
    assert get_user_model().objects.count() == users
    assert get_user_model().objects.get(username="diskominfo").groups.filter(name="Diskominfo").exists()
