"""Hooks a higher package fills at app start, so tickets never imports it.

A hook is one function, registered once (registering the same function again is harmless).
Calling a hook nobody registered is a programming error, said plainly.
"""

from collections.abc import Callable


class Hook:
    def __init__(self, purpose: str) -> None:
        self.purpose = purpose
        self._function: Callable | None = None

    def register(self, function: Callable) -> Callable:
        self._function = function
        return function

    @property
    def is_registered(self) -> bool:
        return self._function is not None

    def __call__(self, *args, **kwargs):
        if self._function is None:
            raise RuntimeError(f"nothing is registered to {self.purpose}")
        return self._function(*args, **kwargs)


record_follow_up_attempt = Hook("record a follow-up attempt (the follow-up loop)")
