"""Diagrams and timelines in Russian: the words around the data (titles, subtitles, legends, headings, kinds, dates)
come from the table ``spacefilms/diagrams/wording.tsv``, not only the labels (issue 25)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import spacefilms.diagrams

TABLE = Path(spacefilms.diagrams.__file__).with_name("wording.tsv")


def english_words() -> list[re.Pattern]:
    """Each English string of the table that has a different Russian one, as a pattern (its {fields} match anything)."""
    rows = [line.split("\t") for line in TABLE.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    found = []
    for en, ru in (row[:2] for row in rows[1:] if len(row) > 1):
        parts = re.split(r"\{\w+\}", en.strip())
        words = re.search(r"[a-z]{2}", "".join(parts))  # not a date format, not a month (checked as dates below)
        if ru and ru != en and words and not re.fullmatch(r"[A-Z][a-z]+", en):
            found.append(re.compile(r"(?<![A-Za-z])" + ".+".join(map(re.escape, parts)) + r"(?![A-Za-z])"))
    return found


def texts_of(svg: Path) -> list[str]:
    return ["".join(t.itertext()) for t in ET.parse(svg).getroot().iter("{http://www.w3.org/2000/svg}text")]


@pytest.mark.parametrize(
    ("args", "russian"),
    [
        (("diagram", "film-world"), ["Мир фильма «Вызов»: актёры, съёмочная группа и компании", "человек", "режиссёр"]),
        (("diagram", "race"), ["Гонка за съёмки в космосе: «Вызов» против проекта", "соперничал с", "организация"]),
        (("diagram", "flights"), ["Кто улетел, кто вернулся:", "улетел на", "вернулся на"]),
        (("diagram", "organisations"), ["Организации и их люди", "руководитель", "член / связан с"]),
        (("timeline",), ["Гонка за съёмки в космосе: события по датам", "запуск", "источники расходятся: показана каждая дата"]),
        (("timeline", "--works"), ["Съёмки в космосе: каждое произведение", "фильм IMAX", "дан месяц или год (весь период)"]),
    ],
    ids=lambda v: "-".join(v) if isinstance(v, tuple) else None,
)
def test_russian_pictures_have_russian_titles_legends_and_dates(cli, tmp_path, args, russian) -> None:
    output = tmp_path / "picture.svg"
    result = cli(*args, "--lang", "ru", "-o", str(output))
    assert result.exit_code == 0, result.output
    texts = texts_of(output)
    joined = "\n".join(texts)
    assert all(word in joined for word in russian), [w for w in russian if w not in joined]
    assert re.search(r"Данные на \d{1,2} [а-я]+ \d{4} г\.", joined)  # the data's date in Russian form
    english = [(text, pattern.pattern) for text in texts for pattern in english_words() if pattern.search(text)]
    assert english == []
    months = re.compile(r"\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b")
    assert not [text for text in texts if months.search(text)]


def test_english_stays_the_default(cli, tmp_path) -> None:
    output = tmp_path / "timeline.svg"
    assert cli("timeline", "-o", str(output)).exit_code == 0
    joined = "\n".join(texts_of(output))
    assert "The race to film in space: dated milestones" in joined and "sources differ: each date shown" in joined
    assert re.search(r"Data as of \d{4}-\d{2}-\d{2} · spacefilms knowledge graph · \d+ milestones of \d+ projects", joined)
