"""A small IMAP4rev1 server on 127.0.0.1 for the tests: one mailbox, kept in memory.

Just enough for `imaplib` and `mailin.poll`: CAPABILITY, NOOP, LOGIN, SELECT/EXAMINE,
SEARCH (ALL / UNSEEN), FETCH (RFC822, RFC822.SIZE, BODY[], BODY.PEEK[], BODY.PEEK[HEADER],
FLAGS, UID), STORE +FLAGS/-FLAGS, each also after UID, and LOGOUT. Like a real server,
fetching RFC822 or BODY[] (without PEEK) sets \\Seen. `on_store(uid, flags)` is called in
the server's thread before a STORE is answered (a test checks there what is committed).
`commands` records every command line received (passwords masked). Every wait is bounded:
each conversation has a timeout and its own thread; `with FakeImap() as server:`.
"""

import re
import shlex
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

HOST = "127.0.0.1"
TIMEOUT = 10
FETCH_ITEMS = re.compile(r"BODY\.PEEK\[[A-Z]*\]|BODY\[[A-Z]*\]|RFC822\.SIZE|RFC822|FLAGS|UID",
                         re.IGNORECASE)


@dataclass
class StoredMessage:
    uid: int
    raw: bytes
    flags: set[str] = field(default_factory=set)


class FakeImap:
    def __init__(self, user: str = "desk@grand.example.com", password: str = "s3cret pass",
                 mailbox: str = "INBOX") -> None:
        self.user, self.password, self.mailbox = user, password, mailbox
        self.messages: list[StoredMessage] = []
        self.commands: list[str] = []
        self.on_store: Callable[[int, set[str]], None] | None = None
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._listener = socket.create_server((HOST, 0))
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self._threads = [threading.Thread(target=self._serve, daemon=True)]

    def url(self, password: str | None = None) -> str:
        """imap://user:password@127.0.0.1:port/INBOX, percent-encoded."""
        from urllib.parse import quote

        secret = self.password if password is None else password
        credentials = f"{quote(self.user, safe='')}:{quote(secret, safe='')}"
        return f"imap://{credentials}@{HOST}:{self.port}/{self.mailbox}"

    def add(self, raw: bytes, seen: bool = False) -> int:
        with self._lock:
            uid = (self.messages[-1].uid if self.messages else 100) + 1
            self.messages.append(StoredMessage(uid, raw, {"\\Seen"} if seen else set()))
            return uid

    def seen(self, uid: int) -> bool:
        with self._lock:
            return "\\Seen" in self._by_uid(uid).flags

    def mark_unseen(self, uid: int) -> None:
        with self._lock:
            self._by_uid(uid).flags.discard("\\Seen")

    def __enter__(self) -> "FakeImap":
        self._threads[0].start()
        return self

    def __exit__(self, *exc) -> None:
        self._closing.set()
        for thread in list(self._threads):
            thread.join(timeout=5)
        self._listener.close()

    # --- the server's threads ------------------------------------------------------------

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
        session = _Session(self, connection)
        try:
            session.run()
        except OSError:
            pass
        finally:
            connection.close()

    def _by_uid(self, uid: int) -> StoredMessage:
        return next(m for m in self.messages if m.uid == uid)


