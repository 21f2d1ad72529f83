"""Tests of lkjip_helpers.data.audit: each rule, the printed precision, prose figures."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from lkjip_helpers.core.exceptions import ParamsError
from lkjip_helpers.data import audit
from lkjip_helpers.data.audit import AUDIT_COLUMNS, decimals_of, differs, run_audit
from lkjip_helpers.data.catalogue import TableSpec
from lkjip_helpers.data.validation import RawTable, validate_table

JENIS = {"type": "category", "allowed": ["rincian", "jumlah"]}


def raw(name: str, columns: dict, rows: dict[str, list[str]], **entry) -> RawTable:
    """A validated table from string cells and a catalogue entry."""
    spec = TableSpec(name=name, source=f"Tabel {name}", columns=columns, **entry)
    return validate_table(spec, Path(f"{name}.csv"), pd.DataFrame(rows, dtype=object))


def items(frame: pd.DataFrame, rule: str | None = None) -> list[str]:
    if rule is not None:
        frame = frame[frame["aturan"] == rule]
    return frame["item"].tolist()


# ------------------------------------------------------------------ precision


def test_decimals_of():
    assert decimals_of("2.38") == 2
    assert decimals_of("100") == 0
    assert decimals_of(" 55.0 ") == 1


@pytest.mark.parametrize(
    ("published", "recomputed", "expected"),
    [
        ("55", 54.76, False),
        ("2.38", 2.3809, False),
        ("380.95", 381.0, True),
        ("54", 54.76, True),
        ("2.38", 2.386, True),
    ],
)
def test_differs_at_printed_precision(published, recomputed, expected):
    assert differs(float(published), recomputed, decimals_of(published)) is expected


# ------------------------------------------------------------------ rules

PEGAWAI = {
    "golongan": {"type": "str"},
    "jenis_baris": JENIS,
    "jumlah_{tahun}": {"type": "int", "nullable": True},
    "persen_{tahun}": {"type": "float", "nullable": True},
}


def pegawai(**entry) -> RawTable:
    return raw(
        "pegawai",
        PEGAWAI,
        {
            "golongan": ["II/a", "III/a", "JUMLAH"],
            "jenis_baris": ["rincian", "rincian", "jumlah"],
            "jumlah_2016": ["1", "3", "4"],
            "jumlah_2017": ["2", "1", "4"],
            "persen_2016": ["25.00", "75", "100"],
            "persen_2017": ["66.67", "33.33", ""],
        },
        key=["golongan"],
        **entry,
    )


def test_sum_rows_without_group():
    t = pegawai(checks=[{"rule": "sum_rows", "columns": ["jumlah_{tahun}"]}])
    out = run_audit({"pegawai": t})
    assert items(out) == ["JUMLAH / jumlah: jumlah_2017"]
    row = out.iloc[0]
    assert (row.nilai_publikasi, row.nilai_hitung, row.selisih) == (4.0, 3.0, 1.0)
    assert row.tabel == "Tabel pegawai" and row.tabel_data == "pegawai"
    assert row.aturan == "sum_rows"


def test_sum_rows_with_group_and_where():
    t = raw(
        "opd",
        {"opd": {"type": "str"}, "jenis_baris": JENIS, "nilai": {"type": "int"}},
        {
            "opd": ["A", "A", "A", "B", "B", "B", "SEMUA OPD"],
            "jenis_baris": ["rincian", "rincian", "jumlah"] * 2 + ["jumlah"],
            "nilai": ["1", "2", "3", "5", "5", "11", "99"],
        },
        checks=[
            {
                "rule": "sum_rows",
                "columns": ["nilai"],
                "group": "opd",
                "where": "opd != 'SEMUA OPD'",
            }
        ],
    )
    out = run_audit({"opd": t})
    assert len(out) == 1
    assert out.iloc[0].nilai_publikasi == 11 and out.iloc[0].nilai_hitung == 10
    assert out.iloc[0]["item"].endswith("jumlah: nilai")


def test_sum_rows_with_parts_and_total_queries():
    t = raw(
        "q",
        {"uraian": {"type": "str"}, "nilai": {"type": "float"}},
        {"uraian": ["a", "b", "total"], "nilai": ["1.5", "2.5", "4.0"]},
        key=["uraian"],
        checks=[
            {
                "rule": "sum_rows",
                "columns": ["nilai"],
                "parts": "uraian != 'total'",
                "total": "uraian == 'total'",
            }
        ],
    )
    assert run_audit({"q": t}).empty


def test_sum_columns():
    t = raw(
        "k",
        {
            "nama": {"type": "str"},
            "a_{tahun}": {"type": "int"},
            "b_{tahun}": {"type": "int"},
            "total_{tahun}": {"type": "int"},
        },
        {
            "nama": ["x", "y"],
            "a_2017": ["1", "2"],
            "b_2017": ["2", "2"],
            "total_2017": ["3", "5"],
        },
        key=["nama"],
        checks=[
            {"rule": "sum_columns", "result": "total_{tahun}", "parts": ["a_{tahun}", "b_{tahun}"]}
        ],
    )
    out = run_audit({"k": t})
    assert items(out) == ["y: total_2017"]
    assert out.iloc[0].nilai_hitung == 4


def test_ratio_at_printed_precision():
    t = raw(
        "anggaran",
        {
            "uraian": {"type": "str"},
            "pagu": {"type": "float"},
            "realisasi": {"type": "float"},
            "persen": {"type": "float"},
        },
        {
            "uraian": ["A", "B", "C", "D"],
            "pagu": ["100", "42", "210", "0"],
            "realisasi": ["54.76", "1", "800", "5"],
            "persen": ["55", "2.38", "380.95", "1"],
        },
        key=["uraian"],
        checks=[
            {"rule": "ratio", "result": "persen", "numerator": "realisasi", "denominator": "pagu"}
        ],
    )
    out = run_audit({"anggaran": t})
    # 54.76 prints as 55; 1/42 = 2.3809 prints as 2.38; 800/210 = 380.952 prints as
    # 380.95; D divides by zero and is skipped
    assert out.empty
    # 800.1/210 = 381.0 is not the printed 380.95
    t.frame.loc[2, "realisasi"] = 800.1
    out = run_audit({"anggaran": t})
    assert items(out) == ["C: persen"]


def test_share_of_total_uses_printed_total():
    t = pegawai(
        checks=[{"rule": "share_of_total", "value": "jumlah_{tahun}", "result": "persen_{tahun}"}]
    )
    out = run_audit({"pegawai": t})
    # 2017 total printed 4 (rows sum to 3): shares against 4 are 50 and 25
    assert items(out) == ["II/a: persen_2017", "III/a: persen_2017"]
    assert out["nilai_hitung"].tolist() == [50.0, 25.0]


def test_share_of_total_without_printed_total_uses_sum():
    t = raw(
        "s",
        {
            "nama": {"type": "str"},
            "jenis_baris": JENIS,
            "n": {"type": "int"},
            "p": {"type": "float"},
        },
        {"nama": ["a", "b"], "jenis_baris": ["rincian"] * 2, "n": ["1", "3"], "p": ["25", "70"]},
        key=["nama"],
        checks=[{"rule": "share_of_total", "value": "n", "result": "p"}],
    )
    out = run_audit({"s": t})
    assert items(out) == ["b: p"]
    assert out.iloc[0].nilai_hitung == 75.0


def test_difference():
    t = raw(
        "d",
        {
            "nama": {"type": "str"},
            "target_{tahun}": {"type": "float"},
            "realisasi_{tahun}": {"type": "float"},
            "selisih_{tahun}": {"type": "float"},
        },
        {
            "nama": ["a", "b"],
            "target_2017": ["10", "10"],
            "realisasi_2017": ["8.5", "7"],
            "selisih_2017": ["1.5", "2"],
        },
        key=["nama"],
        checks=[
            {
                "rule": "difference",
                "result": "selisih_{tahun}",
                "minuend": "target_{tahun}",
                "subtrahend": "realisasi_{tahun}",
            }
        ],
    )
    out = run_audit({"d": t})
    assert items(out) == ["b: selisih_2017"]
    assert out.iloc[0].selisih == -1.0


def test_missing_jenis_baris_is_params_error():
    t = raw(
        "x",
        {"nama": {"type": "str"}, "n": {"type": "int"}},
        {"nama": ["a"], "n": ["1"]},
        checks=[{"rule": "sum_rows", "columns": ["n"]}],
    )
    with pytest.raises(ParamsError, match="needs a jenis_baris column"):
        run_audit({"x": t})


def test_missing_option_is_params_error():
    t = raw(
        "x",
        {"nama": {"type": "str"}, "n": {"type": "int"}},
        {"nama": ["a"], "n": ["1"]},
        checks=[{"rule": "ratio", "numerator": "n", "denominator": "n"}],
    )
    with pytest.raises(ParamsError, match=r"tables\.x\.checks \(ratio\).*'result'"):
        run_audit({"x": t})


def test_same_values_wide_and_text_columns():
    cols = {"nama": {"type": "str"}, "ket": {"type": "str"}, "n_{tahun}": {"type": "int"}}
    check = {"rule": "same_values", "other": "b", "columns": ["n_{tahun}", "ket"]}
    a = raw(
        "a",
        cols,
        {"nama": ["x", "y"], "ket": ["Baik  Sekali", "cukup"], "n_2017": ["1", "2"]},
        key=["nama"],
        checks=[check],
    )
    b = raw(
        "b",
        cols,
        {"nama": ["x", "y"], "ket": ["baik sekali", "kurang"], "n_2017": ["1", "3"]},
        key=["nama"],
    )
    out = run_audit({"a": a, "b": b})
    # 'Baik  Sekali' and 'baik sekali' agree (case and spacing are not content)
    assert items(out) == ["y: n_2017", "y: ket"]
    text_row = out[out["item"] == "y: ket"].iloc[0]
    assert (text_row.nilai_publikasi, text_row.nilai_hitung) == ("cukup", "kurang")
    assert pd.isna(text_row.selisih)
    assert set(out["keterangan"]) == {"dibandingkan dengan Tabel b"}
    # the other table absent: nothing to compare
    assert run_audit({"a": a}).empty


def test_same_values_long_mode_on_tahun():
    check = {
        "rule": "same_values",
        "other": "riwayat",
        "columns": ["jumlah"],
        "on": ["tahun", "jenis_baris"],
        "where": "jenis_baris == 'jumlah'",
    }
    t = pegawai(
        tidy={"id": ["golongan", "jenis_baris"], "stubs": ["jumlah", "persen"]}, checks=[check]
    )
    riwayat = raw(
        "riwayat",
        {"tahun": {"type": "int"}, "jenis_baris": JENIS, "jumlah": {"type": "int"}},
        {"tahun": ["2016", "2017"], "jenis_baris": ["jumlah", "jumlah"], "jumlah": ["4", "3"]},
        key=["tahun"],
    )
    out = run_audit({"pegawai": t, "riwayat": riwayat})
    assert items(out) == ["2017 / jumlah: jumlah"]
    assert (out.iloc[0].nilai_publikasi, out.iloc[0].nilai_hitung) == (4.0, 3.0)


def test_corrections_filtered_by_year():
    corrections = [
        {"published": "2018", "used": "2017", "where": "kolom 4", "reason": "r", "tahun": 2017},
        {"published": "2019", "used": "2018", "where": "kolom 5", "tahun": 2018},
        {"published": "x", "used": "y"},
    ]
    t = pegawai(corrections=corrections)
    assert items(run_audit({"pegawai": t}, year=2017)) == ["kolom 4", "judul kolom"]
    assert items(run_audit({"pegawai": t}, year=2018)) == ["kolom 5", "judul kolom"]
    assert len(run_audit({"pegawai": t})) == 3
    row = run_audit({"pegawai": t}, year=2017).iloc[0]
    assert (row.nilai_publikasi, row.nilai_hitung, row.keterangan) == ("2018", "2017", "r")
    assert row.aturan == "koreksi_header"


# ------------------------------------------------------------------ prose figures

ANGKA = {
    "id": {"type": "str"},
    "lokasi": {"type": "str"},
    "uraian": {"type": "str"},
    "nilai_publikasi": {"type": "float"},
    "rumus": {"type": "str"},
    "a": {"type": "str"},
    "b": {"type": "str", "nullable": True},
}


def angka(rows: list[tuple[str, str, str, str]]) -> RawTable:
    return raw(
        "angka_publikasi",
        ANGKA,
        {
            "id": [f"A{i}" for i in range(len(rows))],
            "lokasi": ["Bab III"] * len(rows),
            "uraian": [f"angka {i}" for i in range(len(rows))],
            "nilai_publikasi": [r[0] for r in rows],
            "rumus": [r[1] for r in rows],
            "a": [r[2] for r in rows],
            "b": [r[3] for r in rows],
        },
        key=["id"],
    )


def anggaran() -> RawTable:
    return raw(
        "anggaran",
        {"uraian": {"type": "str"}, "pagu": {"type": "float"}, "realisasi": {"type": "float"}},
        {"uraian": ["BL", "BTL"], "pagu": ["200", "100"], "realisasi": ["150", "90"]},
        key=["uraian"],
    )


def test_prose_figures():
    bl = 'anggaran.realisasi[uraian == "BL"]'
    pagu_bl = "anggaran.pagu[uraian == 'BL']"
    a = angka(
        [
            ("150", "value", bl, ""),
            ("75.00", "ratio", bl, pagu_bl),
            ("50", "difference", pagu_bl, bl),
            ("-40", "pct_change", "anggaran.pagu[uraian == 'BL']", "120"),
            ("300", "sum", "anggaran.pagu", "anggaran.pagu[uraian == 'XX']"),
            ("241", "sum", "anggaran.realisasi", "1"),  # 240 + 1 = 241
            ("151", "value", bl, ""),  # wrong: a finding
            ("33.3", "ratio", "1", "3"),  # 33.33.. prints 33.3
            ("80", "ratio", "anggaran.realisasi[uraian == 'XX']", "5"),  # no rows: skipped
        ]
    )
    out = audit.findings_frame(audit.audit_prose_figures(a, {"anggaran": anggaran()}))
    assert list(out.columns) == AUDIT_COLUMNS
    assert items(out) == ["angka 6"]
    row = out.iloc[0]
    assert (row.nilai_publikasi, row.nilai_hitung, row.selisih) == (151.0, 150.0, 1.0)
    assert (row.tabel, row.aturan, row.keterangan) == ("Bab III", "angka_publikasi", "A6")


def test_prose_figures_run_by_run_audit():
    a = angka([("1", "value", "anggaran.pagu[uraian == 'BTL']", "")])
    out = run_audit({"anggaran": anggaran(), "angka_publikasi": a})
    assert items(out) == ["angka 0"]
    assert out.iloc[0].nilai_hitung == 100.0


@pytest.mark.parametrize(
    ("operand", "message"),
    [
        ("anggaran pagu", "is not table.column"),
        ("nope.pagu", "no table 'nope'"),
        ("anggaran.nope", "no column 'nope'"),
    ],
)
def test_bad_operand_is_params_error(operand, message):
    a = angka([("1", "value", operand, "")])
    with pytest.raises(ParamsError, match=message):
        audit.audit_prose_figures(a, {"anggaran": anggaran()})


def test_unknown_formula_is_params_error():
    a = angka([("1", "mean", "1", "2")])
    with pytest.raises(ParamsError, match="rumus 'mean'"):
        audit.audit_prose_figures(a, {})


def test_findings_frame_columns():
    empty = audit.findings_frame([])
    assert list(empty.columns) == AUDIT_COLUMNS and empty.empty
    f = audit.Finding("T", "i", 1.0, 2.0, -1.0, "ratio", "t")
    assert list(audit.findings_frame([f]).columns) == AUDIT_COLUMNS
    assert list(run_audit({}).columns) == AUDIT_COLUMNS
