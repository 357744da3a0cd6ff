"""Generate a labelled benchmark corpus: N news stories in briefgen's three input formats.

One command:
    .venv/bin/python benchmarks/corpus.py --n 1000 --out benchmarks/out/corpus-1000

Writes OUT/sources/ (copied-page .txt, front-matter .md and saved-page .html files, names unrelated
to events) and OUT/truth.tsv beside it (path, event, copy_of, words): the labels never enter the
inputs. Stories report events of 1 to 20 stories from different outlets; about 10% are
near-duplicate copies of another story (a second scrape or a syndicated copy, a few words edited).
Prose is real news text recombined: by default the Lee corpus read from a gensim wheel in
benchmarks/out/downloads/ (`pip download --no-deps gensim -d benchmarks/out/downloads`), else
the project's sources/; `--text` picks others. The same seed and text give byte-identical output.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script: find siblings

from corpus_pages import Story, pelican_page, render

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DOWNLOADS = HERE / "out" / "downloads"
LEE_MEMBERS = ("gensim/test/test_data/lee_background.cor", "gensim/test/test_data/lee.cor")
FORMAT_MIX = {"md": 0.4, "txt": 0.4, "html": 0.2}

_SENTENCE_END = re.compile(r"(?<=[a-z0-9%][.!?])[\"'”’]?\s+(?=[\"'“‘]?[A-Z])")
_CAPITALISED = re.compile(r"(?<=[a-z,] )([A-Z][a-z]{3,})\b")
_NUMBER = re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3})*(?![\w,.]\d)")
_NOT_PROSE = re.compile(r"https?://|www\.|©|@|\|")
_COMMON_CAPITALS = frozenset(
    """This That These Those There They Their When While What Which Where After Before Since
    However Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March
    April June July August September October November December Government President Minister
    Prime Police Court Party Senator Premier""".split()
)
_PLACE_PARTS = ("North", "Port", "East", "West", "Lake", "New", "Upper", "Fort", "South", "Glen")
_PLACE_ROOTS = (
    "haven",
    "ford",
    "bridge",
    "moor",
    "field",
    "brook",
    "dale",
    "ridge",
    "wick",
    "stead",
)
_OUTLET_PARTS = (
    "Harbour",
    "Northern",
    "Capital",
    "Valley",
    "Coastal",
    "Metro",
    "Pacific",
    "Highland",
)
_OUTLET_NOUNS = ("Courier", "Ledger", "Times", "Herald", "Dispatch", "Post", "Gazette", "Chronicle")
_GIVEN = ("Ana", "Ben", "Chloe", "David", "Elif", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi")
_FAMILY = (
    "Adeyemi",
    "Brandt",
    "Castillo",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Gupta",
    "Haddad",
    "Ivanova",
)
_FILLERS = {
    "the": ("this", "that"),
    "and": ("as well as", "while"),
    "was": ("had been", "was"),
    "is": ("is now", "remains"),
    "in": ("inside", "within"),
    "to": ("in order to",),
    "after": ("following", "soon after"),
    "said": ("says", "stated", "told reporters"),
    "has": ("had", "has now"),
    "would": ("would", "will", "could"),
    "will": ("will", "would", "is set to"),
    "more": ("further",),
    "a": ("one",),
}
SECTIONS = ("world", "politics", "business", "science", "health", "environment", "sport")


@dataclass(frozen=True, slots=True)
class _Event:
    label: str
    keys: tuple[str, ...]
    related_docs: tuple[int, ...]
    date: datetime
    section: str
    tags: tuple[str, ...]


def read_prose(paths: Sequence[Path]) -> list[list[str]]:
    """Documents as lists of prose sentences, from .cor files, gensim wheels, text and folders."""
    texts: list[str] = []
    for path in paths:
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.suffix in (".txt", ".md", ".cor"))
            for file in files:
                texts += _docs_of(file)
        else:
            texts += _docs_of(path)
    seen: set[str] = set()
    documents = []
    for text in texts:
        sentences = [s for s in _sentences(text) if s not in seen]
        seen.update(sentences)
        if len(sentences) >= 3:
            documents.append(sentences)
    return documents


def _docs_of(path: Path) -> list[str]:
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as wheel:
            return [
                line
                for member in LEE_MEMBERS
                for line in wheel.read(member).decode("utf-8", "replace").splitlines()
            ]
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".cor":
        return text.splitlines()
    prose_lines = [line for line in text.splitlines() if len(line.split()) >= 8]
    return [" ".join(prose_lines)]


def _sentences(text: str) -> list[str]:
    text = " ".join(text.replace("--", " - ").split())
    return [
        s
        for s in _SENTENCE_END.split(text)
        if 6 <= len(s.split()) <= 60 and not _NOT_PROSE.search(s) and s[-1] in ".!?\"'”’"
    ]


def default_text() -> list[Path]:
    """The gensim wheel if downloaded, else the project's own sources."""
    wheels = sorted(DOWNLOADS.glob("gensim-*.whl"))
    return wheels[-1:] if wheels else [REPO / "sources"]


