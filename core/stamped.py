"""Settings kept per process under a stamp that changes with them.

A site's holidays and SLA policy are read by every page that shows clocks and by every new
ticket, its webhook endpoints by every change to a ticket, and all of them change a few
times a year. Each process keeps what it read under the key
(site id, the site's `settings_stamp`). Whatever changes those settings gives the site a
fresh stamp in the same transaction (`fresh_stamp`), so every process sees the new stamp
with the site's row, which each request reads anyway, and reads the settings again.

A stamp is random and never reused: a change that is rolled back leaves an entry no site
will ever name again, and a database restored from a backup brings the stamps that
described its own settings.
"""

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

Value = TypeVar("Value")


def fresh_stamp() -> str:
    """A new stamp: 32 hex digits, never handed out before."""
    return uuid.uuid4().hex


class StampedCache:
    """At most `size` values, each kept under (key, stamp), least recently used dropped
    first. Values must not belong to a database session (plain data only)."""

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._values: OrderedDict[tuple, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, stamp: str | None, load: Callable[[], Value]) -> Value:
        """The value kept for (key, stamp), else `load()`'s, kept for next time. Without a
        key or a stamp (a row not saved yet, or written without one) nothing is kept."""
        if key is None or stamp is None:
            return load()
        entry = (key, stamp)
        with self._lock:
            if entry in self._values:
                self._values.move_to_end(entry)
                return self._values[entry]
        value = load()
        with self._lock:
            self._values[entry] = value
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._values)
