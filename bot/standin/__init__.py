"""A local Slack Web API stand-in for the demo, the tests and the benchmarks (see bot/standin/server.py)."""

from bot.standin.faults import Fault, FaultKind
from bot.standin.ratelimit import RateLimits
from bot.standin.server import METHODS, StandIn
from bot.standin.state import Call
from bot.standin.workspace import Channel, User, Workspace, default_workspace, dm_id

__all__ = [
    "METHODS",
    "Call",
    "Channel",
    "Fault",
    "FaultKind",
    "RateLimits",
    "StandIn",
    "User",
    "Workspace",
    "default_workspace",
    "dm_id",
]
