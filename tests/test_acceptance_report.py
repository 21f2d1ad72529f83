"""Acceptance: the 2017 report is what the committed expectations say it is.

``capaian_iku.csv``, ``audit.csv`` and the report text (the stitched chapter
Markdown of ``outputs/2017/book/``, volatile bits normalised) are compared with
``tests/acceptance/2017/``. A change that is meant to alter the report or the
audit updates the expectations explicitly (see ``tests/acceptance/README.md``)::

    LKJIP_UPDATE_EXPECTED=1 .venv/bin/python -m pytest tests/test_acceptance_report.py
    # or: make expected

and the reviewer sees the change in the diff of the expectations.
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

import pytest

from tests.agensi_uji import TAHUN

pytestmark = pytest.mark.e2e

YEAR = TAHUN  # the agency's report year (the example's 2017)
#: The agency's report snapshots; another agency writes its own or leaves them out.
EXPECTED = Path(__file__).parent / "acceptance" / str(YEAR)
UPDATE = os.environ.get("LKJIP_UPDATE_EXPECTED", "") not in ("", "0")
# Embedded images (base64) and figure files: their bytes depend on matplotlib's
# build and fonts, not on the report's content (the figures' data is in the text).
_DATA_URI = re.compile(r"data:image/[a-z+]+;base64,[A-Za-z0-9+/=\s]+")


def report_text(book: Path) -> str:
    """The chapters of a stitched book, in book order, as one normalised text."""
    import yaml

    quarto = yaml.safe_load((book / "_quarto.yml").read_text(encoding="utf-8"))
    parts = []
    for name in quarto["book"]["chapters"]:
        text = (book / name).read_text(encoding="utf-8")
        text = _DATA_URI.sub("data:image/png;base64,...", text)
        parts.append(f"<!-- file: {name} -->\n{text.rstrip()}\n")
    return "\n".join(parts)


def _compare(name: str, actual: str) -> None:
    path = EXPECTED / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    if not EXPECTED.is_dir():
        pytest.skip(
            f"tests/acceptance/{YEAR}/ absent: this agency keeps no report snapshot "
            "(README, 'Another agency: tests'; create it with `make expected`)"
        )
    if not path.exists():
        pytest.fail(f"{path} is missing; create it with LKJIP_UPDATE_EXPECTED=1 (make expected)")
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                fromfile=f"expected/{name}",
                tofile=f"built/{name}",
                n=2,
            )
        )
        limit = 8000
        shown = diff if len(diff) <= limit else diff[:limit] + "\n... (diff truncated)\n"
        pytest.fail(
            f"{name} differs from the committed expectation.\n{shown}\n"
            "If the change is intended, update the expectations: "
            "LKJIP_UPDATE_EXPECTED=1 .venv/bin/python -m pytest tests/test_acceptance_report.py "
            "(or `make expected`) and commit tests/acceptance/.",
            pytrace=False,
        )


@pytest.mark.parametrize("name", ["capaian_iku.csv", "audit.csv"])
def test_csv_outputs_unchanged(built_2017, name):
    actual = (built_2017 / "outputs" / str(YEAR) / name).read_text(encoding="utf-8")
    _compare(name, actual)


def test_report_text_unchanged(built_2017):
    _compare("laporan.md", report_text(built_2017 / "outputs" / str(YEAR) / "book"))


def test_report_text_normalises_only_images(tmp_path):
    """The normalisation hides image bytes, nothing else."""
    book = tmp_path / "book"
    book.mkdir()
    (book / "_quarto.yml").write_text("book:\n  chapters: [index.md, 01-a.md]\n", encoding="utf-8")
    (book / "index.md").write_text("# Kata Pengantar\n\nAngka 473.\n", encoding="utf-8")
    (book / "01-a.md").write_text(
        "![Judul](data:image/png;base64,iVBORw0KGgo=){#fig-x}\n", encoding="utf-8"
    )
    text = report_text(book)
    assert "Angka 473." in text
    assert "iVBORw0KGgo" not in text and "![Judul](data:image/png;base64,...){#fig-x}" in text
    assert text.index("index.md") < text.index("01-a.md")
