"""A webhook receiver on 127.0.0.1 for the tests: a threaded http.server keeping every POST.

`with WebhookReceiver() as receiver:` listens on a free port of 127.0.0.1 only;
`receiver.url` is its address (``http://127.0.0.1:<port>/hooks``) and `receiver.requests`
the requests received, in arrival order (`Received`: path, headers, the raw body bytes).

`statuses` are the answers, one per request in turn (the last one repeats; 200 when none
is given); a 3xx answer carries a Location on the same server (`/moved`), so a client that
followed redirects would be seen calling it. With `hold` (a threading.Event), each request
is recorded, then waits before it is answered until `hold` is set: a stalled receiver, to
catch a sender mid-POST. The wait is bounded (HOLD_SECONDS) and ends when the receiver
closes. `arrived` is set once the first request has been read.
"""

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOLD_SECONDS = 60


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict
    body: bytes


class WebhookReceiver:
    def __init__(self, statuses=(200,), hold: threading.Event | None = None) -> None:
        self.statuses = list(statuses) or [200]
        self.hold = hold
        self.requests: list[Received] = []
        self.arrived = threading.Event()
        self._closing = threading.Event()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hooks"

    def _next_status(self) -> int:
        with self._lock:
            return self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802 - the http.server name
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with receiver._lock:
                    receiver.requests.append(Received(self.path, dict(self.headers), body))
                receiver.arrived.set()
                if receiver.hold is not None:
                    for _ in range(HOLD_SECONDS * 10):
                        if receiver.hold.wait(0.1) or receiver._closing.is_set():
                            break
                status = receiver._next_status()
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "/moved")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                """Quiet: the tests read `requests`."""

        return Handler

    def __enter__(self) -> "WebhookReceiver":
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._closing.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
