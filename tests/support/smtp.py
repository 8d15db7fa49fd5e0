"""An SMTP server on 127.0.0.1 for the tests: it keeps every message it receives.

With `hold` (a threading.Event), each conversation waits before the greeting until `hold`
is set: a stalled server, to catch a sender mid-send. `connected` is set at the first
connection. Each conversation has its own thread; every wait is bounded.
"""

import socket
import threading
from email import message_from_bytes
from email.message import Message

TIMEOUT = 30


class SmtpSink:
    def __init__(self, hold: threading.Event | None = None) -> None:
        self.messages: list[Message] = []
        self.connected, self.hold = threading.Event(), hold
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.url = f"smtp://127.0.0.1:{self._listener.getsockname()[1]}"
        self._threads = [threading.Thread(target=self._serve, daemon=True)]

    @property
    def received(self) -> int:
        with self._lock:
            return len(self.messages)

    def __enter__(self) -> "SmtpSink":
        self._threads[0].start()
        return self

    def __exit__(self, *exc) -> None:
        self._closing.set()
        for thread in list(self._threads):
            thread.join(timeout=5)
        self._listener.close()

    def _serve(self) -> None:
        while not self._closing.is_set():
            try:
                connection, _address = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            talk = threading.Thread(target=self._talk, args=(connection,), daemon=True)
            self._threads.append(talk)
            talk.start()

    def _stalled(self) -> bool:
        """Wait while held; True when the server closes meanwhile."""
        while self.hold is not None and not self.hold.is_set():
            if self._closing.wait(0.05):
                return True
        return False

    def _talk(self, connection: socket.socket) -> None:
        connection.settimeout(TIMEOUT)
        try:
            with connection, connection.makefile("rb") as reader:
                self.connected.set()
                if not self._stalled():
                    self._conversation(connection, reader)
        except OSError:
            return

    def _conversation(self, connection: socket.socket, reader) -> None:
        connection.sendall(b"220 sink ESMTP\r\n")
        while not self._closing.is_set():
            line = reader.readline()
            if not line:
                return
            verb = line[:4].upper()
            if verb == b"DATA":
                connection.sendall(b"354 go on\r\n")
                message = message_from_bytes(self._data(reader))
                with self._lock:
                    self.messages.append(message)
                connection.sendall(b"250 queued\r\n")
            elif verb == b"QUIT":
                connection.sendall(b"221 bye\r\n")
                return
            else:
                connection.sendall(b"250 ok\r\n")

    @staticmethod
    def _data(reader) -> bytes:
        lines = []
        for line in reader:
            if line in (b".\r\n", b".\n"):
                break
            lines.append(line[1:] if line.startswith(b"..") else line)
        return b"".join(lines)
