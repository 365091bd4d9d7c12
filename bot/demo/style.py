"""The stylesheet of loopbot's HTML pages: Slack's look for messages, Block Kit, modals and the sidebar.

One constant, so every page loopbot writes (the demo transcript, later the insights report) looks the
same. No web fonts or images: everything is inline and the page loads nothing.
"""

from __future__ import annotations

FONT = '"Lato", "Slack-Lato", "Helvetica Neue", Helvetica, "Liberation Sans", Arial, sans-serif'
MONO = 'Monaco, Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono", monospace'

STYLESHEET = f"""
*,*::before,*::after{{box-sizing:border-box}}
html{{-webkit-text-size-adjust:100%}}
body{{margin:0;font:15px/1.46668 {FONT};color:#1d1c1d;background:#fff;
  display:grid;grid-template-columns:260px minmax(0,1fr);min-height:100vh}}
a{{color:#1264a3;text-decoration:none}}a:hover{{text-decoration:underline}}
.sidebar{{background:#3f0e40;color:#cfc3cf;position:sticky;top:0;height:100vh;overflow-y:auto;
  padding-bottom:16px}}
.workspace{{display:flex;align-items:center;gap:8px;padding:12px 16px;border-bottom:1px solid #522653;
  color:#fff;font-weight:900;font-size:18px}}
.workspace .logo{{width:26px;height:26px}}
.nav-title{{margin:16px 16px 4px;font-size:13px;font-weight:700;color:#cfc3cf;text-transform:none}}
.nav{{list-style:none;margin:0;padding:0}}
.nav a{{display:flex;align-items:center;gap:8px;padding:4px 16px;color:#cfc3cf;font-size:15px;
  line-height:20px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}}
.nav a:hover{{background:#350d36;text-decoration:none}}
.nav a.active{{background:#1164a3;color:#fff}}
.nav .hash{{width:20px;text-align:center;font-size:17px}}
.nav small{{opacity:.7;font-size:12px}}
main{{min-width:0;overflow-wrap:anywhere}}
.pane-head{{position:sticky;top:0;z-index:3;background:#fff;border-bottom:1px solid #dddddd}}
.head-row{{padding:10px 20px;display:flex;align-items:center;gap:10px;min-height:60px}}
.pane-head h2{{margin:0;font-size:18px;font-weight:900;line-height:1.2}}
.pane-head p{{margin:0;color:#616061;font-size:13px}}
.pane-head .logo,.pane-head .avatar{{width:32px;height:32px}}
.tabs{{display:flex;gap:20px;padding:0 20px}}
.tabs a{{padding:8px 2px;color:#616061;font-weight:700;font-size:14px;border-bottom:2px solid transparent}}
.tabs a.active{{color:#1d1c1d;border-bottom-color:#1d1c1d;text-decoration:none}}
.stream{{padding:8px 0 40px}}
.day{{display:flex;align-items:center;margin:16px 0 4px;color:#1d1c1d}}
.day::before,.day::after{{content:"";flex:1;border-top:1px solid #dddddd}}
.day span{{border:1px solid #dddddd;border-radius:24px;padding:2px 14px;font-size:13px;font-weight:700;
  background:#fff}}
.msg{{display:flex;gap:8px;padding:8px 20px}}
.msg:target,.note:target{{background:#fef9e7}}
.modal-wrap:target{{box-shadow:0 0 0 3px #f2c744}}
.avatar{{flex:none;width:36px;height:36px;border-radius:6px;display:inline-flex;align-items:center;
  justify-content:center;color:#fff;font-weight:900;font-size:14px}}
.avatar .logo,svg.logo{{width:100%;height:100%;display:block}}
.avatar.small{{width:20px;height:20px;font-size:9px;border-radius:4px}}
.msg-body{{flex:1;min-width:0}}
.msg-head{{display:flex;flex-wrap:wrap;align-items:baseline;gap:6px}}
.sender{{font-weight:900}}
.badge{{background:rgba(29,28,29,.13);color:#616061;font-size:10px;font-weight:700;padding:1px 3px;
  border-radius:2px;text-transform:uppercase}}
.msg-head time,.edited,.stamp{{color:#616061;font-size:12px}}
.only-you{{color:#616061;font-size:12px;margin-bottom:2px}}
.blocks{{max-width:720px}}
.block{{margin:4px 0}}
.block.section{{display:flex;gap:12px;align-items:flex-start}}
.section-main{{flex:1;min-width:0}}
.fields{{display:grid;grid-template-columns:1fr 1fr;gap:8px 16px;margin-top:4px}}
.header-text{{margin:4px 0 8px;font-size:18px;font-weight:900;line-height:1.33}}
.block.context{{display:flex;flex-wrap:wrap;align-items:center;gap:4px;color:#616061;font-size:12px}}
.block.context .emoji{{width:16px;height:16px}}
.block.divider hr{{border:0;border-top:1px solid #dddddd;margin:12px 0}}
.block.actions{{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}}
.line{{display:block}}
b{{font-weight:900}}
code{{font:12px/1.5 {MONO};color:#c01343;background:rgba(29,28,29,.04);border:1px solid rgba(29,28,29,.13);
  border-radius:3px;padding:1px 3px}}
pre.code{{font:12px/1.5 {MONO};background:rgba(29,28,29,.04);border:1px solid rgba(29,28,29,.13);
  border-radius:4px;padding:8px;margin:4px 0;white-space:pre;overflow-x:auto;overflow-wrap:normal}}
blockquote{{margin:4px 0;padding-left:12px;border-left:4px solid #dddddd}}
ul,ol{{margin:0;padding-left:24px}}
ol{{list-style:none}}.num{{display:inline-block;min-width:24px;margin-left:-24px}}
li.depth-1{{margin-left:20px}}li.depth-2{{margin-left:40px}}li.depth-3{{margin-left:60px}}
.mention{{background:rgba(29,155,209,.1);color:#1264a3;border-radius:3px;padding:0 2px}}
.mention.me,.mention.broadcast{{background:rgba(242,199,68,.4);color:#1d1c1d}}
svg.emoji{{width:1.35em;height:1.35em;vertical-align:-.32em;margin:0 .05em}}
time{{white-space:nowrap}}
.btn{{display:inline-flex;align-items:center;gap:4px;height:28px;padding:0 12px;font:700 13px/1 {FONT};
  color:#1d1c1d;background:#fff;border:1px solid rgba(29,28,29,.3);border-radius:4px;cursor:pointer}}
.btn.primary{{background:#007a5a;border-color:#007a5a;color:#fff}}
.btn.danger{{background:#e01e5a;border-color:#e01e5a;color:#fff}}
.btn.overflow{{padding:0 8px}}
.label{{font-weight:700;margin:12px 0 6px}}
.optional{{font-weight:400;color:#616061}}
.hint{{color:#616061;font-size:13px;margin-top:4px}}
.control{{display:flex;align-items:center;gap:8px;min-height:36px;padding:6px 10px;border:1px solid
  rgba(29,28,29,.3);border-radius:4px;background:#fff;max-width:100%}}
.control.multiline{{min-height:72px;align-items:flex-start;white-space:pre-wrap}}
.control.select .chevron{{margin-left:auto;color:#616061}}
.control .icon{{width:16px;height:16px;color:#616061;flex:none}}
.placeholder{{color:#868686}}
.chip{{background:rgba(29,28,29,.08);border-radius:4px;padding:0 6px;font-size:14px}}
.choices{{list-style:none;padding:0;margin:0}}
.choice{{display:flex;gap:8px;align-items:flex-start;margin:4px 0}}
.choice small{{display:block;color:#616061;font-size:13px}}
.mark{{flex:none;width:16px;height:16px;margin-top:3px;border:1px solid #868686;background:#fff}}
.mark.radio{{border-radius:50%}}.mark.checkbox{{border-radius:3px}}
.choice.on .mark.radio{{border:5px solid #1264a3}}
.choice.on .mark.checkbox{{background:#1264a3;border-color:#1264a3;position:relative}}
.choice.on .mark.checkbox::after{{content:"";position:absolute;left:4px;top:1px;width:5px;height:9px;
  border:solid #fff;border-width:0 2px 2px 0;transform:rotate(45deg)}}
.has-error .control{{border-color:#e01e5a;box-shadow:0 0 0 1px #e01e5a}}
.has-error .choices .mark{{border-color:#e01e5a}}
.error{{display:flex;align-items:center;gap:6px;color:#e01e5a;font-size:13px;font-weight:700;margin-top:6px}}
.error::before{{content:"!";flex:none;display:inline-flex;align-items:center;justify-content:center;width:16px;height:16px;
  border-radius:50%;background:#e01e5a;color:#fff;font-size:11px;font-weight:900}}
.unknown{{display:inline-block;border:1px dashed #e01e5a;color:#e01e5a;border-radius:4px;padding:2px 8px;
  font-size:13px;background:#fff5f7}}
.image-stand-in{{display:inline-block;border:1px solid #dddddd;border-radius:4px;padding:4px 8px;
  color:#616061}}
.modal-wrap{{margin:8px 20px 12px 64px;padding:20px;border-radius:8px;background:rgba(29,28,29,.42)}}
.modal-caption{{color:#fff;font-size:13px;margin:-6px 0 10px}}
.modal{{background:#fff;border-radius:8px;max-width:560px;margin:0 auto;box-shadow:0 0 0 1px
  rgba(29,28,29,.13),0 18px 48px rgba(0,0,0,.35)}}
.modal-head{{display:flex;align-items:center;gap:12px;padding:18px 24px;border-bottom:1px solid #dddddd}}
.modal-head .logo{{width:30px;height:30px;flex:none}}
.modal-head h3{{margin:0;font-size:22px;font-weight:900;flex:1;line-height:1.2}}
.modal-x{{font-size:26px;color:#616061;line-height:1}}
.modal-body{{padding:8px 24px 20px}}
.modal-alert{{margin:12px 0 4px;padding:8px 12px;border-radius:4px;background:#fdecf1;color:#b4134a;
  font-weight:700;font-size:14px}}
.modal-foot{{display:flex;justify-content:flex-end;gap:12px;padding:16px 24px;border-top:1px solid #dddddd}}
.modal-foot .btn{{height:36px;font-size:15px;padding:0 16px}}
.note{{display:flex;gap:8px;align-items:flex-start;padding:4px 20px 4px 64px;color:#616061;font-size:13px}}
.note ul{{margin:2px 0 0;padding-left:18px}}
.note.error{{color:#e01e5a}}
.btn-ref{{font-weight:700;color:#1d1c1d;border:1px solid rgba(29,28,29,.3);border-radius:4px;padding:0 4px}}
.note.background{{font-style:italic}}
.thread{{margin-top:6px}}
.thread>summary{{cursor:pointer;list-style:none;display:inline-flex;align-items:center;gap:6px;
  padding:4px 6px;border-radius:6px;font-size:13px}}
.thread>summary::-webkit-details-marker{{display:none}}
.thread>summary:hover{{background:#fff;box-shadow:0 0 0 1px rgba(29,28,29,.13)}}
.reply-count{{color:#1264a3;font-weight:700}}
.replies{{border-left:2px solid #dddddd;margin:4px 0 0 4px}}
.replies .msg{{padding:6px 0 6px 12px}}
.versions{{margin-top:4px;font-size:13px;color:#616061}}
.versions>summary{{cursor:pointer}}
.versions .old{{border-left:4px solid #dddddd;padding-left:12px;opacity:.85;margin-top:4px}}
.home-view{{padding:20px;max-width:760px}}
.home-stamp{{padding:12px 20px 0;color:#616061;font-size:13px}}
.intro{{padding:24px 28px 48px;max-width:920px}}
.intro h1{{font-size:28px;font-weight:900;margin:0 0 8px;line-height:1.2}}
.intro h2{{font-size:18px;font-weight:900;margin:28px 0 8px}}
.intro p{{margin:8px 0}}
.paths{{display:grid;grid-template-columns:repeat(auto-fill,minmax(240px,1fr));gap:12px;padding:0;list-style:none}}
.paths a{{display:block;border:1px solid #dddddd;border-radius:8px;padding:12px 14px;color:#1d1c1d;
  height:100%}}
.paths a:hover{{border-color:#1264a3;text-decoration:none}}
.paths b{{display:block;color:#1264a3}}
table.cast{{border-collapse:collapse;width:100%;font-size:14px}}
.cast th,.cast td{{text-align:left;padding:6px 8px;border-bottom:1px solid #eeeeee;vertical-align:middle}}
.cast th{{color:#616061;font-weight:700;font-size:13px}}
.who{{display:flex;align-items:center;gap:8px;font-weight:700}}
.facts{{color:#616061;font-size:13px}}
.timeline{{padding:8px 20px 40px;max-width:960px}}
.timeline h3{{font-size:15px;font-weight:900;margin:20px 0 6px;padding-bottom:4px;
  border-bottom:1px solid #dddddd}}
.timeline ol{{list-style:none;padding:0;margin:0}}
.event{{display:grid;grid-template-columns:52px 150px minmax(0,1fr);gap:8px;padding:3px 0;font-size:14px}}
.event time{{color:#616061}}.event .by{{font-weight:700}}
.event.kind-action a,.event.kind-refresh a{{color:#616061}}
@media (max-width:720px){{
  body{{display:block}}
  .sidebar{{position:static;height:auto;padding-bottom:8px}}
  .nav{{display:flex;flex-wrap:wrap;gap:2px;padding:0 8px}}
  .nav a{{padding:4px 8px;border-radius:6px}}
  .nav small{{display:none}}
  .nav-title{{margin:8px 16px 2px}}
  .msg{{padding:8px 12px}}
  .fields{{grid-template-columns:1fr}}
  .modal-wrap{{margin:8px 0;padding:8px;border-radius:0}}
  .modal-body,.modal-head,.modal-foot{{padding-left:14px;padding-right:14px}}
  .note{{padding-left:12px}}
  .intro{{padding:16px}}
  .event{{grid-template-columns:44px minmax(0,1fr)}}.event .by{{display:none}}
}}
@media print{{
  body{{display:block}}
  .sidebar,.tabs{{display:none}}
  .pane,.tab{{display:block!important}}
  .pane{{break-before:page}}
  .pane-head{{position:static}}
  .msg,.modal,.block{{break-inside:avoid}}
  .modal-wrap{{background:none;padding:0}}
  a{{color:inherit}}
}}
"""
