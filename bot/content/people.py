"""People named in content: emails become Slack member ids, and unknown people are problems at their line.

Content files may name a recruiter or hiring manager by email (`rita@example.com`); importing looks each one
up with users.lookupByEmail (scope users:read.email). When Slack can be asked, member ids are checked too
(users.info), so a typo or a deactivated account is an import error, not a failed escalation weeks later.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.content.bundle import Bundle, Item
from bot.content.schema import LoopDoc

RATE_LIMIT_RETRIES = 5  # each waits Retry-After (up to a minute at Tier 3)
PEOPLE_FIELDS = ("recruiter", "hiring_manager")


@dataclass(frozen=True)
class Found:
    """A looked-up person: their member id, or why there is none.

    `everyone`: Slack refused the lookup itself (the token, a scope, a rate limit), so the problem is
    the same for every person and is reported once.
    """

    user_id: str = ""
    problem: str = ""
    everyone: bool = False


Lookup = Callable[[str], Found]

# Slack's answers about one person (docs.slack.dev/reference/methods/users.lookupByEmail and users.info):
# users.lookupByEmail answers users_not_found for an unknown email, and for a deactivated account too;
# users.info answers user_not_found for an unknown id and user_not_visible for a member the app may not
# see (someone of another workspace or organisation).
_TOKEN_REFUSED = ("not_authed", "invalid_auth", "account_inactive", "token_revoked", "token_expired")


def is_email(value: str) -> bool:
    return "@" in value


def slack_lookup(client: WebClient) -> Lookup:
    """Look people up in the workspace: an email with users.lookupByEmail, a member id with users.info.

    Every answer of Slack is a Found: about this person at their line, or (`everyone`) about the token or
    the app, once. Only a network failure raises.

    users.lookupByEmail is Tier 3 (about 50 a minute: https://api.slack.com/methods/users.lookupByEmail),
    so a file naming more people waits out `ratelimited` answers (slack_sdk's RateLimitErrorRetryHandler
    sleeps for Retry-After) instead of failing at the 51st; only when the retries run out is it reported.
    """
    if not any(isinstance(h, RateLimitErrorRetryHandler) for h in client.retry_handlers):
        client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES))

    def lookup(who: str) -> Found:
        method = "users.lookupByEmail" if is_email(who) else "users.info"
        try:
            if is_email(who):
                user = client.users_lookupByEmail(email=who)["user"]
            else:
                user = client.users_info(user=who)["user"]
        except SlackApiError as exc:
            return refused(who, method, exc)
        if user.get("deleted"):
            return Found(
                problem=f"{user.get('real_name') or who} ({who}) is deactivated in Slack: name someone else"
            )
        return Found(user_id=str(user["id"]))

    return lookup


def refused(who: str, method: str, exc: SlackApiError) -> Found:
    """What Slack's error answer means for this person, or for everyone."""
    error = str(exc.response.get("error"))
    if error == "users_not_found":
        return Found(
            problem=f"no member of the workspace is {who!r}: check it (Slack does not find a "
            "deactivated account by email), or use their member id"
        )
    if error == "user_not_found":
        return Found(problem=f"no member of the workspace is {who!r}: check it, or use their member id")
    if error == "user_not_visible":
        return Found(
            problem=f"{who!r} is not visible to loopbot (user_not_visible: Slack hides members of other "
            "workspaces or organisations from the app): name a member of this workspace"
        )
    return Found(problem=_everyone(method, error, exc), everyone=True)


def _everyone(method: str, error: str, exc: SlackApiError) -> str:
    if error in _TOKEN_REFUSED:
        return (
            f"Slack refused the bot token ({error}): set SLACK_BOT_TOKEN to the app's Bot User OAuth "
            "Token (OAuth & Permissions), then run `loopbot doctor`"
        )
    if error == "missing_scope":
        # Slack's missing_scope answer names the scope in `needed` (and the token's in `provided`).
        needed = exc.response.get("needed") or ("users:read.email" if "Email" in method else "users:read")
        return (
            f"the bot token lacks the scope {needed}, which {method} needs: add it to the app (manifest.yml "
            "lists it), reinstall the app to the workspace, then run `loopbot doctor`"
        )
    if error == "ratelimited":
        wait = exc.response.headers.get("Retry-After") or exc.response.headers.get("retry-after") or "a few"
        return f"Slack is rate limiting {method} (retry after {wait} s): wait a minute, then try again"
    return (
        f"Slack refused {method} ({error}): run `loopbot doctor`, or look the error up at "
        f"https://docs.slack.dev/reference/methods/{method}"
    )


def offline(who: str) -> Found:
    """No Slack to ask: member ids pass as written, emails cannot be resolved."""
    if is_email(who):
        return Found(
            problem=f"{who!r} is an email: set SLACK_BOT_TOKEN so loopbot can look it up, or use a member id"
        )
    return Found(user_id=who)


def resolve_people(bundle: Bundle, lookup: Lookup, unknown_is_warning: bool = False) -> None:
    """Replace emails in loops and pools by member ids; each unknown person becomes a problem at its line.

    `unknown_is_warning`: an unknown member id is kept with a warning (seeding the bundled examples,
    whose people are placeholders); an email that cannot be resolved is an error either way.
    """
    cache: dict[str, Found] = {}
    refusals: list[Found] = []

    def find(who: str) -> Found:
        if refusals:  # Slack refused the lookup itself: said once, at the first person; nobody else is asked
            return Found(user_id=who)
        if who not in cache:
            cache[who] = lookup(who)
            if cache[who].everyone:
                refusals.append(cache[who])
        return cache[who]

    _resolve_loops(bundle, find, unknown_is_warning)
    _resolve_pools(bundle, find, unknown_is_warning)


def _resolve_loops(bundle: Bundle, find: Lookup, unknown_is_warning: bool) -> None:
    for slug, item in list(bundle.loops.items()):
        changes: dict[str, str] = {}
        for field in PEOPLE_FIELDS:
            who = str(getattr(item.model, field) or "")
            if not who:
                continue
            found = find(who)
            if found.problem:
                warning = unknown_is_warning and not is_email(who) and not found.everyone
                bundle.problems.append(item.doc.problem((field,), found.problem, warning=warning))
            elif found.user_id != who:
                changes[field] = found.user_id
        if changes:
            bundle.loops[slug] = Item(
                item.doc, LoopDoc.model_validate({**item.model.model_dump(), **changes})
            )


def _resolve_pools(bundle: Bundle, find: Lookup, unknown_is_warning: bool) -> None:
    for slug, item in list(bundle.pools.items()):
        members = []
        changed = False
        for n, member in enumerate(item.model.members):
            found = find(member.user)
            if found.problem:
                warning = unknown_is_warning and not is_email(member.user) and not found.everyone
                bundle.problems.append(
                    item.doc.problem(("members", n, "user"), found.problem, warning=warning)
                )
            elif found.user_id != member.user:
                member = member.model_copy(update={"user": found.user_id})
                changed = True
            members.append(member)
        if changed:
            bundle.pools[slug] = Item(item.doc, item.model.model_copy(update={"members": members}))
