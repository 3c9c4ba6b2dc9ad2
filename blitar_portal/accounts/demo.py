"""Demo accounts for `seed_demo` (password: blitar-demo-2026). Idempotent."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from .roles import DISKOMINFO

DEMO_PASSWORD = "blitar-demo-2026"  # noqa: S105 - demo data only, printed in the README


def ensure_demo_user(*, username, first_name, email=None, groups=(), is_staff=False, is_superuser=False):
    """Create a demo user once; later runs leave it (and any changed password) alone."""
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first_name,
            "email": email or f"{username}@demo.blitarkab.go.id",
            "is_staff": is_staff or is_superuser,
            "is_superuser": is_superuser,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    if groups:
        user.groups.add(*Group.objects.filter(name__in=groups))
    return user


def seed(*, scale, stdout):
    ensure_demo_user(username="admin", first_name="Administrator Portal", is_superuser=True)
    ensure_demo_user(username="diskominfo", first_name="Staf Diskominfo", groups=[DISKOMINFO], is_staff=True)
    stdout.write("  demo users: admin, diskominfo (password blitar-demo-2026)")
