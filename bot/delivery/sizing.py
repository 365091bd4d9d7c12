"""How many posts the dispatcher keeps in flight: Little's law on the post rate and the time per post.

Sends at a 100 ms round trip, one after the other, cap out at 10 per second. To reach a rate R
while each post holds a send thread for W seconds (Slack's round trip plus our own work, not the
time spent waiting for a pacing slot), R x W posts must be in flight (Little's law: L = lambda x W).
W is measured (a moving average over recent posts), starting from a guess; a margin covers its
jitter. More in flight than that only queues at the pacer, holding claimed rows for longer; fewer
cannot reach the rate. LOOPBOT_SEND_CONCURRENCY caps it (the send threads).

The full workspace rate is used, not a per-replica share: the shared pacer hands out the slots, so
a replica alone can use the whole rate and two replicas simply wait on each other's slots.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

FIRST_GUESS = 0.2  # seconds per post before any is measured: a 100-200 ms Slack round trip
MARGIN = 1.25
SMOOTHING = 0.1  # weight of the newest post in the moving average


def in_flight(rate: float, seconds_per_post: float, cap: int, margin: float = MARGIN) -> int:
    """Posts to keep in flight to reach `rate`, at most `cap` and at least one."""
    return max(1, min(cap, math.ceil(rate * seconds_per_post * margin)))


@dataclass
class Sizer:
    """The in-flight target, from the configured rate and the measured time per post (thread-safe)."""

    rate: float
    cap: int
    seconds_per_post: float = FIRST_GUESS

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self.measured = 0

    def observe(self, seconds: float) -> None:
        """One post held its send thread this long (pacing waits excluded)."""
        with self._lock:
            self.measured += 1
            weight = max(SMOOTHING, 1 / self.measured)  # the first few count fully
            self.seconds_per_post += weight * (seconds - self.seconds_per_post)

    @property
    def target(self) -> int:
        return in_flight(self.rate, self.seconds_per_post, self.cap)
