"""(routes being written)"""

from public.blueprint import bp  # noqa: F401
