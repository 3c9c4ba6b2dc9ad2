"""`manage.py dashboard_bench_session`: print a session key of a Diskominfo user (benchmarks only).

bench/scenarios/dashboard.py passes it to wrk as a cookie, so the load generator
measures the real, signed-in dashboard pages. The user has an unusable password:
it can never sign in through the login form.
"""

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.core.management.base import BaseCommand

from blitar_portal.accounts.roles import DISKOMINFO

USERNAME = "bench-diskominfo"


class Command(BaseCommand):
    help = "Create a Diskominfo bench user and print a fresh session key for it."

    def handle(self, *args, **options):
        user, created = get_user_model().objects.get_or_create(username=USERNAME, defaults={"is_staff": True})
        if created:
            user.set_unusable_password()
            user.save()
        user.groups.add(Group.objects.get(name=DISKOMINFO))
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.set_expiry(3600)
        session.create()
        self.stdout.write(session.session_key)
