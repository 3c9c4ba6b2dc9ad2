"""A real HTTP server on 127.0.0.1 (port chosen by the OS) that records every request exactly.

Each fake provider subclasses `RecordingServer` and answers in `respond(request)` as the real
provider does. Every fake can be told to hang (`hang()`): the handler then waits, without
answering, until the test ends, so a channel's timeout is what ends the call.
"""

import http.server
import json
import threading
from dataclasses import dataclass, field


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict  # header names in lower case
    body: bytes
    extra: dict = field(default_factory=dict)  # what a fake learnt (e.g. decrypted push payload)

    @property
    def json(self):
        return json.loads(self.body.decode("utf-8"))


class RecordingServer:
    def __init__(self):
        self.requests = []
        self._hang = threading.Event()
        self._release = threading.Event()
        self._lock = threading.Lock()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                recorded = Recorded(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                with server._lock:
                    server.requests.append(recorded)
                if server._hang.is_set():
                    server._release.wait(60)
                    return
                status, headers, payload = server.respond(recorded)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_DELETE = do_PUT = _handle

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self):
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def hang(self):
        """From now on, accept requests and never answer (until close)."""
        self._hang.set()

    def respond(self, request):  # pragma: no cover - every fake overrides it
        raise NotImplementedError

    @staticmethod
    def json_answer(status, document):
        return status, {"Content-Type": "application/json"}, json.dumps(document).encode()

    def close(self):
        self._release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
