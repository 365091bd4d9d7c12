"""The shapes of a delivery renderer and of a relevance check, as bot/delivery calls them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.delivery.rendered import Rendered
from models import Delivery

# (session, row, now, feedback SLA) -> what to post
Renderer = Callable[[Session, Delivery, datetime, timedelta], Rendered]
# (session, row) -> why the row should not be sent any more, or None
Obsolete = Callable[[Session, Delivery], str | None]
