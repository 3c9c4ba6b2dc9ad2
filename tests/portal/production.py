"""The environment of a production process that a test starts (DEBUG=0 and what it requires)."""

import os

PRODUCTION = {
    "DEBUG": "0",
    "ALLOWED_HOSTS": "portal.blitarkab.go.id",
    "SECRET_KEY": "x9!Lq2#vR7@mT4$wZ8^kP1&nB6*cF3(hJ5)dG0_sA-yE=uN+oI;tC:rV<eX>bM?",
    # DEBUG=0 refuses the console/locmem e-mail backends and a missing field encryption key.
    "EMAIL_URL": "smtp://portal:rahasia@mail.blitarkab.go.id:587?tls=1",
    "FIELD_ENCRYPTION_KEYS": "3q2cvd1KFyfb8xCC1ffx5kU4M7m1fVnNw7rhJwSDHSk=",
}


def subprocess_env(**extra):
    """This process's environment without pytest's markers, plus `extra`."""
    environ = {k: v for k, v in os.environ.items() if k not in ("PYTEST_VERSION", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    environ.update(extra)
    return environ


def production_env(**extra):
    """A production environment (PRODUCTION), `extra` overriding it."""
    return subprocess_env(**{**PRODUCTION, **extra})
