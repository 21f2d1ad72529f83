"""The mapping of published tables to this report's tables (docs/tabel_terbitan.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.agensi_uji import contoh

# The subject is the example's own raw tables and published report, not the product.
pytestmark = contoh

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


def test_params_mapping_is_the_documented_one():
    """params/2017.yaml tabel_terbitan (what the audit uses) and this document agree."""
    from lkjip_helpers.indikator.params import load_params

    peta = load_params(2017).tahun.tabel_terbitan
    documented = {}
    for row in _rows():
        labels = tuple(x.strip() for x in row[2].split(",") if x.strip().startswith("tbl-"))
        if labels:
            documented[row[0]] = labels
    assert peta == documented


@pytest.mark.e2e
def test_audit_names_this_reports_tables_as_the_report_numbers_them(built_2017):
    """audit.csv's tabel_laporan holds the numbers the rendered report prints for the
    mapped tables (computed from the book, as the renderer numbers it)."""
    import html as html_lib

    import pandas as pd

    from lkjip_helpers.build.render import table_numbers
    from lkjip_helpers.data.audit import tabel_laporan
    from lkjip_helpers.indikator.params import load_params

    out = built_2017 / "outputs" / "2017"
    page = html_lib.unescape((out / "lkjip-2017.html").read_text(encoding="utf-8"))
    page = re.sub(r"\s+", " ", page)  # line breaks and no-break spaces
    printed = dict(
        re.findall(
            r'<table id="(tbl-[\w-]+)"[^>]*> ?<caption><span class="nomor-keterangan">'
            r"(Tabel\s[\w.]+?)\.</span>",
            page,
        )
    )
    numbers = table_numbers(out / "book")
    assert printed and printed == numbers
    audit = pd.read_csv(out / "audit.csv", dtype=str, keep_default_na=False)
    peta = load_params(2017).tahun.tabel_terbitan
    for row in audit.itertuples(index=False):
        expected = "; ".join(numbers[x] for x in tabel_laporan([row.tabel], peta))
        assert row.tabel_laporan == expected, row
    at_table = audit[audit["tabel"].str.startswith("Tabel")]
    assert (at_table["tabel_laporan"] != "").all()
    gap = audit[audit["tabel"] == "Tabel 3.5"]["tabel_laporan"]
    assert set(gap) == {numbers["tbl-iku-1-pendukung-3"]}
    # the appendix entry shows the same number, as a live cross-reference
    assert re.search(
        r"Tabel 3\.5 LKjIP terbitan; di laporan ini <a href=\"#tbl-iku-1-pendukung-3\">"
        + re.escape(numbers["tbl-iku-1-pendukung-3"]),
        page,
    )
