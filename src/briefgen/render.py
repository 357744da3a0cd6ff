"""The render stage: briefs to pages. The only module that knows Jinja.

Templates are looked up in the site's own template folder first, then in briefgen's defaults
(which a user's template can extend as `default:NAME`). Autoescaping is on for HTML and XML and
undefined names are errors. Rendering returns the site as a mapping of paths to bytes; writing it
is the writer's job.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Collection, Iterable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
import jinja2.bccache

from briefgen import __version__
from briefgen.brief_html import BriefHtml, coverage_items
from briefgen.collector import collector_frozen
from briefgen.page_html import (
    Citation,
    CitationLinks,
    citation_links,
    citations,
    event_path,
    numbered_paragraphs,
    outlet_name,
    removed_lines,
    story_body,
    story_path,
)
from briefgen.pagination import paginate
from briefgen.parallel import ordered_map
from briefgen.records import Brief
from briefgen.settings import DEFAULT_EVENTS_PER_PAGE, DEFAULT_FEED_ITEMS
from briefgen.source_pages import by_outlet, outlet_paths
from briefgen.theme import RenderError, default_templates_dir

__all__ = [
    "Citation",
    "RenderError",
    "SiteInfo",
    "citations",
    "default_templates_dir",
    "event_path",
    "outlet_name",
    "render_site",
    "story_path",
]

ASSETS = ("assets/style.css", "assets/favicon.svg")
# Below this many pages, worker processes cost more than they save: forking, and the memory
# pages of the analysis that each worker copies as it reads them (measured: the 1,000-story
# corpus's 1,200 pages render faster here, the 10,000-story corpus's 11,000 in workers).
PARALLEL_MIN_PAGES = 2000
_AUTOESCAPE = ("html", "xml")
# The Environment settings that change what a template compiles to.
_CODE_SHAPING = (
    "block_start_string",
    "block_end_string",
    "variable_start_string",
    "variable_end_string",
    "comment_start_string",
    "comment_end_string",
    "line_statement_prefix",
    "line_comment_prefix",
    "trim_blocks",
    "lstrip_blocks",
    "newline_sequence",
    "keep_trailing_newline",
    "optimized",
    "is_async",
)


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """What every page needs to know about the site."""

    title: str
    """Site title."""
    description: str
    """One-line description."""
    language: str
    """`lang` of the pages."""
    base_url: str
    """Absolute URL of the site's root, ending in `/`."""
    timezone: str
    """IANA zone for dates without an offset."""
    feed_items: int = DEFAULT_FEED_ITEMS
    """Newest events each feed carries (0: all)."""
    events_per_page: int = DEFAULT_EVENTS_PER_PAGE
    """Events on each page of the index (0: all on one page)."""

    @property
    def base_path(self) -> str:
        """The site's root as a path on its host (`/briefing/`): links that work at any depth."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"


class _TemplateCodeCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept between builds. Jinja checks each entry against the template's
    own source; a damaged or unwritable entry only means compiling again."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with suppress(OSError):
            super().dump_bytecode(bucket)


def _code_cache(
    folder: Path | None, environment: jinja2.Environment
) -> jinja2.BytecodeCache | None:
    """A compiled-template cache in the folder. Its entries are named by everything that shapes
    the compiled code besides the template (Jinja's version, the environment's syntax and
    options), which Jinja's own key (template name and source) leaves out."""
    if folder is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    options = [getattr(environment, name) for name in _CODE_SHAPING]
    shape = repr((jinja2.__version__, _AUTOESCAPE, options, sorted(environment.extensions)))
    prefix = hashlib.sha256(shape.encode()).hexdigest()[:16]
    return _TemplateCodeCache(str(folder), f"{prefix}-%s.cache")


