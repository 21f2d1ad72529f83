"""The mapping of published tables to this report's tables (docs/tabel_terbitan.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "tabel_terbitan.md"


def _rows() -> list[list[str]]:
    rows = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("| Tabel "):
            rows.append([c.strip() for c in line.strip("|").split("|")])
    return rows


def test_every_catalogued_published_table_is_mapped():
    catalogue = yaml.safe_load((ROOT / "data" / "raw" / "catalogue.yaml").read_text())
    named = set()
    for entry in catalogue["tables"].values():
        named.update(re.findall(r"Tabel \d+\.\d+", str(entry.get("source", ""))))
    mapped = {r[0] for r in _rows()}
    assert named, "the catalogue names no published table"
    assert named <= mapped, sorted(named - mapped)


def test_every_row_names_a_place():
    for row in _rows():
        label, nomor = row[2], row[3]
        assert label != "—" or nomor == "text", row
        for lab in filter(None, (x.strip() for x in label.split(","))):
            assert lab == "—" or re.fullmatch(r"tbl-[a-z0-9-]+", lab), row


@pytest.mark.e2e
def test_mapped_labels_exist_in_the_built_report(built_2017):
    book = built_2017 / "outputs" / "2017" / "book"
    labels = set()
    for p in book.glob("*.md"):
        labels.update(re.findall(r"\{#(tbl-[A-Za-z0-9_-]+)", p.read_text(encoding="utf-8")))
    for row in _rows():
        for lab in (x.strip() for x in row[2].split(",")):
            if lab.startswith("tbl-"):
                assert lab in labels, row