class _Session:
    """One client conversation."""

    def __init__(self, server: FakeImap, connection: socket.socket) -> None:
        self.server, self.connection = server, connection
        self.reader = connection.makefile("rb")
        self.signed_in = self.selected = False

    def send(self, data: bytes | str) -> None:
        self.connection.sendall(data.encode() if isinstance(data, str) else data)

    def run(self) -> None:
        self.send("* OK [CAPABILITY IMAP4rev1] fake IMAP ready\r\n")
        while not self.server._closing.is_set():
            line = self.reader.readline(64 * 1024)
            if not line:
                return
            text = line.decode("utf-8", "replace").rstrip("\r\n")
            tag, _, rest = text.partition(" ")
            command, _, arguments = rest.partition(" ")
            self.server.commands.append(_masked(command, text))
            if not self.dispatch(tag, command.upper(), arguments):
                return

    def dispatch(self, tag: str, command: str, arguments: str) -> bool:
        uid = False
        if command == "UID":
            uid = True
            command, _, arguments = arguments.partition(" ")
            command = command.upper()
        handler = getattr(self, f"do_{command.lower()}", None)
        if handler is None:
            self.send(f"{tag} BAD unknown command\r\n")
            return True
        if command not in {"CAPABILITY", "NOOP", "LOGIN", "LOGOUT"} and not self.signed_in:
            self.send(f"{tag} NO sign in first\r\n")
            return True
        return handler(tag, arguments, uid) is not False

    # --- commands ------------------------------------------------------------------------

    def do_capability(self, tag, _arguments, _uid):
        self.send(f"* CAPABILITY IMAP4rev1\r\n{tag} OK CAPABILITY done\r\n")

    def do_noop(self, tag, _arguments, _uid):
        self.send(f"{tag} OK NOOP done\r\n")

    def do_login(self, tag, arguments, _uid):
        try:
            user, password = shlex.split(arguments)
        except ValueError:
            self.send(f"{tag} BAD LOGIN needs a user and a password\r\n")
            return
        if (user, password) != (self.server.user, self.server.password):
            self.send(f"{tag} NO [AUTHENTICATIONFAILED] Invalid credentials\r\n")
            return
        self.signed_in = True
        self.send(f"{tag} OK LOGIN completed\r\n")

    def do_select(self, tag, arguments, _uid):
        if shlex.split(arguments or '""')[0] != self.server.mailbox:
            self.send(f"{tag} NO no such mailbox\r\n")
            return
        self.selected = True
        with self.server._lock:
            count = len(self.server.messages)
        self.send(f"* {count} EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 7] UIDs valid\r\n"
                  f"{tag} OK [READ-WRITE] SELECT completed\r\n")

    do_examine = do_select

    def do_search(self, tag, arguments, uid):
        criterion = arguments.strip().upper()
        with self.server._lock:
            found = [(n, m) for n, m in enumerate(self.server.messages, start=1)
                     if criterion == "ALL" or (criterion == "UNSEEN" and "\\Seen" not in m.flags)]
        numbers = " ".join(str(m.uid if uid else n) for n, m in found)
        self.send(f"* SEARCH {numbers}".rstrip() + f"\r\n{tag} OK SEARCH completed\r\n")

    def _targets(self, which: str, uid: bool) -> list[tuple[int, StoredMessage]]:
        wanted = {int(part) for part in which.split(",") if part.isdigit()}
        with self.server._lock:
            return [(n, m) for n, m in enumerate(self.server.messages, start=1)
                    if (m.uid if uid else n) in wanted]

    def do_fetch(self, tag, arguments, uid):
        which, _, items = arguments.partition(" ")
        names = [name.upper() for name in FETCH_ITEMS.findall(items)]
        for number, message in self._targets(which, uid):
            self.send(self._fetch_response(number, message, names, uid))
        self.send(f"{tag} OK FETCH completed\r\n")

    def _fetch_response(self, number: int, message: StoredMessage, names: list[str],
                        uid: bool) -> bytes:
        parts: list[bytes] = []
        if uid and "UID" not in names:
            names = ["UID", *names]
        for name in names:
            if name == "UID":
                parts.append(f"UID {message.uid}".encode())
            elif name == "RFC822.SIZE":
                parts.append(f"RFC822.SIZE {len(message.raw)}".encode())
            elif name == "FLAGS":
                parts.append(f"FLAGS ({' '.join(sorted(message.flags))})".encode())
            else:
                parts.append(self._section(name, message))
        return f"* {number} FETCH (".encode() + b" ".join(parts) + b")\r\n"

    def _section(self, name: str, message: StoredMessage) -> bytes:
        header_only = name.endswith("[HEADER]")
        data = message.raw.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n" if header_only else message.raw
        if "PEEK" not in name:
            with self.server._lock:
                message.flags.add("\\Seen")
        label = name.replace(".PEEK", "")
        return f"{label} {{{len(data)}}}\r\n".encode() + data

    def do_store(self, tag, arguments, uid):
        which, _, rest = arguments.partition(" ")
        mode, _, flag_list = rest.partition(" ")
        flags = set(flag_list.strip("()").split())
        for number, message in self._targets(which, uid):
            if self.server.on_store is not None:
                self.server.on_store(message.uid, flags)
            with self.server._lock:
                if mode.upper().startswith("+FLAGS"):
                    message.flags |= flags
                elif mode.upper().startswith("-FLAGS"):
                    message.flags -= flags
                current = " ".join(sorted(message.flags))
            self.send(f"* {number} FETCH (UID {message.uid} FLAGS ({current}))\r\n")
        self.send(f"{tag} OK STORE completed\r\n")

    def do_logout(self, tag, _arguments, _uid):
        self.send(f"* BYE logging out\r\n{tag} OK LOGOUT completed\r\n")
        return False


def _masked(command: str, line: str) -> str:
    if command.upper() == "LOGIN":
        return line.rsplit(" ", 1)[0] + " ***"
    return line
