"""The real settings plus one probe view, for gunicorn behind nginx in test_deploy_vm.py."""

from blitar_portal.settings import *  # noqa: F403

ROOT_URLCONF = "tests.portal.vm_probe_urls"
