"""A TCP proxy on 127.0.0.1 that a test opens and closes to take a database away and give
it back, without touching the shared server behind it.

`close()` stops listening and cuts every forwarded connection (as a server that went away
would); `open()` listens again on the same port. Each connection is pumped by one thread
with `select`, every wait bounded, so closing never hangs.
"""

import select
import socket
import threading

from tests.support.servers import free_port

POLL_SECONDS = 0.1
CHUNK = 65536


class TcpProxy:
    def __init__(self, target_host: str = "127.0.0.1", target_port: int = 5432) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []

    def __enter__(self) -> "TcpProxy":
        self.open()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def open(self) -> None:
        """Listen on the proxy's port (the same one every time)."""
        if self._listener is not None:
            return
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(POLL_SECONDS)
        self._listener, self._stopping = listener, threading.Event()
        self._spawn(self._accept, listener, self._stopping)

    def close(self) -> None:
        """Stop listening and cut every open connection; returns when all threads ended."""
        if self._listener is None:
            return
        self._stopping.set()
        with self._lock:
            for sock in self._sockets:
                _shut(sock)
            self._sockets.clear()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads = []
        self._listener.close()
        self._listener = None

    def _spawn(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _accept(self, listener: socket.socket, stopping: threading.Event) -> None:
        while not stopping.is_set():
            try:
                client, _address = listener.accept()
            except (TimeoutError, OSError):
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                if stopping.is_set():
                    _shut(client)
                    _shut(upstream)
                    return
                self._sockets |= {client, upstream}
            self._spawn(self._pump, client, upstream, stopping)

    def _pump(self, client: socket.socket, upstream: socket.socket,
              stopping: threading.Event) -> None:
        pair = {client: upstream, upstream: client}
        try:
            while not stopping.is_set():
                readable, _w, _x = select.select(list(pair), [], [], POLL_SECONDS)
                for sock in readable:
                    data = sock.recv(CHUNK)
                    if not data:
                        return
                    pair[sock].sendall(data)
        except (OSError, ValueError):  # cut by close(): the socket is already gone
            return
        finally:
            with self._lock:
                self._sockets -= {client, upstream}
            _shut(client)
            _shut(upstream)


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()



