"""The event page parts made in Python: the very HTML of the template loops they replace."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from briefgen.records import Brief, Coverage, Quote
from briefgen.render import SiteInfo, render_site
from sitekit import rich_briefs

SITE = SiteInfo("Riverton", "", "en", "https://ex.org/", "UTC")
EVENT = "events/old-river-bridge-reopens-e-bridge.html"

# The default event page's loops before they became Python, side by side with the helpers.
LOOPS_AND_HELPERS = Path(__file__).parent / "fixtures" / "event_loops_and_helpers.html"


def awkward(brief: Brief) -> Brief:
    """The brief with markup characters in every text the helpers show, and no speaker."""
    odd = 'Tom & Jerry\'s <b>"best"</b> day'
    quote = Quote(odd, None, brief.quotes[0].sources, ("A & B",))
    extra = Coverage("Valley Wire", "bb22", "x", None, (odd, "second & last"))
    claims = tuple(
        replace(claim, value=odd, outlets=(odd, "Other")) for claim in brief.disagreements[0].claims
    )
    return replace(
        brief,
        summary=(replace(brief.summary[0], text=odd), *brief.summary[1:]),
        quotes=(*brief.quotes, quote),
        timeline=(replace(brief.timeline[0], text=odd, date="2029 <03>"), *brief.timeline),
        disagreements=(replace(brief.disagreements[0], claims=claims),),
        coverage=(*brief.coverage, extra),
    )


def sections(tmp_path: Path, brief: Brief) -> tuple[str, str]:
    (tmp_path / "event.html").write_bytes(LOOPS_AND_HELPERS.read_bytes())
    html = render_site((brief,), SITE, tmp_path)[EVENT].decode()
    loop = html.split('<div id="loop">\n')[1].split("</div>")[0]
    helpers = html.split('<div id="helpers">\n')[1].split("</div>")[0]
    return loop, helpers


def test_the_helpers_make_the_html_of_the_template_loops(tmp_path: Path) -> None:
    loop, helpers = sections(tmp_path, rich_briefs()[0])
    assert "Only here: Work began in March 2029" in helpers
    assert 'class="cite"' in helpers
    assert helpers == loop


def test_the_helpers_escape_every_text_once_as_the_loops_do(tmp_path: Path) -> None:
    loop, helpers = sections(tmp_path, awkward(rich_briefs()[0]))
    assert "Tom &amp; Jerry&#39;s &lt;b&gt;&#34;best&#34;&lt;/b&gt; day" in helpers
    assert "Unattributed" in helpers
    assert '<time datetime="2029 &lt;03&gt;">' in helpers
    assert "&amp;amp;" not in helpers
    assert helpers == loop
