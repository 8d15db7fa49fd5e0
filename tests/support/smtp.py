"""An SMTP server on 127.0.0.1 for the tests (aiosmtpd): it keeps every message it receives.

`with SmtpSink() as sink:` listens on a free port of 127.0.0.1 only; `sink.url` is its
``smtp://`` address, `sink.messages` the messages received (`email.message.Message`, in
arrival order) and `sink.received` how many. `connected` is set when the first client
connects.

With `hold` (a threading.Event, which may also be assigned after start), each conversation
waits before accepting a message (the answer to DATA) until `hold` is set: a stalled
server, to catch a sender mid-send, with its claim committed and its connection open. The
wait is bounded (HOLD_SECONDS; then the message is refused with a 421) and ends when the
sink closes.

aiosmtpd runs the server in a thread of its own. Its `Controller` opens one connection of
its own at start-up to check that the server answers; that connection does not count as a
client's (`connected` stays clear).

aiosmtpd imports `public` (the `atpublic` distribution), a name this project's own
`public/` package (the customer's pages) takes on the import path: `_aiosmtpd_controller`
imports aiosmtpd with atpublic's module in place for that moment, then puts the project's
back, in whichever order the two are first imported.
"""

import asyncio
import importlib
import importlib.metadata
import importlib.util
import socket
import sys
import threading
import time
from email import message_from_bytes
from email.message import Message


def _aiosmtpd_controller():
    """aiosmtpd's Controller class, imported with atpublic's `public` module lent to it."""
    if "aiosmtpd.controller" in sys.modules:
        return sys.modules["aiosmtpd.controller"].Controller
    ours = {name: module for name, module in sys.modules.items()
            if name == "public" or name.startswith("public.")}
    for name in ours:
        del sys.modules[name]
    init = importlib.metadata.distribution("atpublic").locate_file("public/__init__.py")
    spec = importlib.util.spec_from_file_location("public", init)
    lent = importlib.util.module_from_spec(spec)
    sys.modules["public"] = lent
    try:
        spec.loader.exec_module(lent)
        return importlib.import_module("aiosmtpd.controller").Controller
    finally:
        for name in [n for n in sys.modules if n == "public" or n.startswith("public.")]:
            del sys.modules[name]
        sys.modules.update(ours)


Controller = _aiosmtpd_controller()

HOST = "127.0.0.1"
HOLD_SECONDS = 30
POLL_SECONDS = 0.05
GREETING_NAME = "sink.test"  # never socket.getfqdn(): a DNS lookup per conversation


class _Handler:
    """aiosmtpd's handler: waits while the sink is held, then keeps the message."""

    def __init__(self, sink: "SmtpSink") -> None:
        self.sink = sink

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's name
        if not await self.sink._wait_while_held():
            return "421 sink held too long or closing"
        self.sink._keep(message_from_bytes(envelope.original_content or envelope.content))
        return "250 queued"


class _Controller(Controller):
    """A Controller on a socket bound beforehand (port 0: a free port, known at once), that
    tells the sink about each connection after its own start-up check."""

    def __init__(self, sink: "SmtpSink", listener: socket.socket) -> None:
        super().__init__(_Handler(sink), hostname=HOST, port=listener.getsockname()[1],
                         server_hostname=GREETING_NAME, ready_timeout=HOLD_SECONDS)
        self.sink, self.listener = sink, listener

    def _create_server(self):
        return self.loop.create_server(self._factory_invoker, sock=self.listener)

    def factory(self):
        self.sink._connection()
        return super().factory()


class SmtpSink:
    def __init__(self, hold: threading.Event | None = None) -> None:
        self.messages: list[Message] = []
        self.connected, self.hold = threading.Event(), hold
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._started = False
        self._listener = socket.create_server((HOST, 0))
        self.url = f"smtp://{HOST}:{self._listener.getsockname()[1]}"
        self._controller = _Controller(self, self._listener)

    @property
    def received(self) -> int:
        with self._lock:
            return len(self.messages)

    def __enter__(self) -> "SmtpSink":
        self._controller.start()
        self._started = True
        return self

    def __exit__(self, *exc) -> None:
        self._closing.set()
        self._controller.stop()
        self._listener.close()

    # --- called from the server's thread --------------------------------------------------

    def _connection(self) -> None:
        """A new connection; the Controller's own check at start-up is not a client."""
        if self._started:
            self.connected.set()

    def _keep(self, message: Message) -> None:
        with self._lock:
            self.messages.append(message)

    async def _wait_while_held(self) -> bool:
        """Wait while held (bounded); False when the wait timed out or the sink closes."""
        deadline = time.monotonic() + HOLD_SECONDS
        while self.hold is not None and not self.hold.is_set():
            if self._closing.is_set() or time.monotonic() > deadline:
                return False
            await asyncio.sleep(POLL_SECONDS)
        return not self._closing.is_set()
