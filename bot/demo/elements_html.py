"""Block Kit elements as HTML: buttons, selects, radio buttons, checkboxes, pickers and inputs.

Nothing is interactive (the page is a record); each element looks like the control Slack draws, with what
the reader had picked or typed. `state` is the element's entry in a submitted view's `state.values`.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from bot.demo.mrkdwn import Reader, plain_html, text_html
from bot.demo.render import format_date

Element = dict[str, Any]
# state.values keys, as the initial_* keys the element would carry.
_STATE_KEYS = {
    "selected_option": "initial_option", "selected_options": "initial_options", "value": "initial_value",
    "selected_date": "initial_date", "selected_time": "initial_time", "selected_user": "initial_user",
    "selected_users": "initial_users", "selected_conversation": "initial_conversation",
    "selected_conversations": "initial_conversations", "selected_channel": "initial_channel",
    "selected_date_time": "initial_date_time",
}  # fmt: skip
_CALENDAR = (
    '<svg class="icon" viewBox="0 0 16 16" aria-hidden="true"><rect x="2" y="3" width="12" height="11" \
rx="2" fill="none" stroke="currentColor" stroke-width="1.4"/><path d="M2 6.5h12M5.5 1.5v3M10.5 1.5v3" \
stroke="currentColor" stroke-width="1.4"/></svg>'
)
_CLOCK = '<svg class="icon" viewBox="0 0 16 16" aria-hidden="true"><circle cx="8" cy="8" r="6" fill="none" \
stroke="currentColor" stroke-width="1.4"/><path d="M8 4.5V8l2.5 1.5" fill="none" stroke="currentColor" \
stroke-width="1.4"/></svg>'
_CHEVRON = '<span class="chevron" aria-hidden="true">▾</span>'


def with_state(el: Element, state: dict[str, Any] | None) -> Element:
    """The element as it looks after the reader typed or picked what `state` holds."""
    if not state:
        return el
    picked = {_STATE_KEYS[k]: v for k, v in state.items() if k in _STATE_KEYS and v not in (None, "")}
    return {**el, **picked}


def _options(el: Element) -> list[dict[str, Any]]:
    groups = el.get("option_groups") or []
    return [*(el.get("options") or []), *(o for g in groups for o in g.get("options") or [])]


def _picked(el: Element) -> set[str]:
    chosen = [
        *(el.get("initial_options") or []),
        *([el["initial_option"]] if el.get("initial_option") else []),
    ]
    return {str(o.get("value")) for o in chosen}


def _placeholder(el: Element, r: Reader, default: str) -> str:
    text = text_html(el.get("placeholder"), r) or html.escape(default)
    return f'<span class="placeholder">{text}</span>'


def _box(kind: str, content: str, icon: str = "", extra: str = "") -> str:
    return f'<div class="control {kind}"{extra} role="textbox" aria-readonly="true">{icon}{content}</div>'


def button(el: Element, r: Reader) -> str:
    style = el.get("style") if el.get("style") in ("primary", "danger") else ""
    confirm = el.get("confirm") or {}
    title = ""
    if confirm:
        asks = (confirm.get("title") or {}).get("text") or "Are you sure?"
        title = f' title="{html.escape("Asks first: " + asks, quote=True)}" data-confirm="1"'
    action = html.escape(str(el.get("action_id") or ""), quote=True)
    url = " ↗" if el.get("url") else ""
    return (
        f'<button type="button" class="btn {style}" data-action-id="{action}"{title}>'
        f"{text_html(el.get('text'), r)}{url}</button>"
    )


def select(el: Element, r: Reader) -> str:
    kind = str(el.get("type"))
    picked = _picked(el)
    chosen = [text_html(o.get("text"), r) for o in _options(el) if str(o.get("value")) in picked]
    ids = [*(el.get("initial_users") or []), *(el.get("initial_conversations") or [])]
    ids += [el[k] for k in ("initial_user", "initial_conversation", "initial_channel") if el.get(k)]
    chosen += [f'<span class="chip">{html.escape(r.names(str(i)))}</span>' for i in ids]
    many = kind.startswith("multi_")
    shown = (" " if many else ", ").join(chosen) or _placeholder(
        el, r, "Select options" if many else "Select"
    )
    return _box(f"select {html.escape(kind)}", shown + _CHEVRON, extra=f' data-options="{len(_options(el))}"')


def choices(el: Element, r: Reader) -> str:
    """Radio buttons or checkboxes: every option, the picked ones marked."""
    kind = "radio" if el.get("type") == "radio_buttons" else "checkbox"
    picked = _picked(el)
    rows = []
    for option in el.get("options") or []:
        on = str(option.get("value")) in picked
        more = text_html(option.get("description"), r)
        rows.append(
            f'<li class="choice{" on" if on else ""}" role="{kind}" aria-checked="{str(on).lower()}">'
            f'<span class="mark {kind}" aria-hidden="true"></span><span class="choice-text">'
            f"{text_html(option.get('text'), r)}{f'<small>{more}</small>' if more else ''}</span></li>"
        )
    return f'<ul class="choices {kind}s">{"".join(rows)}</ul>'


def text_input(el: Element, r: Reader) -> str:
    value = el.get("initial_value")
    multiline = " multiline" if el.get("multiline") else ""
    content = html.escape(str(value)) if value not in (None, "") else _placeholder(el, r, "")
    return _box(f"text-input {html.escape(str(el.get('type')))}{multiline}", content)


def datepicker(el: Element, r: Reader) -> str:
    value = el.get("initial_date")
    shown = date.fromisoformat(value).strftime("%a %d %b %Y") if value else ""
    return _box("picker date", html.escape(shown) or _placeholder(el, r, "Select a date"), _CALENDAR)


def timepicker(el: Element, r: Reader) -> str:
    value = str(el.get("initial_time") or "")
    return _box("picker time", html.escape(value) or _placeholder(el, r, "Select time"), _CLOCK)


def datetimepicker(el: Element, r: Reader) -> str:
    value = el.get("initial_date_time")
    if not value:
        return _box("picker datetime", _placeholder(el, r, "Select a date and time"), _CALENDAR)
    shown = format_date(datetime.fromtimestamp(int(value), UTC), "{date_short_pretty} at {time}", r.tz)
    return _box("picker datetime", html.escape(shown), _CALENDAR)


def overflow(el: Element, r: Reader) -> str:
    items = "".join(f"<li>{text_html(o.get('text'), r)}</li>" for o in el.get("options") or [])
    more = '<button type="button" class="btn overflow" aria-label="More actions">⋯</button>'
    return f"{more}<ul hidden>{items}</ul>"


def image(el: Element, _r: Reader) -> str:
    """Images are not fetched (the page loads nothing): a labelled frame stands in for them."""
    alt = html.escape(str(el.get("alt_text") or "image"), quote=True)
    return f'<span class="image-stand-in" role="img" aria-label="{alt}" title="{alt}">🖼 {alt}</span>'


def context_text(el: Element, r: Reader) -> str:
    return f'<span class="context-text">{text_html(el, r)}</span>'


def unknown(el: Element, _r: Reader) -> str:
    kind = html.escape(str(el.get("type") or "?"))
    return f'<span class="unknown" data-type="{kind}">[unsupported element: {kind}]</span>'


RENDERERS: dict[str, Callable[[Element, Reader], str]] = {
    "button": button,
    **dict.fromkeys(
        (
            "static_select",
            "multi_static_select",
            "external_select",
            "multi_external_select",
            "users_select",
            "multi_users_select",
            "conversations_select",
            "multi_conversations_select",
            "channels_select",
            "multi_channels_select",
        ),
        select,
    ),  # fmt: skip
    "radio_buttons": choices,
    "checkboxes": choices,
    **dict.fromkeys(("plain_text_input", "number_input", "email_text_input", "url_text_input"), text_input),
    "datepicker": datepicker,
    "timepicker": timepicker,
    "datetimepicker": datetimepicker,
    "overflow": overflow,
    "image": image,
    "mrkdwn": context_text,
    "plain_text": context_text,
}


def element_html(el: Element, r: Reader, state: dict[str, Any] | None = None) -> str:
    """One element as HTML; an unknown type shows as a visible placeholder."""
    render = RENDERERS.get(str(el.get("type")), unknown)
    return render(with_state(el, state), r)


__all__ = ["RENDERERS", "element_html", "plain_html", "with_state"]
