"""``build_site``: the built graph as a static website — home, one page per entity and per source, class indexes,
the query library, a search index — written atomically into a folder that works from ``file://`` or any host."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from spacefilms import __version__
from spacefilms.core.backends import Backend
from spacefilms.namespaces import SF, SFR, compact
from spacefilms.site.entities import described, entity_page, kind_key, source_ref
from spacefilms.site.index import SiteData, load_site_data
from spacefilms.site.library import answer_queries, query_pages
from spacefilms.site.linked_data import FORMATS, entity_quads, schema_org, serialize
from spacefilms.site.output import check_output, site_folder
from spacefilms.site.paths import class_page, resource_page, resource_stem, source_page
from spacefilms.site.pictures import MAX_FOCUS, Pictures, draw_pictures
from spacefilms.site.render import Writer
from spacefilms.site.search import INDEX_FILE, search_entry, search_script, source_entries
from spacefilms.site.values import format_date, show
from spacefilms.site.works import filming_section, rooted, site_works, works_by_kind
from spacefilms.store.description import VOID_FILE, void_turtle
from spacefilms.store.stats import built_at

PER_PAGE = 500
ASSETS = ("site.css", "search.js", "favicon.svg")
ENTRY_CLASSES = (  # the home page's ways in: (heading, class)
    ("The films and projects", str(SF.SpaceFilmProject)),
    ("The flights", str(SF.Spaceflight)),
    ("The firsts", str(SF.Achievement)),
)


@dataclass
class SiteReport:
    """What a build wrote: where, how many pages and files, how many bytes, and how long it took."""

    output: Path
    pages: int
    files: int
    bytes: int
    seconds: float
    entities: int
    sources: int
    diagrams: int


def build_site(
    backend: Backend,
    output: str | Path,
    progress: Callable[[str], None] | None = None,
    max_diagrams: int = MAX_FOCUS,
) -> SiteReport:
    """Write the website of the graph ``backend`` reads into the folder ``output``, replacing a previous site there."""
    started = time.perf_counter()
    say = progress or (lambda _: None)
    check_output(Path(output))  # before the graph is read: a wrong folder is refused at once
    built = built_at(backend)
    stamp = {"generator": f"spacefilms {__version__}", "built_at": built}
    with site_folder(output, stamp) as folder, ThreadPoolExecutor(1, "site-queries") as beside:
        # the bundled queries and the VoID counts read the whole store: they run beside the pages, on another core
        answers = beside.submit(answer_queries, backend)
        void = beside.submit(void_turtle, backend)
        writer = Writer(folder, "spacefilms", built or "unknown date")
        for name in ASSETS:
            writer.write_bytes(f"assets/{name}", resources.files("spacefilms.site").joinpath("static", name).read_bytes())
        say(f"reading the graph from {backend.name}")
        data = load_site_data(backend)
        say(f"read {data.quads:,} quads: {len(data.entities):,} entities, {len(data.sources):,} sources")
        say("drawing the pictures")  # from the store the pages read: an endpoint is asked nothing more
        pictures = draw_pictures(data.backend, folder, data.entities, max_diagrams, say)
        say(f"drew {len(pictures.home) + len(pictures.focus)} pictures")
        found = _entity_pages(writer, data, pictures, say)
        _source_pages(writer, data, say)
        classes = _class_pages(writer, data)
        say("running the bundled queries")
        queries = query_pages(data, answers.result())
        for page in queries:
            writer.write_bytes(f"query/{page.file}", page.text.encode("utf-8"))
            writer.page(page.path, "query.html", query=page, title=page.title or page.name)
        writer.page("queries.html", "queries.html", queries=queries, title="Query library")
        writer.write_bytes(INDEX_FILE, search_script(found + source_entries(data)))
        writer.write_bytes(VOID_FILE, void.result())  # the graph's VoID description, counted from the store
        _home(writer, data, pictures, classes)
        say(f"wrote {writer.pages:,} pages ({writer.files:,} files, {writer.bytes / 1e6:.1f} MB)")
    return SiteReport(
        Path(output),
        writer.pages,
        writer.files + 1,
        writer.bytes,
        time.perf_counter() - started,
        len(data.entities),
        len(data.sources),
        len(pictures.focus),
    )


def _entity_pages(writer: Writer, data: SiteData, pictures: Pictures, say: Callable[[str], None]) -> list[str]:
    """Write every entity's page and data files, one entity at a time; return their entries of the search index."""
    total = len(data.entities)
    works = {work.iri for work in site_works(data)}
    found: list[tuple[str, str]] = []
    for number, iri in enumerate(sorted(data.entities), 1):
        page = entity_page(data, iri, data.kind(iri))
        entry = search_entry(data, iri, page.kind)
        if entry:
            found.append(entry)
        filming_heading, filming = filming_section(data, iri, page.root) if iri in works else ("", [])
        picture = pictures.focus.get(iri)
        stem = resource_stem(iri)
        alternates = [(f"{stem.rsplit('/', 1)[-1]}.{suffix}", media) for suffix, (_, media) in FORMATS.items()]
        quads = entity_quads(data, iri)
        for suffix in FORMATS:
            writer.write_bytes(f"{stem}.{suffix}", serialize(quads, suffix))
        writer.page(
            page.path,
            "entity.html",
            e=page,
            filming=filming,
            filming_heading=filming_heading,
            title=page.label,
            picture=picture,
            picture_root=page.root,
            focus_note=pictures.focus_note,
            alternates=alternates,
            json_ld=schema_org(data, iri, [url for _, url in page.links_out]),
        )
        if number % 1000 == 0 or number == total:
            say(f"wrote {number:,} of {total:,} entity pages")
    found.sort(key=lambda entry: entry[0])
    return [text for _, text in found]


