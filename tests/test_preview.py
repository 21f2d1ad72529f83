"""Tests of lkjip_helpers.build.preview: one chapter to HTML through the build cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from lkjip_helpers.build.pipeline import plan_build
from lkjip_helpers.build.preview import find_chapter, preview
from lkjip_helpers.core.exceptions import BuildError
from tests.agensi_uji import TAHUN

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def chapters(monkeypatch):
    monkeypatch.setenv("LKJIP_ROOT", str(ROOT))
    return plan_build(TAHUN)


@pytest.mark.parametrize(
    "name",
    ["bab3", "3", "III", "Bab III", "akuntabilitas kinerja", "03_iku.ipynb", "03_anggaran"],
)
def test_find_chapter_by_id_number_title_or_notebook(chapters, name):
    index, ch = find_chapter(chapters, name)
    assert ch.id == "bab3" and chapters[index] is ch


def test_unknown_chapter_lists_the_chapters(chapters):
    with pytest.raises(BuildError, match=r"no chapter 'bab9'.*bab1 \(Pendahuluan\)"):
        find_chapter(chapters, "bab9")


def test_preview_does_nothing_inside_a_build(monkeypatch):
    monkeypatch.setenv("LKJIP_BUILD", "1")
    assert preview("bab3", TAHUN) is None


@pytest.mark.e2e
def test_preview_shows_a_prose_edit_and_stops_on_a_renamed_heading(repo_copy, capsys):
    first = preview("bab2", TAHUN)
    html = first.html.read_text(encoding="utf-8")
    assert first.html == repo_copy / "outputs" / "preview" / str(TAHUN) / "bab2.html"
    assert "BAB\u00a0II" in html or "BAB II" in html  # numbered at its place in the book
    assert "Tabel 2.1" in html.replace("\u00a0", " ")
    assert "{#" not in html
    assert f"outputs/preview/{TAHUN}/bab2.html" in capsys.readouterr().out

    prose = repo_copy / "params" / "prose" / str(TAHUN) / "perencanaan.md"
    text = prose.read_text(encoding="utf-8")
    prose.write_text(text.replace("\n\n", "\n\nKALIMAT-BARU-PRATINJAU.\n\n", 1), encoding="utf-8")
    second = preview("bab2", TAHUN)
    assert second.stats.executed == ["02_perencanaan"]  # the rest of the chapter is cached
    assert "KALIMAT-BARU-PRATINJAU" in second.html.read_text(encoding="utf-8")

    prose.write_text(
        text.replace("## Perjanjian Kinerja", "## Perjanjian kinerja 2017"), encoding="utf-8"
    )
    with pytest.raises(BuildError) as info:
        preview("bab2", TAHUN)
    message = str(info.value)
    assert f"params/prose/{TAHUN}/perencanaan.md" in message
    assert "no section '## Perjanjian Kinerja'" in message
    assert "'## Perjanjian kinerja 2017' (line" in message