def _environment(user_dir: Path | None, code_cache: Path | None) -> jinja2.Environment:
    # Made anew for each build (no module-level cache): the user's folder may appear or change.
    defaults = jinja2.FileSystemLoader(default_templates_dir())
    loaders: list[jinja2.BaseLoader] = []
    if user_dir is not None and user_dir.is_dir() and user_dir != default_templates_dir():
        loaders.append(jinja2.FileSystemLoader(user_dir))
    loaders.append(jinja2.PrefixLoader({"default": defaults}, delimiter=":"))
    loaders.append(defaults)
    environment = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(_AUTOESCAPE, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one build: each template is read once
    )
    environment.bytecode_cache = _code_cache(code_cache, environment)
    environment.filters["safe_url"] = safe_url
    environment.filters["date_label"] = date_label
    environment.globals.update(
        event_path=event_path,
        story_path=story_path,
        outlet_name=outlet_name,
        citation_links=citation_links,
        numbered_paragraphs=numbered_paragraphs,
        story_body=story_body,
        removed_lines=removed_lines,
        coverage_items=coverage_items,
        version=__version__,
    )
    return environment


def safe_url(value: str | None) -> str | None:
    """The URL where it is http(s), else None: no other scheme ever reaches a page."""
    if not value:
        return None
    parts = urlsplit(value.strip())
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return value.strip()
    return None


def date_label(value: str | None) -> str:
    """`2026-01-15` or a datetime's date part; empty where unknown."""
    return value[:10] if value else ""


def render_site(
    briefs: tuple[Brief, ...],
    site: SiteInfo,
    user_templates: Path | None,
    *,
    code_cache: Path | None = None,
    skip: Collection[str] = (),
    workers_from: int = PARALLEL_MIN_PAGES,
) -> dict[str, bytes]:
    """Every file of the site, by path; with `code_cache`, compiled templates are kept in that
    folder for the next build (the pages are the same either way). Event, story and listing
    pages (see `listing_pages`) whose path is in `skip` are left out (the output folder holds
    them already), but still listed in the sitemap. A site of at least `workers_from` pages is
    rendered in worker processes."""
    environment = _environment(user_templates, code_cache)
    stories = {story.id: story for b in briefs for story in b.event.stories}
    _add_build_globals(environment, CitationLinks(stories))
    renderer = _PageRenderer(environment, site)
    with collector_frozen():
        pages = _pages(briefs, site.events_per_page, skip)
        for template in dict.fromkeys(page.template for page in pages):
            renderer.load(template)  # compiled once, here, rather than in every worker
        files = dict(ordered_map(renderer.render, pages, min_items=workers_from, chunk_size=16))
    files["sitemap.xml"] = _sitemap(environment, site, [*files, *skip])
    files["robots.txt"] = f"User-agent: *\nAllow: /\nSitemap: {site.base_url}sitemap.xml\n".encode()
    files[".nojekyll"] = b""
    for asset in ASSETS:
        files[asset] = _read_asset(asset, user_templates)
    return files


def _add_build_globals(environment: jinja2.Environment, citations: CitationLinks) -> None:
    """The template functions that keep state for one build (each story's escaped labels)."""
    parts = BriefHtml(citations)
    environment.globals.update(
        cite=citations.cite,
        source_links=citations.links,
        summary_items=parts.summary_items,
        quote_figures=parts.quote_figures,
        timeline_items=parts.timeline_items,
        claim_items=parts.claim_items,
    )


@dataclass(frozen=True, slots=True)
class _Page:
    """One page to render: its template, its path in the site and what its template shows."""

    template: str
    path: str
    context: dict[str, object]


def _pages(briefs: tuple[Brief, ...], per_page: int, skip: Collection[str]) -> list[_Page]:
    """Every page of the site but the sitemap, in the order they are listed, but those in
    `skip` (event, story and listing pages the output folder holds already)."""
    outlets = by_outlet(briefs)
    outlet_pages = outlet_paths(name for name, _ in outlets)
    pages = [
        _Page("index.html", pager.path, {"briefs": pager.items, "pager": pager})
        for pager in paginate(briefs, per_page)
    ]
    pages.append(
        _Page("sources.html", "sources.html", {"outlets": outlets, "outlet_pages": outlet_pages})
    )
    pages += [
        _Page("outlet.html", outlet_pages[outlet], {"outlet": outlet, "items": items})
        for outlet, items in outlets
    ]
    pages.append(_Page("404.html", "404.html", {}))
    for b in briefs:
        pages.append(_Page("event.html", event_path(b), {"brief": b}))
        pages += [
            _Page("story.html", story_path(story), {"story": story, "brief": b})
            for story in b.event.stories
        ]
    return [page for page in pages if page.path not in skip]