def _source_pages(writer: Writer, data: SiteData, say: Callable[[str], None]) -> None:
    for iri, source in sorted(data.sources.items()):
        path = source_page(iri)
        root = "../"
        facts = []
        for quad in data.source_facts(iri):
            facts.append((show(data, quad.subject, root), data.term_label(quad.predicate.value), show(data, quad.object, root)))
        facts.sort(key=lambda f: (f[0].sort_key, f[1], f[2].sort_key))
        ref = source_ref(data, iri, root)
        derived = [source_ref(data, d, root) if d in data.sources else None for d in source.derived_from]
        writer.page(
            path,
            "source.html",
            source=source,
            ref=ref,
            facts=facts,
            derived=list(zip(source.derived_from, derived)),
            title=source.name,
            date_text=format_date(source.date),
            json_ld={"@context": "https://schema.org", "@id": iri, "@type": "WebPage", "name": source.name},
        )
    say(f"wrote {len(data.sources):,} source pages")
    by_kind: dict[str, list] = defaultdict(list)
    for iri, source in data.sources.items():
        by_kind[source.kind].append(source_ref(data, iri, ""))
    groups = sorted(
        ((refs[0].kind_label, kind_key(kind), sorted(refs, key=lambda r: r.title.casefold())) for kind, refs in by_kind.items()),
        key=lambda g: -len(g[2]),
    )
    _paged(writer, "sources", "sources.html", "Sources", [(label, key, refs) for label, key, refs in groups])


def _paged(writer: Writer, stem: str, template: str, title: str, groups: list, **context: object) -> None:
    """A long list split into pages of :data:`PER_PAGE` items (``stem.html``, ``stem-2.html`` …), groups kept in order."""
    flat = [(label, key, item) for label, key, items in groups for item in items]
    chunks = [flat[i : i + PER_PAGE] for i in range(0, len(flat), PER_PAGE)] or [[]]
    names = [f"{stem}.html" if n == 0 else f"{stem}-{n + 1}.html" for n in range(len(chunks))]
    for n, chunk in enumerate(chunks):
        regrouped: list[tuple[str, str, list]] = []
        for label, key, item in chunk:
            if not regrouped or regrouped[-1][0] != label:
                regrouped.append((label, key, []))
            regrouped[-1][2].append(item)
        pages = [(i + 1, name.rsplit("/", 1)[-1]) for i, name in enumerate(names)]
        writer.page(names[n], template, groups=regrouped, title=title, pages=pages, current=n + 1, total=len(flat), **context)


def _class_pages(writer: Writer, data: SiteData) -> list[tuple[str, str, int]]:
    members: dict[str, set[str]] = defaultdict(set)
    for iri, types in data.entities.items():
        for cls in types:
            members[cls].add(iri)
    classes = []
    for cls, iris in sorted(members.items(), key=lambda kv: (-len(kv[1]), data.term_label(kv[0]))):
        label = data.term_label(cls)
        works = [rooted(work, "../") for work in site_works(data) if work.iri in iris]  # with their kinds, when and where
        listed = sorted(iris - {work.iri for work in works})
        items = sorted(
            ((data.label(i), data.names(i).get("ru", ""), resource_page(i), data.label_lang(i)) for i in listed),
            key=lambda t: t[0].casefold(),
        )
        stem = class_page(cls).removesuffix(".html")
        _paged(
            writer, stem, "class.html", label, [(label, "", items)], cls=cls, curie=compact(cls), works=works, members=len(iris)
        )
        classes.append((label, class_page(cls), len(iris)))
    return classes


def _home(writer: Writer, data: SiteData, pictures: Pictures, classes: list[tuple[str, str, int]]) -> None:
    kinds = Counter(source.kind for source in data.sources.values())
    facts: Counter[str] = Counter()
    for source in data.sources.values():
        facts[source.kind] += source.facts
    source_kinds = sorted(
        (
            (data.term_label(k) if k and k != "wikidata" else ("Wikidata" if k else "undeclared"), kind_key(k), n, facts[k])
            for k, n in kinds.items()
        ),
        key=lambda row: -row[2],
    )
    entries = []
    for heading, cls in ENTRY_CLASSES:
        found = sorted((data.label(i), resource_page(i)) for i, types in data.entities.items() if cls in types)
        if found:
            entries.append((heading, found[:12], len(found), class_page(cls)))
    film = str(SFR["the-challenge"])
    featured = None
    if film in data.entities:
        about = [d.shown.text for d in described(data, data.entity(film).out, "")[0] if d.shown.lang in ("en", "")]
        featured = (data.label(film), data.names(film).get("ru", ""), resource_page(film), about[0] if about else "")
    groups, announced = works_by_kind(data)
    work_pages = {class_page(t) for work in site_works(data) for t in data.entities[work.iri]}
    writer.page(
        "index.html",
        "home.html",
        work_groups=groups,
        announced=announced,
        work_classes=[row for row in classes if row[1] in work_pages],
        works_total=sum(len(works) for _, works in groups),
        works_in_space=sum(1 for _, works in groups for work in works if work.where),
        works_picture=pictures.works,
        title="Films made in space: the spacefilms knowledge graph",
        classes=classes,
        source_kinds=source_kinds,
        entries=entries,
        featured=featured,
        pictures=pictures.home,
        counts=(len(data.entities), len(data.sources), data.quads),
    )
