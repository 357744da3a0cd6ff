"""Property tests: no input makes the loader or the pipeline raise, and records stay whole."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefgen.brief import brief
from briefgen.cluster import ClusterSettings, cluster
from briefgen.dedupe import dedupe
from briefgen.load import decode, load_file
from briefgen.records import Record

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
EXTENSIONS = (".txt", ".md", ".html")
front_matter_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
front_matter = st.dictionaries(
    st.sampled_from(["title", "outlet", "date", "url", "author", "section", "lang", "tags", "x"]),
    front_matter_values,
    max_size=8,
)
markdown_text = st.lists(
    st.one_of(
        st.text(max_size=200),
        st.sampled_from(
            [
                "# Heading",
                "* item",
                "> quote",
                "[a](javascript:x)",
                "<script>x</script>",
                "---",
                "```",
            ]
        ),
    ),
    max_size=12,
).map("\n\n".join)


def assert_whole(record: Record) -> None:
    assert record.id and record.path and record.format in ("text", "markdown", "html")
    assert isinstance(record.title, str)
    assert all(isinstance(text, str) and text.strip() for text in record.paragraphs)
    assert record.published is None or record.published[:4].isdigit()


def load_bytes(tmp: Path, extension: str, data: bytes) -> Record | None:
    path = tmp / f"input{extension}"
    path.write_bytes(data)
    record, problems = load_file(path, tmp, 1_000_000)
    assert all(problem.path == path.name for problem in problems)
    if record is not None:
        assert_whole(record)
    return record


@FUZZ
@given(data=st.binary(max_size=2000), extension=st.sampled_from(EXTENSIONS))
def test_random_bytes_never_raise(tmp_path_factory, data: bytes, extension: str) -> None:  # type: ignore[no-untyped-def]
    load_bytes(tmp_path_factory.mktemp("fuzz"), extension, data)


@FUZZ
@given(text=st.text(max_size=3000))
def test_random_text_decodes_and_loads(tmp_path_factory, text: str) -> None:  # type: ignore[no-untyped-def]
    source, _ = decode("x.txt", text.encode("utf-8", "surrogatepass"))
    assert source is None or "\r" not in source.text
    load_bytes(tmp_path_factory.mktemp("fuzz"), ".txt", text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(meta=front_matter, body=markdown_text)
def test_random_front_matter_and_markdown(
    tmp_path_factory, meta: dict[str, object], body: str
) -> None:  # type: ignore[no-untyped-def]
    header = yaml.safe_dump(meta, allow_unicode=True) if meta else ""
    document = f"---\n{header}---\n{body}\n"
    record = load_bytes(
        tmp_path_factory.mktemp("fuzz"), ".md", document.encode("utf-8", "surrogatepass")
    )
    if record is not None:
        assert "<script" not in " ".join(record.paragraphs).lower()


@FUZZ
@given(bodies=st.lists(markdown_text, min_size=1, max_size=6))
def test_the_whole_pipeline_accepts_anything_loaded(tmp_path_factory, bodies: list[str]) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("fuzz")
    records = []
    for number, body in enumerate(bodies):
        path = folder / f"s{number}.md"
        path.write_text(f"---\ntitle: Story {number}\ndate: 2026-01-0{number + 1}\n---\n{body}\n")
        record, _ = load_file(path, folder, 1_000_000)
        if record is not None:
            records.append(record)
    stories = dedupe(tuple(records), 0.7)
    assert sorted(r.path for s in stories for r in (s.record, *s.copies)) == sorted(
        r.path for r in records
    )
    events = cluster(stories, ClusterSettings(threshold=0.15, window_days=4))
    assert sorted(s.id for e in events for s in e.stories) == sorted(s.id for s in stories)
    for event in events:
        b = brief(event)
        assert b.headline
