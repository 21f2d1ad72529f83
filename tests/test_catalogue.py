"""Tests of lkjip_helpers.data.catalogue: parsing, error messages naming keys, patterns."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from lkjip_helpers.core import config
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


def write_catalogue(tmp_path: Path, tables, extends: str | None = "none") -> Path:
    """A catalogue file; standalone by default (``extends: none``), as the parser's tests need."""
    path = tmp_path / "catalogue.yaml"
    data = {"tables": tables} if extends is None else {"extends": extends, "tables": tables}
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
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
    # the newest year of the repository's agency (2017 for the example)
    folder = ROOT / "data" / "raw" / str(max(config.tahun_di(ROOT / "data" / "raw")))
    specs = list(cat)
    assert len(specs) > 10
    missing = [s.file for s in specs if s.required and find_raw_file(folder, s.file) is None]
    assert missing == []
    for spec in specs:
        for check in spec.checks:
            assert check["rule"] in catalogue.CHECK_RULES


# ---------------------------------------------------------------- base catalogue


def test_an_agency_catalogue_extends_the_base_by_default(tmp_path):
    base = yaml.safe_load(catalogue.BASE_FILE.read_text(encoding="utf-8"))["tables"]
    cat = load_catalogue(write_catalogue(tmp_path, MINIMAL, extends=None))
    assert list(cat.tables) == [*base, "pegawai"]  # base first, then the agency's own
    assert cat["realisasi_iku"].required and cat["anggaran_belanja"].checks
    standalone = load_catalogue(write_catalogue(tmp_path, MINIMAL, extends="none"))
    assert list(standalone.tables) == ["pegawai"]


def test_an_empty_agency_catalogue_is_the_base(tmp_path):
    path = tmp_path / "catalogue.yaml"
    path.write_text("tables: {}\n", encoding="utf-8")
    assert len(load_catalogue(path).tables) == len(
        yaml.safe_load(catalogue.BASE_FILE.read_text())["tables"]
    )


def test_the_base_catalogue_describes_the_tables_every_lkjip_has():
    base = yaml.safe_load(catalogue.BASE_FILE.read_text(encoding="utf-8"))["tables"]
    for table in (
        "pk_target",
        "pk_program_anggaran",
        "realisasi_iku",
        "renstra_target",
        "anggaran_belanja",
        "realisasi_belanja",
        "kegiatan_sasaran",
        "pns_golongan",
    ):
        assert base[table]["required"] is True, table
    assert "sumber_data" in base["realisasi_iku"]["columns"]  # the evidence of a realisasi


def test_merge_rule_overrides_columns_and_extends_checks(tmp_path):
    own = {
        "realisasi_iku": {
            "source": "Tabel 3.1",
            "columns": {
                "kode_iku": {"type": "category", "allowed": ["IKU-1", "IKU-2"]},
                "sumber_data": None,  # removed
                "bukti": {"type": "str", "nullable": True},  # added after the base's
            },
            "checks": [{"rule": "sum_columns", "result": "realisasi", "parts": ["realisasi"]}],
            "note": "own note",
        },
        "pns_eselon": None,  # this agency has no eselon table
        "anggaran_belanja": {"base_checks": False, "required": False},
        "pegawai": MINIMAL["pegawai"],
    }
    cat = load_catalogue(write_catalogue(tmp_path, own, extends="dasar"))
    (tmp_path / "x").mkdir()
    base = load_catalogue(write_catalogue(tmp_path / "x", {}, extends=None))
    iku, base_iku = cat["realisasi_iku"], base["realisasi_iku"]
    assert iku.source == "Tabel 3.1" and iku.note == "own note"
    assert iku.title == base_iku.title and iku.key == base_iku.key  # not named: from the base
    assert [c.name for c in iku.columns] == [
        c.name for c in base_iku.columns if c.name != "sumber_data"
    ] + ["bukti"]
    assert iku.spec_for("kode_iku").allowed == ("IKU-1", "IKU-2")
    assert iku.checks == (*base_iku.checks, own["realisasi_iku"]["checks"][0])
    assert "pns_eselon" not in cat.tables and "pns_eselon" in base.tables
    assert cat["anggaran_belanja"].checks == () and cat["anggaran_belanja"].required is False
    # order: base tables the agency does not name, then the agency file's order
    assert list(cat.tables)[-3:] == ["realisasi_iku", "anggaran_belanja", "pegawai"]


def test_a_bad_extends_value_is_a_clear_error(tmp_path):
    with pytest.raises(ParamsError, match="extends"):
        load_catalogue(write_catalogue(tmp_path, MINIMAL, extends="induk"))


def test_the_example_uses_the_base_for_its_standard_tables():
    own = yaml.safe_load((ROOT / "data" / "raw" / "catalogue.yaml").read_text(encoding="utf-8"))
    assert own.get("extends", "dasar") == "dasar"
    if "anggaran_belanja" not in (own.get("tables") or {}):
        return  # another agency that does not override it at all
    entry = own["tables"]["anggaran_belanja"]
    assert "columns" not in entry and "checks" not in entry  # all of it comes from the base
