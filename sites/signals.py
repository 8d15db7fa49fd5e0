"""What sites tell the packages above them, without importing them.

`calendar_changed`: a site's time zone, business hours or holidays changed (flushed, not
committed). Sent as `calendar_changed.send(site, actor=user_or_None, now=aware_utc)`; the
tickets package re-times the site's open tickets in the same transaction, so stored due
times always follow the calendar they are measured in.
"""

from blinker import Namespace

signals = Namespace()
calendar_changed = signals.signal("site-calendar-changed")
