"""Safe text for mrkdwn: user-supplied text is escaped, dates render in each reader's time zone."""

from __future__ import annotations

import re
from datetime import datetime

from bot.guard.inputs import is_user_id

# mrkdwn has no escape for its formatting characters, so in a name each becomes the look-alike
# that Slack does not format: `*Ann*` would be bold, `_x_` italic, `~x~` struck, `` `x` `` code.
_LOOKALIKES = str.maketrans({"*": "∗", "_": "ˍ", "~": "∼", "`": "ˋ"})  # U+2217, U+02CD, U+223C, U+02CB
# Whitespace runs, control characters, zero-width spaces and the bidi overrides that reorder a line.
_BREAKS = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u200b\u2028-\u202e\u2060\u2066-\u2069\ufeff]+")


def esc(value: str) -> str:
    """Escape user-supplied text for mrkdwn so `<!channel>` and links show as text and ping nobody."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def code(value: str) -> str:
    """`value` as inline code: one line, escaped, with no backtick to close the span early."""
    return "`" + esc(flat(value)).replace("`", "'") + "`"


def flat(value: str) -> str:
    """One line: line breaks, tabs, control and invisible formatting characters become single spaces."""
    return _BREAKS.sub(" ", value).strip()


def esc_name(value: str) -> str:
    """A person's name in mrkdwn, rendered as written on one line: escaped, formatting neutralised.

    In a line like `*Architecture* with *{name}*`, a `*` or a newline in the name would otherwise end
    the bold early or split the line.
    """
    return esc(flat(value)).translate(_LOOKALIKES)


def slack_date(when: datetime, fmt: str = "{date_short_pretty} at {time}") -> str:
    """A Slack date token: each reader sees `when` in their own time zone."""
    fallback = when.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(when.timestamp())}^{fmt}|{fallback}>"


def mention(user_id: str) -> str:
    """A user mention; ids come from Slack, never from free text (anything else is shown as text)."""
    return f"<@{user_id}>" if is_user_id(user_id) else esc(flat(user_id))


# Words whose first vowel letter is not a vowel sound ("a user", "a one-off"), or whose consonant is
# silent ("an hour"); initialisms are read letter by letter ("an SRE screen", "a QA pairing").
_CONSONANT_SOUND = ("uni", "use", "usu", "uti", "eu", "ewe", "one", "once", "ubiq", "ufo")
_SILENT_H = ("hour", "honest", "honor", "honour", "heir")
_VOWEL_LETTERS = set("AEFHILMNORSX")  # letters whose names start with a vowel sound: "an F", "an S"


def a_or_an(phrase: str) -> str:
    """`phrase` with its indefinite article: "an Infrastructure interview", "a Values interview".

    Leading mrkdwn (`*`, `_`) is skipped to find the first word; the phrase is returned unchanged.
    """
    word = re.sub(r"^[^0-9A-Za-z]+", "", phrase).split(" ", 1)[0]
    return f"{article(word)} {phrase}"


def article(word: str) -> str:
    """'a' or 'an' for the word that follows it, by sound (a heuristic that covers role and type names)."""
    letters = re.sub(r"[^0-9A-Za-z].*$", "", word)
    if not letters:
        return "a"
    if len(letters) > 1 and letters.isupper():  # an initialism: read as letters
        return "an" if letters[0] in _VOWEL_LETTERS else "a"
    if letters[0] == "8" or letters in ("11", "18"):  # "an 8-week", "an 11-step", "an 18-month"
        return "an"
    lower = letters.lower()
    if lower.startswith(_SILENT_H):
        return "an"
    if lower[0] in "aeiou" and not lower.startswith(_CONSONANT_SOUND):
        return "an"
    return "a"
