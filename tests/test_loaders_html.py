"""The HTML loader: the article and its metadata from a saved page, furniture left out."""

from __future__ import annotations

from briefgen.loaders import SourceText
from briefgen.loaders.html import load
from briefgen.records import Record

PARAGRAPHS = [
    "The city council approved the new budget on Tuesday after a debate that lasted late "
    "into the night, with members split over a proposed increase in property taxes.",
    "Council members said the plan would fund three new schools and a public library in the "
    "northern districts, where the population has grown quickly over the past decade.",
    "Opponents argued that the tax increase would hurt small businesses, and several shop "
    "owners spoke against it during the public comment period before the final vote.",
    "The mayor is expected to sign the budget into law later this week, officials said, "
    "and the first construction contracts could be awarded as early as the summer.",
]

PAGE = f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Council approves budget | The Example Times</title>
<meta property="og:title" content="Council approves new city budget">
<meta property="og:site_name" content="The Example Times">
<meta property="og:url" content="https://example.org/news/budget">
<meta property="article:published_time" content="2024-03-05T09:30:00+00:00">
<meta name="author" content="Jane Doe">
</head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/sport">Sport</a></li></ul></nav></header>
<main><article>
<h1>Council approves new city budget</h1>
{"".join(f"<p>{paragraph}</p>" for paragraph in PARAGRAPHS)}
</article>
<aside><h2>Most read</h2><ul><li><a href="/a">Storm hits coast</a></li>
<li><a href="/b">Team wins final</a></li></ul></aside></main>
<footer><p>&copy; 2024 The Example Times. All rights reserved.</p></footer>
</body></html>
"""


def load_html(text: str) -> Record:
    return load(SourceText("page.html", text))


def test_article_paragraphs_are_extracted_without_menus_or_footer() -> None:
    record = load_html(PAGE)
    assert list(record.paragraphs) == PARAGRAPHS
    text = " ".join(record.paragraphs)
    for furniture in ("Home", "Most read", "Storm hits coast", "All rights reserved"):
        assert furniture not in text


def test_metadata_comes_from_the_page_head() -> None:
    record = load_html(PAGE)
    assert record.format == "html"
    assert record.title == "Council approves new city budget"
    assert not record.title_from_body
    assert record.outlet == "The Example Times"
    assert record.url == "https://example.org/news/budget"
    assert record.published is not None
    assert record.published.startswith("2024-03-05")
    assert record.byline.people == ("Jane Doe",)


def test_page_without_article_text_warns() -> None:
    record = load_html("<html><head><title>x</title></head><body><div></div></body></html>")
    assert tuple(record.body) == ()
    assert [str(item) for item in record.warnings] == [
        "page.html: warning: no article text in the page"
    ]
