"""A local Zenziva SMS Reguler API (console.zenziva.net/reguler/api/sendsms/).

Records each form POST and answers as Zenziva does: HTTP 200 with
{"messageId": "<id>", "to": "<to>", "status": "1", "text": "Success"} when the userkey/passkey
match, {"status": "0", "text": "Userkey / Passkey Salah"} otherwise. `refuse_next(text)` makes the
next answer {"status": "0", "text": text}; `fail_next(status)` a bare HTTP error page.
"""

import collections
import itertools
import urllib.parse

from .base import RecordingServer

PATH = "/reguler/api/sendsms/"


class FakeZenziva(RecordingServer):
    def __init__(self, *, userkey="test-userkey", passkey="test-passkey"):
        self.userkey = userkey
        self.passkey = passkey
        self.answers = collections.deque()
        self._ids = itertools.count(50000001)
        super().__init__()

    @property
    def url(self):
        return self.base + PATH

    def refuse_next(self, text):
        self.answers.append((200, {"status": "0", "text": text}))

    def fail_next(self, status):
        self.answers.append((status, None))

    def respond(self, request):
        form = {k: v[0] for k, v in urllib.parse.parse_qs(request.body.decode(), keep_blank_values=True).items()}
        request.extra["form"] = form
        if self.answers:
            status, document = self.answers.popleft()
            if document is None:
                return status, {"Content-Type": "text/html"}, b"<html><body>Error</body></html>"
            return self.json_answer(status, document)
        if request.method != "POST" or request.path != PATH:
            return 404, {"Content-Type": "text/html"}, b"Not Found"
        if form.get("userkey") != self.userkey or form.get("passkey") != self.passkey:
            return self.json_answer(200, {"status": "0", "text": "Userkey / Passkey Salah"})
        if not form.get("to") or not form.get("message"):
            return self.json_answer(200, {"status": "0", "text": "Nomor tujuan / pesan kosong"})
        return self.json_answer(
            200, {"messageId": str(next(self._ids)), "to": form["to"], "status": "1", "text": "Success"}
        )
