"""The emoji loopbot's messages use: Unicode for the terminal, small inline SVG pictures for the HTML page.

The pictures are drawn here (no emoji font is needed, nothing is fetched), so the page looks the same on
every machine and in print.
"""

from __future__ import annotations

import html
import re

# The shortcodes loopbot's messages use, as the emoji a Slack client shows.
EMOJI = {
    ":white_check_mark:": "✅", ":warning:": "⚠️", ":x:": "❌", ":red_circle:": "🔴", ":pencil:": "✏️",
    ":no_entry_sign:": "🚫", ":memo:": "📝", ":hourglass:": "⌛", ":alarm_clock:": "⏰",
    ":bar_chart:": "📊", ":rotating_light:": "🚨", ":speech_balloon:": "💬", ":calendar:": "📅",
    ":hourglass_flowing_sand:": "⏳", ":thumbsup:": "👍", ":thumbsdown:": "👎", ":question:": "❓",
    ":lock:": "🔒", ":unlock:": "🔓", ":spiral_calendar_pad:": "🗓️", ":wave:": "👋", ":octagonal_sign:": "🛑",
    ":large_yellow_circle:": "🟡", ":incoming_envelope:": "📨", ":grey_question:": "❔",
    ":scales:": "⚖️", ":snail:": "🐌", ":no_entry:": "⛔", ":eyes:": "👀", ":tada:": "🎉",
    ":performing_arts:": "🎭", ":chart_with_upwards_trend:": "📈", ":mortar_board:": "🎓", ":seedling:": "🌱",
    # GitHub's name for ⚖️ (Slack's is :scales:): drawn the same until the calibration card uses :scales:.
    ":balance_scale:": "⚖️", ":information_source:": "ℹ️",
}  # fmt: skip
SHORTCODE = re.compile(r":[a-z0-9_+-]+:")

_ROUND = 'stroke-linecap="round" stroke-linejoin="round"'
_QUESTION = (
    '<path d="M6.5 7a3.5 3.5 0 1 1 5.2 3c-1.1.6-1.7 1.3-1.7 2.6v.6" stroke="{c}" stroke-width="2.6" '
    f'fill="none" {_ROUND}/><circle cx="10" cy="17" r="1.6" fill="{{c}}"/>'
)
_HOURGLASS = (
    f'<path d="M5 2h10M5 18h10" stroke="#8a5a2b" stroke-width="2" {_ROUND}/>'
    '<path d="M6 3c0 4 3 5 3 7s-3 3-3 7h8c0-4-3-5-3-7s3-3 3-7z" fill="#d6eef7" stroke="#8899a6"/>'
)
_THUMB = (
    '<path d="M7 9l3.5-6.5c1.2 0 2 .9 1.8 2.1L11.8 8H16a1.8 1.8 0 0 1 1.8 2.1l-1.2 6A2 2 0 0 1 14.7 18H7z" '
    'fill="#ffcc4d" stroke="#c9962c" stroke-width=".8"/>'
    '<rect x="2.5" y="9" width="3.5" height="9" rx="1" fill="#ffcc4d" stroke="#c9962c" stroke-width=".8"/>'
)
_LOCK_BODY = (
    '<rect x="3.5" y="8.5" width="13" height="10" rx="2" fill="#ffac33"/>'
    '<circle cx="10" cy="13.2" r="1.5" fill="#8a5a1b"/>'
)
_CALENDAR = '<rect x="2" y="3" width="16" height="15" rx="2" fill="#fff" stroke="#aab8c2"/>'
_DAYS = '<path d="M5 11h2M9 11h2M13 11h2M5 14.5h2M9 14.5h2M13 14.5h2" stroke="#66757f" stroke-width="1.8"/>'

_SCALES = (
    f'<path d="M10 2.5v14M5 17.5h10M3.5 5.5h13" stroke="#8a6d3b" stroke-width="1.5" {_ROUND}/>'
    '<path d="M1.5 11l2-5.5 2 5.5M14.5 11l2-5.5 2 5.5" fill="none" stroke="#8a6d3b"/>'
    '<path d="M1.5 11a2 1.4 0 0 0 4 0zM14.5 11a2 1.4 0 0 0 4 0z" fill="#ffac33"/>'
)

