"""Make a VAPID key pair for Web Push (docs/notifications-channels.md).

Prints the two settings to put in the environment (or in secret files). Generate once per
deployment and keep it: browsers subscribed with one public key cannot receive messages signed
with another (they must subscribe again).
"""

import os

from django.core.management.base import BaseCommand

from blitar_portal.notifications.channels.push import generate_vapid_keys


class Command(BaseCommand):
    help = "Generate a VAPID key pair (P-256) for Web Push: VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY."

    def add_arguments(self, parser):
        parser.add_argument(
            "--private-key-file",
            help="Write the private key (PEM) to this file (mode 600) instead of printing it; "
            "then set VAPID_PRIVATE_KEY_FILE to it.",
        )

    def handle(self, *args, private_key_file=None, **options):
        public, pem = generate_vapid_keys()
        self.stdout.write(f"VAPID_PUBLIC_KEY={public}")
        if private_key_file:
            descriptor = os.open(private_key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w") as handle:
                handle.write(pem)
            self.stdout.write(f"VAPID_PRIVATE_KEY_FILE={private_key_file}")
        else:
            # One line: environment files cannot hold a multi-line value; "\n" is read back as newlines.
            self.stdout.write("VAPID_PRIVATE_KEY=" + pem.strip().replace("\n", "\\n"))
