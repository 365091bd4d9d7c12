"""manifest.yml follows the rules of Slack's manifest schema that matter, and asks only for needed scopes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

MANIFEST = Path(__file__).resolve().parent.parent / "manifest.yml"
TOP_LEVEL = {"_metadata", "display_information", "features", "oauth_config", "settings", "functions",
             "workflows", "outgoing_domains", "types", "datastores"}  # fmt: skip
# Each scope loopbot may ask for, with the Web API calls (as slack_sdk method names) that need it.
ALLOWED_SCOPES = {
    "chat:write": r"chat_postMessage|chat_update|chat_postEphemeral",
    "im:write": r"conversations_open",
    "im:history": r"conversations_history",  # finding a DM whose answer was lost
    "channels:history": r"conversations_replies",  # the same for a digest thread in a public channel
    "groups:history": r"conversations_replies",  # ... and in a private one
    "commands": r"app\.command\(\"/loop\"\)",
    "users:read": r"users_info",
    "users:read.email": r"users_lookupByEmail",  # people named by email in content files
    "channels:read": r"conversations_info",  # is loopbot in the hiring channel
    "groups:read": r"conversations_info",  # ... a private one
    "channels:join": r"conversations_join",  # joining a public hiring channel
}
SOURCE = "\n".join(
    path.read_text()
    for package in ("bot", "handlers", "blocks")
    for path in (MANIFEST.parent / package).rglob("*.py")
    if "standin" not in path.parts and "demo" not in path.parts
)
REQUIRED_SCOPES = {"chat:write", "im:write", "commands", "users:read", "im:history"}


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    data = YAML(typ="safe").load(MANIFEST.read_text())
    assert isinstance(data, dict)
    return data


def test_only_known_top_level_keys_and_the_required_ones(manifest: dict[str, Any]) -> None:
    assert set(manifest) <= TOP_LEVEL
    name = manifest["display_information"]["name"]
    assert 1 <= len(name) <= 35
    assert len(manifest["display_information"].get("description", "")) <= 140
    long = manifest["display_information"].get("long_description")
    assert long is None or 175 <= len(long) <= 4000
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", manifest["display_information"]["background_color"])


def test_bot_user_and_app_home(manifest: dict[str, Any]) -> None:
    features = manifest["features"]
    assert 1 <= len(features["bot_user"]["display_name"]) <= 80
    assert features["app_home"]["home_tab_enabled"] is True
    assert features["app_home"]["messages_tab_enabled"] is True


def test_slash_command_rules(manifest: dict[str, Any]) -> None:
    commands = manifest["features"]["slash_commands"]
    assert [c["command"] for c in commands] == ["/loop"]
    for command in commands:
        assert command["command"].startswith("/")
        assert 2 <= len(command["command"]) <= 32
        assert re.fullmatch(r"/[a-z0-9_-]+", command["command"])
        assert 1 <= len(command["description"]) <= 2000
        assert len(command.get("usage_hint", "")) <= 1000
        assert command["url"].startswith("https://")


def test_interactivity_and_events_point_at_the_bolt_endpoint(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    assert settings["interactivity"]["is_enabled"] is True
    assert "app_home_opened" in settings["event_subscriptions"]["bot_events"]
    urls = [
        settings["interactivity"]["request_url"],
        settings["event_subscriptions"]["request_url"],
        *(c["url"] for c in manifest["features"]["slash_commands"]),
    ]
    for url in urls:
        assert re.fullmatch(r"https://[a-z0-9.-]+/slack/events", url), url
    assert isinstance(settings["socket_mode_enabled"], bool)


def test_scopes_are_needed_and_sufficient(manifest: dict[str, Any]) -> None:
    scopes = manifest["oauth_config"]["scopes"]["bot"]
    assert len(scopes) == len(set(scopes))
    assert set(scopes) <= set(ALLOWED_SCOPES), set(scopes) - set(ALLOWED_SCOPES)
    assert set(scopes) >= REQUIRED_SCOPES, REQUIRED_SCOPES - set(scopes)
    assert "user" not in manifest["oauth_config"]["scopes"]  # a bot, never a user token


def test_every_scope_is_used_by_the_code(manifest: dict[str, Any]) -> None:
    for scope in manifest["oauth_config"]["scopes"]["bot"]:
        assert re.search(ALLOWED_SCOPES[scope], SOURCE), f"{scope} is asked for but nothing calls it"