# viewBox 0 0 20 20.
PICTURES = {
    ":white_check_mark:": '<rect x="1" y="1" width="18" height="18" rx="4" fill="#5bb84a"/>'
    f'<path d="M5 10.5l3.2 3.2L15 6.5" stroke="#fff" stroke-width="2.6" fill="none" {_ROUND}/>',
    ":warning:": '<path d="M10 2L18.5 17.5h-17z" fill="#f7c22d"'
    f' stroke="#f7c22d" stroke-width="1.5" {_ROUND}/>'
    '<rect x="9" y="7" width="2" height="6" rx="1" fill="#2b2b2b"/>'
    '<circle cx="10" cy="15.2" r="1.2" fill="#2b2b2b"/>',
    ":x:": f'<path d="M4 4l12 12M16 4L4 16" stroke="#dd2e44" stroke-width="3.4" {_ROUND}/>',
    ":red_circle:": '<circle cx="10" cy="10" r="8" fill="#dd2e44"/>',
    ":large_yellow_circle:": '<circle cx="10" cy="10" r="8" fill="#fdcb58"/>',
    ":pencil:": '<path d="M3 17l1-4L14 3l3 3L7 16z" fill="#f4a93b"/><path d="M3 17l1-4 3 3z" fill="#ffd8a0"/>'
    '<path d="M14 3l3 3 1-1a1.4 1.4 0 0 0 0-2l-1-1a1.4 1.4 0 0 0-2 0z" fill="#ea596e"/>',
    ":no_entry_sign:": '<circle cx="10" cy="10" r="7.5" fill="none" stroke="#dd2e44" stroke-width="2.6"/>'
    '<path d="M4.8 4.8l10.4 10.4" stroke="#dd2e44" stroke-width="2.6"/>',
    ":no_entry:": '<circle cx="10" cy="10" r="8.5" fill="#dd2e44"/>'
    '<rect x="4.5" y="8.5" width="11" height="3" rx="1" fill="#fff"/>',
    ":octagonal_sign:": '<path d="M6.5 1.5h7l5 5v7l-5 5h-7l-5-5v-7z" fill="#dd2e44"/>'
    '<rect x="5" y="9" width="10" height="2.2" rx="1" fill="#fff"/>',
    ":memo:": '<rect x="3" y="2" width="12" height="16" rx="1.5" fill="#fff" stroke="#99aab5"/>'
    '<path d="M5.5 6h7M5.5 9h7M5.5 12h4" stroke="#99aab5" stroke-width="1.2"/>'
    '<path d="M10.5 17.5l.6-2.6 5.6-5.6 2 2-5.6 5.6z" fill="#f4a93b"/>',
    ":hourglass:": _HOURGLASS + '<path d="M7.3 16.5c.6-2 2.7-2.6 2.7-4 0 1.4 2.1 2 2.7 4z" fill="#f4c542"/>',
    ":hourglass_flowing_sand:": _HOURGLASS
    + '<path d="M7 4.5h6c-.4 1.6-2.3 2.6-3 3.6-.7-1-2.6-2-3-3.6zM9.6 10h.8v6.5h-.8z" fill="#f4c542"/>',
    ":alarm_clock:": '<circle cx="4.5" cy="4.5" r="2.6" fill="#dd2e44"/>'
    '<circle cx="15.5" cy="4.5" r="2.6" fill="#dd2e44"/>'
    '<circle cx="10" cy="11" r="7" fill="#dd2e44"/><circle cx="10" cy="11" r="5.2" fill="#fff"/>'
    f'<path d="M10 7.5V11l2.5 1.5" stroke="#333" stroke-width="1.4" fill="none" {_ROUND}/>',
    ":bar_chart:": '<rect x="2" y="2" width="16" height="16" rx="2" fill="#fff" stroke="#ccd6dd"/>'
    '<rect x="5" y="10" width="2.5" height="6" fill="#dd2e44"/>'
    '<rect x="8.8" y="5.5" width="2.5" height="10.5" '
    'fill="#5dadec"/><rect x="12.6" y="8" width="2.5" height="8" fill="#77b255"/>',
    ":rotating_light:": '<path d="M5 15V10a5 5 0 0 1 10 0v5z" fill="#dd2e44"/>'
    '<rect x="3" y="15" width="14" height="3" rx="1" fill="#66757f"/>'
    f'<path d="M10 1v2.2M3.5 4l1.6 1.6M16.5 4l-1.6 1.6" stroke="#ffac33" stroke-width="1.6" {_ROUND}/>'
    '<ellipse cx="8.2" cy="10.5" rx="1.1" ry="2" fill="#ff9aa8"/>',
    ":speech_balloon:": '<path d="M10 2.5c4.7 0 8 2.7 8 6.2s-3.3 6.2-8 6.2c-.9 0-1.7-.1-2.5-.3L3.5 17l1-3.5'
    'C3 12.3 2 10.6 2 8.7 2 5.2 5.3 2.5 10 2.5z" fill="#fff" stroke="#99aab5" stroke-width="1.3"/>',
    ":calendar:": _CALENDAR + '<path d="M2 5a2 2 0 0 1 2-2h12a2 2 0 0 1 2 2v2.5H2z" fill="#dd2e44"/>' + _DAYS,
    ":spiral_calendar_pad:": _CALENDAR
    + '<path d="M2 5a2 2 0 0 1 2-2h12a2 2 0 0 1 2 2v2.5H2z" fill="#aab8c2"/>'
    f'<path d="M6 1.5v3M10 1.5v3M14 1.5v3" stroke="#444" stroke-width="1.4" {_ROUND}/>' + _DAYS,
    ":thumbsup:": _THUMB,
    ":thumbsdown:": f'<g transform="rotate(180 10 10)">{_THUMB}</g>',
    ":question:": _QUESTION.format(c="#dd2e44"),
    ":grey_question:": _QUESTION.format(c="#99aab5"),
    ":lock:": '<path d="M6.5 8.5V6a3.5 3.5 0 0 1 7 0v2.5" stroke="#99aab5" stroke-width="2" fill="none"/>'
    + _LOCK_BODY,
    ":unlock:": '<path d="M6.5 8.5V5.5a3.5 3.5 0 0 1 6.8-1.2" stroke="#99aab5" stroke-width="2" fill="none"/>'
    + _LOCK_BODY,
    ":wave:": '<path d="M6 17c-2-2-3-5-2.5-7.5L5.5 6c.3-.8 1.4-.8'
    " 1.6 0L8 9 7 3.5c-.1-.9 1.2-1.2 1.5-.3L10 8.5"
    " 9.6 2.6c0-.9 1.4-1 1.5-.1L12 8.5l.8-4.8c.2-.9 1.5-.7 1.5.2L14 10l1.6-2c.6-.7 1.7 0 1.3.8L14.5 14"
    'c-1 2.5-3 4-5 4-1.4 0-2.5-.4-3.5-1z" fill="#ffcc4d" stroke="#c9962c" stroke-width=".6"/>'
    '<path d="M1.5 5C2 3.4 3 2.3 4.6 1.6M16 18.4c1.5-.6'
    f' 2.5-1.6 3-3" stroke="#5dadec" fill="none" {_ROUND}/>',
    ":incoming_envelope:": '<rect x="2" y="5" width="16" height="11" rx="1.5" fill="#fff" stroke="#99aab5"/>'
    '<path d="M2.5 5.8L10 11.5l7.5-5.7" stroke="#99aab5" fill="none"/>'
    f'<path d="M1 2.5h4M3 .8h3" stroke="#dd2e44" stroke-width="1.2" {_ROUND}/>',
    ":scales:": _SCALES,
    ":balance_scale:": _SCALES,
    ":snail:": '<path d="M1.5 16.5h13.5c1.5 0 2.5-1 2.5-2.5V9"'
    f' stroke="#c1694f" stroke-width="2.2" fill="none" {_ROUND}/>'
    '<circle cx="8.5" cy="10.5" r="5.5" fill="#ffac33"/>'
    '<path d="M8.5 10.5a1.4 1.4 0 1 1 1.4 1.4 2.8 2.8 0 0 1-2.8-2.8 4 4 0 0 1 5.6 1.6" stroke="#c1694f" '
    f'stroke-width="1.1" fill="none"/><path d="M17.5 9l-1-4M17.5 9l1.5-3.5" stroke="#c1694f" {_ROUND}/>',
    ":eyes:": '<ellipse cx="6.3" cy="10" rx="3.8" ry="6" fill="#fff" stroke="#66757f"/>'
    '<ellipse cx="13.7" cy="10" rx="3.8" ry="6" fill="#fff" stroke="#66757f"/>'
    '<circle cx="7.4" cy="11" r="2" fill="#292f33"/><circle cx="14.8" cy="11" r="2" fill="#292f33"/>',
    ":performing_arts:": '<path d="M1.5 3.5c3 1.2 6 1.2 9 0v5.5c0 3-2 5.2-4.5 5.2S1.5 12 1.5 9z" '
    'fill="#ffcc4d" stroke="#c9962c" stroke-width=".7"/>'
    '<path d="M9.5 7.5c3 1.2 6 1.2 9 0V13c0 3-2 5.2-4.5 5.2S9.5 16 9.5 13z" '
    'fill="#aa8ed6" stroke="#744eaa" stroke-width=".7"/>'
    '<path d="M3.5 7l1.5.6M7 7.6l1.5-.6M4 10.5c1 1 3 1 4 0" stroke="#6b4b12" stroke-width="1" '
    f'fill="none" {_ROUND}/>'
    '<path d="M11.5 11l1.5.6M15 11.6l1.5-.6M12 15.5c1-1 3-1 4 0" stroke="#3b2a5c" stroke-width="1" '
    f'fill="none" {_ROUND}/>',
    ":chart_with_upwards_trend:": '<rect x="2" y="2" width="16" height="16" rx="2" fill="#fff" '
    'stroke="#ccd6dd"/>'
    f'<path d="M4.5 14.5l4-4.5 3 2.5 4-6" stroke="#dd2e44" stroke-width="1.8" fill="none" {_ROUND}/>',
    ":mortar_board:": '<path d="M10 3.5l8.5 4-8.5 4-8.5-4z" fill="#31373d"/>'
    '<path d="M5 9.7v3.8c1.5 1.5 8.5 1.5 10 0V9.7L10 12z" fill="#292f33"/>'
    f'<path d="M16.5 8.5v5" stroke="#ffac33" stroke-width="1.2" {_ROUND}/>',
    ":seedling:": f'<path d="M10 18v-7" stroke="#5c913b" stroke-width="1.8" {_ROUND}/>'
    '<path d="M10 11C10 6.5 6.5 4 2.5 4.5 2.5 9 6 11.5 10 11z" fill="#77b255"/>'
    '<path d="M10 12.5c0-3.5 3-5.5 7-5.2 0 3.7-3 5.7-7 5.2z" fill="#a6d388"/>',
    ":information_source:": '<rect x="1.5" y="1.5" width="17" height="17" rx="3" fill="#3b88c3"/>'
    '<circle cx="10" cy="5.8" r="1.6" fill="#fff"/><path d="M8 9h3v6h1.5v1.5h-5V15H9v-4.5H8z" fill="#fff"/>',
    ":tada:": '<path d="M2 18l4-11.5 7.5 7.5z" fill="#ffac33"/>'
    '<path d="M4 12.5l3.5 3.5" stroke="#dd2e44" stroke-width="1.4"/>'
    '<path d="M9.5 2.5l.8 2.2M16.8 5l-2.2 1.6M17.5 11l-2.5-.2M12.5'
    f' 1.5l-.2 2.3" stroke="#dd2e44" stroke-width="1.4" {_ROUND}/>'
    '<circle cx="14" cy="3" r="1" fill="#5dadec"/><circle cx="17.5" cy="8" r="1" fill="#77b255"/>'
    '<circle cx="12" cy="8" r="1" fill="#aa8ed6"/>',
}


def picture(code: str) -> str | None:
    """The inline SVG for a shortcode such as `:lock:`, or None when there is no picture for it."""
    body = PICTURES.get(code)
    if body is None:
        return None
    name = html.escape(code.strip(":").replace("_", " "))
    return (
        f'<svg class="emoji" viewBox="0 0 20 20" role="img" aria-label="{name}" '
        f'data-code="{html.escape(code)}">{body}</svg>'
    )


def unicode(text: str) -> str:
    """Known shortcodes in `text` as Unicode emoji; unknown ones stay as typed."""
    return SHORTCODE.sub(lambda m: EMOJI.get(m.group(0), m.group(0)), text)
