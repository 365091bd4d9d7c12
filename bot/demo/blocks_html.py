"""Block Kit blocks and views (modals, App Home) as HTML, from the JSON loopbot sent to Slack.

An unknown block type is never dropped: it shows as a visible placeholder naming the type.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from typing import Any

from bot.demo.elements_html import element_html
from bot.demo.mrkdwn import Reader, mrkdwn_html, text_html

Block = dict[str, Any]
LOGO = (
    '<svg class="logo" viewBox="0 0 36 36" aria-hidden="true"><rect width="36" height="36" rx="8" '
    'fill="#1164a3"/><path d="M11 18a7 7 0 1 0 7-7" fill="none" stroke="#fff" stroke-width="3.4" '
    'stroke-linecap="round"/><path d="M18 6.5l5 4.5-5 4.5z" fill="#fff"/></svg>'
)


class Form:
    """What a submitted view held: values by block and action id, and inline errors by block id."""

    def __init__(self, view: dict[str, Any] | None = None, errors: dict[str, str] | None = None) -> None:
        self.values: dict[str, dict[str, Any]] = ((view or {}).get("state") or {}).get("values") or {}
        self.errors = errors or {}

    def state(self, block: Block, element: dict[str, Any]) -> dict[str, Any] | None:
        return self.values.get(str(block.get("block_id")), {}).get(str(element.get("action_id")))


def _section(b: Block, r: Reader, form: Form) -> str:
    text = f'<div class="section-text">{text_html(b.get("text"), r)}</div>' if b.get("text") else ""
    fields = "".join(f'<div class="field">{text_html(f, r)}</div>' for f in b.get("fields") or [])
    if fields:
        fields = f'<div class="fields">{fields}</div>'
    accessory = b.get("accessory")
    aside = ""
    if accessory:
        aside = f'<div class="accessory">{element_html(accessory, r, form.state(b, accessory))}</div>'
    return f'<div class="section-main">{text}{fields}</div>{aside}'


def _header(b: Block, r: Reader, _form: Form) -> str:
    return f'<h4 class="header-text">{text_html(b.get("text"), r)}</h4>'


def _context(b: Block, r: Reader, _form: Form) -> str:
    return "".join(element_html(e, r) for e in b.get("elements") or [])


def _divider(_b: Block, _r: Reader, _form: Form) -> str:
    return "<hr>"


def _actions(b: Block, r: Reader, form: Form) -> str:
    return "".join(element_html(e, r, form.state(b, e)) for e in b.get("elements") or [])


def _input(b: Block, r: Reader, form: Form) -> str:
    element = b.get("element") or {}
    label = text_html(b.get("label"), r)
    optional = ' <span class="optional">(optional)</span>' if b.get("optional") else ""
    hint = f'<div class="hint">{text_html(b.get("hint"), r)}</div>' if b.get("hint") else ""
    error = form.errors.get(str(b.get("block_id")))
    shown = f'<div class="error" role="alert">{html.escape(error)}</div>' if error else ""
    return (
        f'<div class="label">{label}{optional}</div>'
        f"{element_html(element, r, form.state(b, element))}{shown}{hint}"
    )


def _image(b: Block, r: Reader, _form: Form) -> str:
    title = f'<div class="image-title">{text_html(b.get("title"), r)}</div>' if b.get("title") else ""
    return title + element_html({**b, "type": "image"}, r)


def _rich_text(b: Block, r: Reader, _form: Form) -> str:
    """rich_text, roughly: the text of its sections, lists and quotes (loopbot sends mrkdwn instead)."""
    parts = []
    for el in b.get("elements") or []:
        text = "".join(
            str(leaf.get("text") or "") for leaf in el.get("elements") or [] if isinstance(leaf, dict)
        )
        parts.append(mrkdwn_html(text, r))
    return "".join(parts)


def _markdown(b: Block, r: Reader, _form: Form) -> str:
    return mrkdwn_html(str(b.get("text") or ""), r)


RENDERERS: dict[str, Callable[[Block, Reader, Form], str]] = {
    "section": _section,
    "header": _header,
    "context": _context,
    "divider": _divider,
    "actions": _actions,
    "input": _input,
    "image": _image,
    "rich_text": _rich_text,
    "markdown": _markdown,
}


def block_html(b: Block, r: Reader, form: Form | None = None) -> str:
    """One block in its frame (`<div class="block section">…`); unknown types as a placeholder."""
    form = form or Form()
    kind = str(b.get("type") or "?")
    render = RENDERERS.get(kind)
    if render is None:
        label = html.escape(kind)
        return f'<div class="block unknown" data-type="{label}">[unsupported block: {label}]</div>'
    invalid = " has-error" if form.errors.get(str(b.get("block_id"))) else ""
    block_id = html.escape(str(b.get("block_id") or ""), quote=True)
    return f'<div class="block {kind}{invalid}" data-block-id="{block_id}">{render(b, r, form)}</div>'


def blocks_html(blocks: Iterable[Block], r: Reader, form: Form | None = None) -> str:
    return "".join(block_html(b, r, form) for b in blocks)


def message_html(args: dict[str, Any], r: Reader) -> str:
    """A message's content: its blocks, or its text when it has none."""
    blocks = args.get("blocks")
    if isinstance(blocks, list) and blocks:
        return f'<div class="blocks">{blocks_html(blocks, r)}</div>'
    text = mrkdwn_html(str(args.get("text") or ""), r)
    return f'<div class="blocks"><div class="block section">{text}</div></div>'


def modal_html(view: dict[str, Any], r: Reader, errors: dict[str, str] | None = None) -> str:
    """A modal as Slack draws it: title bar with the app icon and ×, the blocks, Cancel/Submit."""
    form = Form(view, errors)
    title = text_html(view.get("title"), r) or "loopbot"
    close = text_html(view.get("close"), r) or "Cancel"
    submit = view.get("submit")
    buttons = f'<button type="button" class="btn">{close}</button>'
    if submit:
        buttons += f'<button type="button" class="btn primary">{text_html(submit, r)}</button>'
    alert = ""
    if errors:
        n = len(errors)
        alert = (
            f'<div class="modal-alert" role="alert">The form stays open: {n} '
            f"{'field needs' if n == 1 else 'fields need'} attention.</div>"
        )
    return (
        f'<div class="modal{" has-errors" if errors else ""}" role="dialog" '
        f'aria-label="{html.escape(title)}"><div class="modal-head">{LOGO}<h3>{title}</h3>'
        '<span class="modal-x" aria-hidden="true">×</span></div>'
        f'<div class="modal-body">{alert}{blocks_html(view.get("blocks") or [], r, form)}</div>'
        f'<div class="modal-foot">{buttons}</div></div>'
    )


def home_html(view: dict[str, Any], r: Reader) -> str:
    """An App Home tab's view."""
    return f'<div class="home-view blocks">{blocks_html(view.get("blocks") or [], r)}</div>'
