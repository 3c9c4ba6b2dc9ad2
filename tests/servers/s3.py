"""A real S3-compatible server on loopback for tests and the rehearsal (moto's server).

In a test:

    with s3_server() as s3:
        s3.create_bucket("media-public")
        s3.endpoint_url  # http://127.0.0.1:<port chosen by the OS>

As a process (the rehearsal, a developer trying MEDIA_S3_* by hand):

    .venv/bin/python -m tests.servers.s3 --port 0 --bucket blitar-media --bucket blitar-private
    # prints "S3_ENDPOINT_URL=http://127.0.0.1:<port>" once it answers, then serves until killed

Any access key and secret are accepted (ACCESS_KEY_ID / SECRET_ACCESS_KEY below by convention);
anonymous requests get an object only when its ACL is public-read, like a real S3 bucket
without a public bucket policy. moto keeps everything in memory: a stopped server forgets it.
"""

import argparse
import os
import signal
import sys
import threading
from contextlib import contextmanager

ACCESS_KEY_ID = "test-access-key"
SECRET_ACCESS_KEY = "test-secret-key"  # noqa: S105 - a loopback test server accepts any secret
REGION = "us-east-1"


class S3Server:
    """moto's ThreadedMotoServer on 127.0.0.1, port 0 by default (the OS picks a free one)."""

    def __init__(self, host="127.0.0.1", port=0):
        from moto.server import ThreadedMotoServer

        self._server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
        self.endpoint_url = None

    def start(self):
        import logging

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint_url = f"http://{host}:{port}"
        return self

    def stop(self):
        self._server.stop()

    def client(self):
        """A boto3 S3 client with the test credentials (path-style addressing)."""
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=ACCESS_KEY_ID,
            aws_secret_access_key=SECRET_ACCESS_KEY,
            region_name=REGION,
            config=Config(s3={"addressing_style": "path"}),
        )

    def create_bucket(self, name):
        self.client().create_bucket(Bucket=name)
        return name

    def environ(self, prefix):
        """Settings for the portal: `<prefix>_ENDPOINT_URL`, `_ACCESS_KEY_ID`, `_SECRET_ACCESS_KEY`, `_REGION`."""
        return {
            f"{prefix}_ENDPOINT_URL": self.endpoint_url,
            f"{prefix}_ACCESS_KEY_ID": ACCESS_KEY_ID,
            f"{prefix}_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
            f"{prefix}_REGION": REGION,
        }


@contextmanager
def s3_server(host="127.0.0.1", port=0):
    server = S3Server(host, port).start()
    try:
        yield server
    finally:
        server.stop()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--bucket", action="append", default=[], help="Create this bucket (repeatable).")
    args = parser.parse_args(argv)
    server = S3Server(args.host, args.port).start()
    for bucket in args.bucket:
        server.create_bucket(bucket)
    print(f"S3_ENDPOINT_URL={server.endpoint_url}", flush=True)
    stopped = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopped.set())
    stopped.wait()
    server.stop()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("MOTO_ALLOW_NONEXISTENT_REGION", "true")
    sys.exit(main())
