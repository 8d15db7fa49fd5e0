"""An SMTP sink on 127.0.0.1 for the server tests: accepts every message and counts it.
Each conversation has its own thread; every wait is bounded."""

import socket
import threading

TIMEOUT = 30


class SmtpSink:
    def __init__(self) -> None:
        self.received = 0
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.url = f"smtp://127.0.0.1:{self._listener.getsockname()[1]}"
        self._threads = [threading.Thread(target=self._serve, daemon=True)]

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

    def _talk(self, connection: socket.socket) -> None:
        connection.settimeout(TIMEOUT)
        try:
            with connection, connection.makefile("rb") as reader:
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
            if verb in (b"EHLO", b"HELO"):
                connection.sendall(b"250 sink\r\n")
            elif verb == b"DATA":
                connection.sendall(b"354 go on\r\n")
                while reader.readline() not in (b".\r\n", b".\n", b""):
                    pass
                with self._lock:
                    self.received += 1
                connection.sendall(b"250 queued\r\n")
            elif verb == b"QUIT":
                connection.sendall(b"221 bye\r\n")
                return
            else:
                connection.sendall(b"250 ok\r\n")
