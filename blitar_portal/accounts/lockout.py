"""Login lockout (django-axes) with two limits.

`AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]` makes axes
count failures per (username, IP) and per IP across usernames; axes compares both
with the one AXES_FAILURE_LIMIT. This handler gives the per-IP count its own,
higher limit (AXES_IP_FAILURE_LIMIT): many people may share one address (a school,
a mobile carrier's NAT), yet one IP trying one password on many accounts is locked
out. The IP is `blitar_portal.lib.client_ip.client_ip` (AXES_CLIENT_IP_CALLABLE).
"""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


def _failures(attempts):
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class LockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None):
        """Failures measured against AXES_FAILURE_LIMIT (axes compares this number with it).

        The per-IP count is scaled so that it reaches AXES_FAILURE_LIMIT exactly when
        it reaches AXES_IP_FAILURE_LIMIT: ip * limit // ip_limit >= limit <=> ip >= ip_limit.
        """
        per_account, per_ip = (_failures(attempts) for attempts in self.get_user_attempts(request, credentials))
        return max(per_account, per_ip * settings.AXES_FAILURE_LIMIT // max(settings.AXES_IP_FAILURE_LIMIT, 1))

    def reset_user_attempts(self, request, credentials=None):
        """A successful login clears that account's failures from this IP only, never the
        IP's failures on other accounts (or an attacker could reset them with their own login)."""
        per_account = self.filter_user_attempts(request, credentials)[0]
        count, _deleted = per_account.delete()
        return count
