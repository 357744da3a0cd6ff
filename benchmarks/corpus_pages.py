"""How a generated story looks on disk: briefgen's three input formats, and Pelican's markdown.

Used by `corpus.py`; the pages carry the furniture real saved or copied pages carry (menus,
banners, captions, copyright lines, related links, reader comments) so the loaders do real work.
"""

from __future__ import annotations

import html
import json
import random
import re
from dataclasses import dataclass
from datetime import datetime

MENU = ("Home", "World", "Business", "Politics", "Science", "Sport", "Culture", "Opinion")
PROMOS = (
    "Sign up for our morning newsletter",
    "Subscribe for unlimited access",
    "Download our app for breaking news alerts",
    "Support independent journalism today",
)
AGENCIES = ("AFP", "AP", "REUTERS", "EPA", "GETTY")
COMMENTERS = ("northern_reader", "kp1974", "M. Alvarez", "civic_minded", "ruralvoice")


@dataclass(frozen=True, slots=True)
class Story:
    """One generated article, with its ground truth (kept out of the files written)."""

    name: str
    """File stem, unrelated to the event (file order says nothing)."""
    event: str
    """Ground-truth event label."""
    copy_of: str | None
    """The name of the story this one is a near-duplicate copy of."""
    fmt: str
    """`md`, `txt` or `html`."""
    title: str
    """The headline."""
    outlet: str
    """The publication."""
    author: str
    """The writer's name."""
    published: datetime
    """When it was published (UTC)."""
    section: str
    """The outlet's section."""
    tags: tuple[str, ...]
    """Keywords."""
    paragraphs: tuple[str, ...]
    """The body; a paragraph starting with `## ` is a subheading."""
    related: tuple[str, ...]
    """Headlines of other stories, shown as related links."""

    @property
    def url(self) -> str:
        """The story's address on its outlet's site."""
        domain = re.sub(r"[^a-z]", "", self.outlet.lower()) + ".example"
        slug = "-".join(re.findall(r"[a-z0-9]+", self.title.lower())[:8])
        return f"https://{domain}/{self.published:%Y/%m/%d}/{slug}-{self.name}"

    @property
    def words(self) -> int:
        """Words in the body."""
        return sum(len(paragraph.split()) for paragraph in self.paragraphs)


def render(story: Story, rng: random.Random) -> str:
    """The story as a file of its format."""
    writer = {"md": markdown_page, "txt": copied_text_page, "html": saved_html_page}[story.fmt]
    return writer(story, rng)


def markdown_page(story: Story, rng: random.Random) -> str:
    """Markdown with the YAML front matter briefgen reads."""
    del rng  # markdown notes carry no page furniture
    tags = ", ".join(json.dumps(tag) for tag in story.tags)
    head = [
        "---",
        f"title: {json.dumps(story.title)}",
        f"outlet: {json.dumps(story.outlet)}",
        f"date: {story.published:%Y-%m-%dT%H:%M:%SZ}",
        f"url: {story.url}",
        f"author: {json.dumps(story.author)}",
        f"section: {story.section}",
        f"tags: [{tags}]",
        "---",
        "",
    ]
    return "\n".join(head) + "\n\n".join(story.paragraphs) + "\n"


def pelican_page(story: Story) -> str:
    """The same story in Pelican's markdown metadata format."""
    head = [
        f"Title: {story.title}",
        f"Date: {story.published:%Y-%m-%d %H:%M}",
        f"Category: {story.section}",
        f"Tags: {', '.join(story.tags)}",
        f"Authors: {story.author}",
        f"Slug: {story.name}",
        f"Summary: {story.paragraphs[0][:200]}",
        "",
    ]
    return "\n".join(head) + "\n" + "\n\n".join(story.paragraphs) + "\n"


def copied_text_page(story: Story, rng: random.Random) -> str:
    """Text as selected and copied from the outlet's web page, furniture and all."""
    lines = ["Skip to main content", *MENU[: rng.randint(4, len(MENU))], rng.choice(PROMOS)]
    lines += [f"{story.section.title()} > {story.outlet}", story.title, f"By {story.author}"]
    lines.append(f"{story.published:%d %B %Y, %H:%M} UTC")
    caption_at = rng.randrange(1, max(2, len(story.paragraphs)))
    for index, paragraph in enumerate(story.paragraphs):
        if index == caption_at:
            lines.append(f"{_caption(story, rng)} Photo: {rng.choice(AGENCIES)}/{story.author}")
        lines.append(paragraph.removeprefix("## "))
    lines += ["Related", *story.related]
    lines.append(f"© {story.published:%Y} {story.outlet}. All rights reserved.")
    lines += _comments(rng)
    return "\n\n".join(lines) + "\n"


def saved_html_page(story: Story, rng: random.Random) -> str:
    """A web page as saved from a browser: head metadata, navigation, article, aside, footer."""
    esc = html.escape
    nav = "".join(f'<li><a href="/{item.lower()}/">{item}</a></li>' for item in MENU)
    body = [_html_block(paragraph) for paragraph in story.paragraphs]
    figure = (
        f'<figure><img src="/img/{story.name}.jpg" alt="">'
        f"<figcaption>{esc(_caption(story, rng))} ({rng.choice(AGENCIES)})</figcaption></figure>"
    )
    body.insert(rng.randrange(1, max(2, len(body))), figure)
    related = "".join(
        f'<li><a href="/r/{i}">{esc(title)}</a></li>' for i, title in enumerate(story.related)
    )
    iso = f"{story.published:%Y-%m-%dT%H:%M:%SZ}"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{esc(story.title)} | {esc(story.outlet)}</title>
<meta property="og:title" content="{esc(story.title)}">
<meta property="og:site_name" content="{esc(story.outlet)}">
<meta property="og:url" content="{story.url}">
<meta property="article:published_time" content="{iso}">
<meta name="author" content="{esc(story.author)}">
<link rel="canonical" href="{story.url}">
</head><body>
<header><a href="/">{esc(story.outlet)}</a><nav><ul>{nav}</ul></nav>
<div class="promo">{esc(rng.choice(PROMOS))}</div></header>
<main><article>
<h1>{esc(story.title)}</h1>
<p class="byline">By <span class="author">{esc(story.author)}</span>
<time datetime="{iso}">{story.published:%d %B %Y}</time></p>
{"".join(body)}
</article>
<aside><h2>Related</h2><ul>{related}</ul></aside></main>
<footer><p>© {story.published:%Y} {esc(story.outlet)}. All rights reserved.</p>
<p><a href="/privacy">Privacy</a> · <a href="/terms">Terms</a></p></footer>
</body></html>
"""


def _html_block(paragraph: str) -> str:
    if paragraph.startswith("## "):
        return f"<h2>{html.escape(paragraph[3:])}</h2>\n"
    return f"<p>{html.escape(paragraph)}</p>\n"


def _caption(story: Story, rng: random.Random) -> str:
    subject = rng.choice(story.tags) if story.tags else "Officials"
    return f"{subject} pictured on {story.published:%A}."


def _comments(rng: random.Random) -> list[str]:
    count = rng.choice((0, 0, 2, 3))
    if not count:
        return []
    lines = [f"Comments ({count})"]
    for _ in range(count):
        up, down = rng.randint(0, 40), rng.randint(0, 15)
        lines += [
            rng.choice(COMMENTERS),
            rng.choice(_COMMENT_TEXTS),
            f"{up - down} (+{up}/-{down})",
        ]
    return lines


_COMMENT_TEXTS = (
    "I will believe it when I see it.",
    "Finally some sense from the people in charge.",
    "Why is nobody asking who pays for this?",
    "Great reporting, thank you.",
)
