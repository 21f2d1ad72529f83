"""No figure is typed into a notebook or a prose file: every number comes from data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PROSE = sorted(
    p
    for folder in ("params/prose", "params/teks")
    for p in (ROOT / folder).rglob("*")
    if p.is_file()
)
NUMBER = re.compile(r"(?<![\w.])(\d+(?:[.,]\d+)?)(?![\w])")
# Allowed in the parameters cell only.
PARAM_DEFAULTS = re.compile(r'^\s*(year\s*=\s*\d{4}|kode_iku\s*=\s*"IKU-\d+")\s*(#.*)?$', re.M)
# Regulation citations, list numbering and headings may carry digits in prose.
CITATIONS = [
    re.compile(r"\bNomor\s+[\d.]+(?:-\d+)?/\d{4}\b"),
    re.compile(r"\bNomor\s+[\d.]+(?:-\d+)?\s+Tahun\s+\d{4}\b"),
    re.compile(r"\bNo\.\s*\d+\s+Tahun\s+\d{4}\b"),
    re.compile(r"^\s*\d+\.(?=\s)", re.M),
    re.compile(r"^\s*#.*$", re.M),
]


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _is_parameters(cell) -> bool:
    return "parameters" in (cell.get("metadata", {}).get("tags") or [])


def literal_numbers(text: str) -> list[str]:
    bad = []
    for m in NUMBER.finditer(text):
        token = m.group(1)
        if re.search(r"[.,]", token) or int(token) >= 10:
            bad.append(token)
    return bad


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_no_literal_figures(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    problems = []
    for i, cell in enumerate(nb["cells"]):
        text = _source(cell)
        if _is_parameters(cell):
            text = PARAM_DEFAULTS.sub("", text)
        found = literal_numbers(text)
        if found:
            problems.append(f"cell {i} ({cell['cell_type']}): {found}")
    assert not problems, f"{path.name}: literal figures\n" + "\n".join(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_committed_without_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{path.name} cell {i} has outputs"
            assert cell.get("execution_count") is None, f"{path.name} cell {i} execution_count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_one_parameters_cell(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if _is_parameters(c)]
    assert len(cells) == 1, f"{path.name}: {len(cells)} cells tagged parameters"
    assert re.search(r"^\s*year\s*=", _source(cells[0]), re.M)


@pytest.mark.parametrize("path", PROSE, ids=lambda p: str(p.relative_to(ROOT)))
def test_prose_has_no_digits(path):
    text = path.read_text(encoding="utf-8")
    for pattern in CITATIONS:
        text = pattern.sub(" ", text)
    lines = [line for line in text.splitlines() if re.search(r"\d", line)]
    assert not lines, f"{path.relative_to(ROOT)}: digits outside citations:\n" + "\n".join(lines)


def test_there_is_something_to_scan():
    assert len(NOTEBOOKS) >= 5
    assert PROSE