def listing_pages(
    briefs: tuple[Brief, ...], per_page: int
) -> dict[str, tuple[str, tuple[str, ...]]]:
    """The pages that list events (index pages, outlets' pages), each with its shape (all it
    shows besides its events' briefs: its place among the index pages, its outlet) and the ids
    of the events it lists, in order: two builds giving a page the same shape and the same
    briefs render the same page."""
    listings = {
        pager.path: (
            f"index {pager.number} {pager.count} {pager.first_item} {pager.total}",
            tuple(b.event.id for b in pager.items),
        )
        for pager in paginate(briefs, per_page)
    }
    outlets = by_outlet(briefs)
    outlet_pages = outlet_paths(name for name, _ in outlets)
    for outlet, items in outlets:
        listings[outlet_pages[outlet]] = (f"outlet {outlet}", tuple(b.event.id for *_, b in items))
    return listings


class _PageRenderer:
    """Renders pages of one site: pure (a page's bytes depend on the page only), so pages can
    be rendered in forked worker processes."""

    def __init__(self, environment: jinja2.Environment, site: SiteInfo) -> None:
        self._environment = environment
        self._site = site
        # Each template's globals as a plain dict: Template.render merges them into every
        # page's variables from a ChainMap, a quarter of a small page's time.
        self._templates: dict[str, tuple[jinja2.Template, dict[str, object]]] = {}

    def load(self, name: str) -> None:
        """Compile the template (a RenderError where it cannot be)."""
        try:
            template = self._environment.get_template(name)
        except jinja2.TemplateError as err:
            raise RenderError(_template_problem(name, name, err)) from err
        self._templates[name] = template, dict(template.globals)

    def render(self, page: _Page) -> tuple[str, bytes]:
        """The page's path and its bytes (its template loaded first)."""
        site, path = self._site, page.path
        template, variables = self._templates[page.template]
        variables = {
            **variables,
            "site": site,
            # 404.html is served by the host at any depth: its links start from the site's root.
            "root": site.base_path if path == "404.html" else "../" * path.count("/"),
            "page_path": path,
            "page_url": site.base_url + ("" if path == "index.html" else path),
            **page.context,
        }
        try:
            html = self._render(template, variables)
        except jinja2.TemplateError as err:
            raise RenderError(_template_problem(page.template, path, err)) from err
        return path, html.encode("utf-8")

    def _render(self, template: jinja2.Template, variables: dict[str, object]) -> str:
        """`template.render(**variables)`, the globals already in `variables` (Jinja's low-level
        API: a shared context takes the variables as they are)."""
        context = template.new_context(variables, shared=True)
        try:
            return self._environment.concat(template.root_render_func(context))
        except Exception:  # as Template.render: raised again, its traceback in template lines
            self._environment.handle_exception()


def _template_problem(template: str, path: str, err: jinja2.TemplateError) -> str:
    if isinstance(err, jinja2.TemplateSyntaxError):
        where = f"{err.filename or err.name or template}:{err.lineno}"
        return f"{where}: template syntax error: {err.message}"
    if isinstance(err, jinja2.TemplateNotFound):
        return f"template {template}: not found: {err.name}"
    return f"template {template} (rendering {path}): {err.message or err}"


def _sitemap(environment: jinja2.Environment, site: SiteInfo, paths: Iterable[str]) -> bytes:
    pages = sorted(path for path in paths if path.endswith(".html") and path != "404.html")
    urls = [site.base_url + ("" if path == "index.html" else path) for path in pages]
    return environment.get_template("sitemap.xml").render(site=site, urls=urls).encode("utf-8")


def _read_asset(name: str, user_templates: Path | None) -> bytes:
    for folder in (user_templates, default_templates_dir()):
        if folder is not None and (folder / name).is_file():
            return (folder / name).read_bytes()
    raise FileNotFoundError(name)
