"""The client's IP address: the one place that decides it.

Rate limits (django-ratelimit and the API throttles, `blitar_portal.lib.ratelimit`)
and the login lockout (django-axes, `AXES_CLIENT_IP_CALLABLE`) all call
`client_ip(request)`, so they agree on who the client is.

`TRUSTED_PROXY_COUNT` is the number of reverse proxies in front of the app that
each append the address they received the request from to X-Forwarded-For
(nginx: `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;`):

- 0 (default): the app is reached directly; REMOTE_ADDR is the client and
  X-Forwarded-For is ignored (anyone can send it).
- 1: one proxy (nginx). REMOTE_ADDR is nginx; the last X-Forwarded-For entry,
  written by nginx, is the client. Entries to its left came from the client and
  are not trusted, so a spoofed extra entry changes nothing.
- N: the N-th entry from the right.

The nearest proxy is REMOTE_ADDR and not in the header, so python-ipware (which
counts the proxies listed *in* the header) is given `TRUSTED_PROXY_COUNT - 1`.
A header with fewer entries than that (the request did not come through every
proxy) falls back to REMOTE_ADDR.
"""

from functools import cache

from django.conf import settings
from python_ipware import IpWare


@cache
def _ipware(proxies_in_header):
    return IpWare(precedence=("HTTP_X_FORWARDED_FOR",), proxy_count=proxies_in_header)


def client_ip(request):
    """The client's address as a string (REMOTE_ADDR unless trusted proxies are configured)."""
    remote_addr = request.META.get("REMOTE_ADDR", "")
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote_addr
    ip, _trusted_route = _ipware(trusted - 1).get_client_ip(request.META)
    return str(ip) if ip is not None else remote_addr