class _Generator:
    def __init__(self, documents: list[list[str]], rng: random.Random) -> None:
        self.documents = documents
        self.rng = rng
        self.outlets = [f"{a} {b}" for a in _OUTLET_PARTS for b in _OUTLET_NOUNS]
        self.authors = [f"{a} {b}" for a in _GIVEN for b in _FAMILY]
        self.places = [_place(a, b) for a in _PLACE_PARTS for b in _PLACE_ROOTS]
        self.recent_titles: list[str] = []

    def event(self, index: int) -> _Event:
        rng = self.rng
        primary = rng.randrange(len(self.documents))
        document = self.documents[primary]
        picks = sorted(
            rng.sample(range(1, len(document)), min(len(document) - 1, rng.randint(4, 9)))
        )
        second = self.documents[rng.randrange(len(self.documents))]
        keys = [document[0], *(document[i] for i in picks), *second[: rng.randint(1, 3)]]
        names = sorted(
            {m[1] for key in keys for m in _CAPITALISED.finditer(key)} - _COMMON_CAPITALS
        )
        swaps = {name: rng.choice(self.places) for name in rng.sample(names, min(len(names), 3))}
        numbers: dict[str, str] = {}
        keys = [self._rewrite(key, swaps, numbers) for key in dict.fromkeys(keys)]
        date = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(365 * 86400))
        tags = tuple(sorted(set(swaps.values())))[:3] or ("news",)
        # Background for the event's stories: documents other than the one its facts come from.
        related = tuple(rng.randrange(len(self.documents)) for _ in range(4))
        return _Event(f"e{index:06d}", tuple(keys), related, date, rng.choice(SECTIONS), tags)

    def _rewrite(self, sentence: str, swaps: dict[str, str], numbers: dict[str, str]) -> str:
        for old, new in swaps.items():
            sentence = re.sub(rf"\b{old}\b", new, sentence)

        def renumber(match: re.Match[str]) -> str:
            value = int(match[0].replace(",", ""))
            if 1900 <= value <= 2100 or value < 2:
                return match[0]
            new = max(2, round(value * self.rng.uniform(0.5, 1.8)))
            return numbers.setdefault(match[0], f"{new:,}" if "," in match[0] else str(new))

        return _NUMBER.sub(renumber, sentence)

    def story(self, event: _Event, name: str, outlet: str, fmt: str) -> Story:
        rng = self.rng
        keep = rng.uniform(0.3, 0.6)
        keys = [
            self._reword(key) if rng.random() < 0.5 else key
            for i, key in enumerate(event.keys)
            if i == 0 or rng.random() < keep
        ]
        target = rng.randint(400, 800)
        filler: list[str] = []
        words = sum(len(k.split()) for k in keys)
        for _ in range(500):  # bounded: a small prose source may run out of new sentences
            if words >= target:
                break
            on_topic = rng.random() < 0.6
            pick = (
                rng.choice(event.related_docs) if on_topic else rng.randrange(len(self.documents))
            )
            document = self.documents[pick]
            start = rng.randrange(len(document))
            for sentence in document[start : start + rng.randint(1, 4)]:
                if sentence not in filler and sentence not in keys:
                    filler.append(sentence)
                    words += len(sentence.split())
        body = keys[:2]
        rest, extra = keys[2:], filler
        while rest or extra:
            take_key = rest and (not extra or rng.random() < len(rest) / (len(rest) + len(extra)))
            body.append((rest if take_key else extra).pop(0))
        title = _headline(rng.choice(keys[:2]), rng)
        published = event.date + timedelta(seconds=rng.randrange(60 * 3600))
        related = tuple(rng.sample(self.recent_titles, min(3, len(self.recent_titles))))
        self.recent_titles = [*self.recent_titles[-40:], title]
        return Story(
            name=name,
            event=event.label,
            copy_of=None,
            fmt=fmt,
            title=title,
            outlet=outlet,
            author=rng.choice(self.authors),
            published=published,
            section=event.section,
            tags=event.tags,
            paragraphs=self._paragraphs(body),
            related=related,
        )

    def _reword(self, sentence: str) -> str:
        """Each outlet words a shared fact a little differently."""
        words = sentence.split()
        swappable = [i for i, word in enumerate(words) if i and word in _FILLERS]
        for position in self.rng.sample(swappable, min(len(swappable), 1 + len(words) // 10)):
            words[position] = self.rng.choice(_FILLERS[words[position]])
        return " ".join(words)

    def _paragraphs(self, sentences: list[str]) -> tuple[str, ...]:
        paragraphs, index = [], 0
        while index < len(sentences):
            size = self.rng.choice((1, 2, 2, 3))
            paragraphs.append(" ".join(sentences[index : index + size]))
            index += size
        if len(paragraphs) > 6 and self.rng.random() < 0.3:
            middle = len(paragraphs) // 2
            paragraphs.insert(middle, "## " + _headline(paragraphs[middle], self.rng, 6))
        return tuple(paragraphs)

    def copy(self, original: Story, name: str, fmt: str) -> Story:
        """A near-duplicate: a second scrape or a syndicated copy, a few words changed."""
        rng = self.rng
        paragraphs = list(original.paragraphs)
        for _ in range(rng.randint(1, 4)):
            index = rng.randrange(len(paragraphs))
            words = paragraphs[index].split()
            if len(words) > 4 and not paragraphs[index].startswith("## "):
                position = rng.randrange(1, len(words) - 1)
                words[position] = rng.choice(("also", "now", "reportedly", "officially"))
                paragraphs[index] = " ".join(words)
        syndicated = rng.random() < 0.6
        outlet = original.outlet
        if syndicated:
            outlet = rng.choice([o for o in self.outlets if o != original.outlet])
        if syndicated:
            paragraphs.append(f"This article was first published by {original.outlet}.")
        return replace(
            original,
            name=name,
            copy_of=original.name,
            fmt=fmt,
            outlet=outlet,
            published=original.published + timedelta(minutes=rng.randint(5, 600)),
            paragraphs=tuple(paragraphs),
        )


def _place(part: str, root: str) -> str:
    return f"{part} {root.title()}" if part in ("New", "Fort") else part + root


def _headline(sentence: str, rng: random.Random, longest: int = 12) -> str:
    words = re.sub(r"[\"“”‘’:;()\[\]]", "", sentence).split()[: rng.randint(6, longest)]
    while len(words) > 3 and (len(words[-1]) <= 3 or (words[-1].islower() and len(words[-1]) < 5)):
        words.pop()
    title = " ".join(words).rstrip(",.-")
    return title[:1].upper() + title[1:]


def event_size(rng: random.Random) -> int:
    """Stories per event: a third are single stories; the rest 2 to 20, small ones commonest."""
    if rng.random() < 0.33:
        return 1
    return min(20, 2 + int(rng.expovariate(1 / 3.5)))


def generate(
    n: int, seed: int, documents: list[list[str]], copy_rate: float = 0.1
) -> Iterator[Story]:
    """N stories, deterministic from the seed and the prose; copies follow their original."""
    rng = random.Random(seed)
    maker = _Generator(documents, rng)
    copies = round(n * copy_rate)
    originals = n - copies
    copied = set(rng.sample(range(originals), copies))
    names = [f"s{i:07d}" for i in range(n)]
    rng.shuffle(names)
    formats, weights = list(FORMAT_MIX), list(FORMAT_MIX.values())
    made = event_index = 0
    while made < originals:
        event = maker.event(event_index)
        event_index += 1
        size = min(event_size(rng), originals - made)
        for outlet in rng.sample(maker.outlets, size):
            fmt = rng.choices(formats, weights)[0]
            story = maker.story(event, names.pop(), outlet, fmt)
            yield story
            if made in copied:
                yield maker.copy(story, names.pop(), rng.choices(formats, weights)[0])
            made += 1


def write_corpus(stories: Iterator[Story], out: Path, seed: int) -> int:
    """Write OUT/sources/ and OUT/truth.tsv; returns the number of stories."""
    sources = out / "sources"
    sources.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed + 1)  # page furniture only; stories do not depend on it
    rows = ["path\tevent\tcopy_of\twords"]
    for story in stories:
        path = f"{story.name}.{story.fmt}"
        (sources / path).write_text(render(story, rng), encoding="utf-8")
        copy_of = f"{story.copy_of}" if story.copy_of else ""
        rows.append(f"{path}\t{story.event}\t{copy_of}\t{story.words}")
    (out / "truth.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return len(rows) - 1


def write_pelican(stories: Iterator[Story], content: Path) -> int:
    """Write the same stories as Pelican markdown; returns the number written."""
    content.mkdir(parents=True, exist_ok=True)
    count = 0
    for story in stories:
        (content / f"{story.name}.md").write_text(pelican_page(story), encoding="utf-8")
        count += 1
    return count


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: write a corpus (or its Pelican twin) and say where."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, required=True, help="stories to write")
    parser.add_argument("--out", type=Path, required=True, help="folder to create")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--copy-rate", type=float, default=0.1, help="share of near-duplicates")
    parser.add_argument("--text", type=Path, action="append", help="prose source (repeatable)")
    parser.add_argument("--pelican", action="store_true", help="write Pelican markdown instead")
    args = parser.parse_args(argv)
    documents = read_prose(args.text or default_text())
    if not documents:
        parser.error("no usable prose in the --text sources")
    stories = generate(args.n, args.seed, documents, args.copy_rate)
    if args.pelican:
        count = write_pelican(stories, args.out)
    else:
        count = write_corpus(stories, args.out, args.seed)
    print(f"{count} stories from {len(documents)} prose documents -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
