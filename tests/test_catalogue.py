"""Tests of lkjip_helpers.data.catalogue: parsing, error messages naming keys, patterns."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from lkjip_helpers.core.exceptions import ParamsError
from lkjip_helpers.data import catalogue
from lkjip_helpers.data.catalogue import ColumnSpec, TableSpec, load_catalogue
from lkjip_helpers.data.io import find_raw_file

ROOT = Path(__file__).resolve().parent.parent

MINIMAL = {
    "pegawai": {
        "file": "pegawai_file",
        "source": "Tabel 1.2",
        "title": "Pegawai",
        "key": ["golongan"],
        "columns": {
            "golongan": {"type": "str"},
            "jenis_baris": {"type": "category", "allowed": ["rincian", "jumlah"]},
            "jumlah_{tahun}": {"type": "int", "min": 0, "nullable": True},
        },
        "tidy": {"id": ["golongan"], "stubs": ["jumlah"]},
        "checks": [{"rule": "sum_rows", "columns": ["jumlah_{tahun}"]}],
    }
}


def write_catalogue(tmp_path: Path, tables) -> Path:
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump({"tables": tables}), encoding="utf-8")
    return path


def with_entry(**changes) -> dict:
    entry = {k: v for k, v in MINIMAL["pegawai"].items()}
    for key, value in changes.items():
        if value is None:
            entry.pop(key)
        else:
            entry[key] = value
    return {"pegawai": entry}


def test_minimal_catalogue_loads(tmp_path):
    cat = load_catalogue(write_catalogue(tmp_path, MINIMAL))
    spec = cat["pegawai"]
    assert spec.file == "pegawai_file"
    assert spec.source == "Tabel 1.2"
    assert spec.unit == "" and spec.subject == "pegawai" and spec.required is True
    assert spec.key == ("golongan",)
    assert [c.name for c in spec.columns] == ["golongan", "jenis_baris", "jumlah_{tahun}"]
    jumlah = spec.columns[2]
    assert jumlah.type == "int" and jumlah.min == 0 and jumlah.nullable and jumlah.is_pattern
    assert spec.columns[1].allowed == ("rincian", "jumlah")
    assert [s.name for s in cat] == ["pegawai"]
    with pytest.raises(ParamsError, match="no table named 'nope'"):
        cat["nope"]


def column(**spec) -> dict:
    return with_entry(columns={"x": spec})


@pytest.mark.parametrize(
    ("tables", "key", "message"),
    [
        (column(type="decimal"), "tables.pegawai.columns.x.type", "not one of"),
        (column(type="category"), "tables.pegawai.columns.x.allowed", "allowed values"),
        (column(type="int", maximum=3), "tables.pegawai.columns.x", "unknown key(s) maximum"),
        (with_entry(columns={"x": "int"}), "tables.pegawai.columns.x", "expected a mapping"),
        (
            with_entry(checks=[{"rule": "sum_everything"}]),
            "tables.pegawai.checks[0].rule",
            "'sum_everything' is not one of",
        ),
        (with_entry(checks=["sum_rows"]), "tables.pegawai.checks[0]", "expected a mapping"),
        (with_entry(source=None), "tables.pegawai.source", "missing"),
        (with_entry(columns=None), "tables.pegawai.columns", "missing"),
        (with_entry(tidy=["jumlah"]), "tables.pegawai.tidy", "expected a mapping"),
        ({"pegawai": ["not", "a", "mapping"]}, "tables.pegawai", "expected a mapping"),
        ({}, "tables", "non-empty mapping"),
        (with_entry(extra_key=1), "tables.pegawai", "unknown key(s) extra_key; allowed: checks"),
        (with_entry(required="x"), "tables.pegawai.required", "expected true or false, got 'x'"),
    ],
)
def test_errors_name_the_key(tmp_path, tables, key, message):
    with pytest.raises(ParamsError) as info:
        load_catalogue(write_catalogue(tmp_path, tables))
    text = str(info.value)
    assert "catalogue.yaml" in text
    assert f"{key}:" in text
    assert message in text


def test_year_pattern_matches_four_digits_only():
    spec = ColumnSpec("jumlah_{tahun}", "int")
    assert spec.matches("jumlah_2017")
    assert not spec.matches("jumlah_17")
    assert not spec.matches("jumlah_2017x")
    assert not spec.matches("xjumlah_2017")
    assert spec.regex().match("jumlah_2016").group("tahun") == "2016"
    plain = ColumnSpec("jumlah", "int")
    assert plain.matches("jumlah") and not plain.matches("jumlah_2017")


def test_spec_for_prefers_exact_names_over_patterns(tmp_path):
    spec = TableSpec(
        name="t",
        source="Tabel 9",
        columns={"nilai_{tahun}": {"type": "float"}, "nilai_2017": {"type": "str"}},
    )
    assert spec.spec_for("nilai_2017").type == "str"
    assert spec.spec_for("nilai_2016").type == "float"
    assert spec.spec_for("nilai") is None


def test_check_rules_cover_the_auditor():
    from lkjip_helpers.data.audit import _Auditor

    assert all(hasattr(_Auditor, rule) for rule in catalogue.CHECK_RULES)


def test_shipped_catalogue_loads_and_required_files_exist():
    cat = load_catalogue(ROOT / "data" / "raw" / "catalogue.yaml")
    folder = ROOT / "data" / "raw" / "2017"
    specs = list(cat)
    assert len(specs) > 10
    missing = [s.file for s in specs if s.required and find_raw_file(folder, s.file) is None]
    assert missing == []
    for spec in specs:
        for check in spec.checks:
            assert check["rule"] in catalogue.CHECK_RULES
