"""Page pieces made in Python: escaping as the templates escape, stripped lines as list items."""

from __future__ import annotations

import pytest
from markupsafe import Markup, escape

from briefgen.page_html import escaped, removed_lines
from briefgen.records import Removed


@pytest.mark.parametrize(
    "value",
    ["", "plain", 'Tom & Jerry\'s <b>"best"</b> &amp;', "“curly” ‘quotes’ é", 12, None],
)
def test_escaped_is_markupsafes_escape(value: object) -> None:
    assert escaped(value) == str(escape(value))


def test_escaped_leaves_markup_as_it_is() -> None:
    assert escaped(Markup("<b>bold</b> &amp;")) == "<b>bold</b> &amp;"


def test_removed_lines_show_kind_line_and_escaped_text() -> None:
    html = removed_lines(
        [Removed("promo", "Subscribe <now> & save", 3), Removed("byline", "By Al")]
    )
    assert html == (
        '<li><span class="meta">promo, line 3:</span> Subscribe &lt;now&gt; &amp; save</li>\n'
        '<li><span class="meta">byline:</span> By Al</li>\n'
    )
    assert isinstance(html, Markup)  # shown as it is by an autoescaping template
