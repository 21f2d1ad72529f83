"""Tests of lkjip_helpers.data.audit: each rule, the printed precision, prose figures."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lkjip_helpers.core.exceptions import ParamsError
from lkjip_helpers.data import audit
from lkjip_helpers.data.audit import (
    AUDIT_COLUMNS,
    PENYAJIAN,
    Interval,
    combine,
    decimals_of,
    differs,
    run_audit,
    same_printed,
    summary_counts,
    truncated,
)
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


def test_printed_input_is_an_interval():
    # 19.05 stands for [19.045, 19.055]: 19.05 / 5 covers 380.9 .. 381.1, so the
    # printed 380.95 (= 19.0476 / 5 from the counts) is not a finding
    realisasi = Interval.printed(19.05, 2)
    assert (realisasi.lo, realisasi.hi) == pytest.approx((19.045, 19.055))
    capaian = combine(lambda r, t: r / t * 100, realisasi, Interval.printed(5, 0))
    assert not differs(380.95, capaian, 2)
    assert differs(380.0, capaian, 0) and truncated(380.0, capaian, 0)
    # a whole number is exact: 21 - 17 is 4, not 3..5
    assert (Interval.printed(21, 0) - Interval.printed(17, 0)) == Interval.exact(4)


def test_same_printed():
    assert same_printed(110, 0, 110.33, 2)
    assert same_printed(99.4, 1, 99.40, 2)
    assert not same_printed(99.0, 2, 99.4, 2)
    assert not same_printed(2, 0, 3, 0)


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
            "uraian": ["A", "B", "C"],
            "pagu": ["100", "42", "210"],
            "realisasi": ["54.76", "1", "800"],
            "persen": ["55", "2.38", "380.95"],
        },
        key=["uraian"],
        checks=[
            {"rule": "ratio", "result": "persen", "numerator": "realisasi", "denominator": "pagu"}
        ],
    )
    out = run_audit({"anggaran": t})
    # 54.76 prints as 55; 1/42 = 2.3809 prints as 2.38; 800/210 = 380.952 prints as 380.95
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
    assert row.aturan == "koreksi_header" and row.jenis == PENYAJIAN
    assert row.temuan == "P01"


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


# ------------------------------------------------------------------ rules that cannot run


def test_zero_denominator_is_params_error():
    t = raw(
        "x",
        {
            "nama": {"type": "str"},
            "a": {"type": "float"},
            "b": {"type": "float"},
            "p": {"type": "float"},
        },
        {"nama": ["r"], "a": ["5"], "b": ["0"], "p": ["1"]},
        key=["nama"],
        checks=[{"rule": "ratio", "result": "p", "numerator": "a", "denominator": "b"}],
    )
    with pytest.raises(ParamsError, match=r"tables\.x\.checks \(ratio\): row r: b is 0"):
        run_audit({"x": t})


def test_missing_column_is_params_error_not_skipped():
    t = raw(
        "x",
        {"nama": {"type": "str"}, "a": {"type": "float"}, "p": {"type": "float"}},
        {"nama": ["r"], "a": ["5"], "p": ["1"]},
        key=["nama"],
        checks=[{"rule": "ratio", "result": "p", "numerator": "a", "denominator": "pagu"}],
    )
    with pytest.raises(ParamsError, match="column pagu not found"):
        run_audit({"x": t})
    t2 = raw(
        "y",
        {"nama": {"type": "str"}, "a": {"type": "float"}},
        {"nama": ["r"], "a": ["5"]},
        key=["nama"],
        checks=[{"rule": "sum_columns", "result": "total_{tahun}", "parts": ["a"]}],
    )
    with pytest.raises(ParamsError, match="no column matches 'total_{tahun}'"):
        run_audit({"y": t2})


def test_prose_zero_denominator_is_params_error():
    a = angka([("10", "ratio", "5", "0")])
    with pytest.raises(ParamsError, match="denominator is 0"):
        audit.audit_prose_figures(a, {})


# ------------------------------------------------------------------ capaian and polarity

IKU = {
    "kode_iku": {"type": "str"},
    "target": {"type": "float"},
    "realisasi": {"type": "float"},
    "capaian": {"type": "float"},
}
CAPAIAN_CHECK = {
    "rule": "capaian",
    "result": "capaian",
    "realisasi": "realisasi",
    "target": "target",
}


def rule_with(polaritas: dict[str, str]):
    """A capaian rule as the build passes it: negative polarity = (2T - R) / T x 100."""

    def rule(kode, r, t):
        if polaritas[kode] == "negatif":
            return (2 * t - r) / t * 100
        return r / t * 100

    return rule


def iku_table(rows) -> RawTable:
    return raw(
        "iku",
        IKU,
        {k: [r[i] for r in rows] for i, k in enumerate(IKU)},
        key=["kode_iku"],
        checks=[CAPAIAN_CHECK],
    )


def test_capaian_uses_the_polarity():
    t = iku_table([("N", "14", "13", "107.14"), ("P", "5", "19.05", "380.95")])
    rule = rule_with({"N": "negatif", "P": "positif"})
    assert run_audit({"iku": t}, capaian=rule).empty
    # the same table read as all positive: 13 / 14 = 92.86, not the printed 107.14
    out = run_audit({"iku": t}, capaian=rule_with({"N": "positif", "P": "positif"}))
    assert items(out) == ["N: capaian"]
    assert out.iloc[0].nilai_hitung == pytest.approx(92.857, abs=0.01)


def test_capaian_without_the_agency_rule_is_params_error():
    t = iku_table([("P", "5", "19.05", "380.95")])
    with pytest.raises(ParamsError, match="needs the agency's IKU"):
        run_audit({"iku": t})


def test_capaian_unknown_code_is_params_error():
    t = iku_table([("X", "5", "19.05", "380.95")])
    with pytest.raises(ParamsError, match="row X"):
        run_audit({"iku": t}, capaian=rule_with({}))


# ------------------------------------------------------------------ one finding per defect

SHARES = {
    "nama": {"type": "str"},
    "jenis_baris": JENIS,
    "n": {"type": "int"},
    "p": {"type": "float"},
}
SHARE_CHECKS = [
    {"rule": "sum_rows", "columns": ["n", "p"]},
    {"rule": "share_of_total", "value": "n", "result": "p"},
]


def fmt2(x: float) -> str:
    from decimal import ROUND_HALF_UP, Decimal

    return str(Decimal(repr(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def publication(counts: list[int], name: str = "pub", **entry) -> dict[str, list[str]]:
    """Cells of a correctly rounded publication of ``counts``: shares and totals."""
    total = sum(counts)
    return {
        "nama": [f"r{i}" for i in range(len(counts))] + ["JUMLAH"],
        "jenis_baris": ["rincian"] * len(counts) + ["jumlah"],
        "n": [str(c) for c in counts] + [str(total)],
        "p": [fmt2(c / total * 100) for c in counts] + ["100.00"],
    }


def shares_table(cells, name="pub", **entry) -> RawTable:
    return raw(name, SHARES, cells, key=["nama"], checks=SHARE_CHECKS, **entry)


def test_shifted_column_is_one_finding():
    counts = [1, 4, 8, 4, 7, 5, 3, 2]
    cells = publication(counts)
    # the shares printed one row up (the last row's share lost, the first row's dropped)
    cells["p"] = cells["p"][1:-1] + ["0.00", "100.00"]
    out = run_audit({"pub": shares_table(cells)})
    assert out["temuan"].unique().tolist() == ["T01"]
    assert set(out["pola"]) == {"geser_bawah"}  # printed = next row's value
    assert "JUMLAH / jumlah: p" in items(out)  # the total no longer adds up: the same defect
    assert summary_counts(out)["temuan"] == 1


def test_wrong_detail_explained_by_total_and_share_is_one_finding():
    cells = publication([4, 17, 21])
    cells["n"][1] = "7"  # printed 7; the total 42 and the share 40.48% both say 17
    out = run_audit({"pub": shares_table(cells)})
    assert out["temuan"].nunique() == 1
    assert set(out["pola"]) == {"rincian_salah"}
    assert out["keterangan"].str.contains("r1: tercetak 7, tersirat 17").any()


def test_reprinted_table_repeats_one_finding():
    cells = publication([3, 5])
    cells["n"][-1] = "9"
    first = shares_table(cells, "pub")
    check = {"rule": "same_values", "other": "pub", "columns": ["n", "p"]}
    again = raw("ulang", SHARES, cells, key=["nama"], checks=[*SHARE_CHECKS, check])
    out = run_audit({"pub": first, "ulang": again})
    assert out["temuan"].nunique() == 1
    assert set(out["tabel"]) == {"Tabel pub", "Tabel ulang"}
    assert set(out["pola"]) == {"cetak_ulang"}


def test_same_cell_checked_twice_is_one_finding():
    cols = {"nama": {"type": "str"}, "n": {"type": "int"}}
    a = raw(
        "a",
        cols,
        {"nama": ["x"], "n": ["48"]},
        key=["nama"],
        checks=[
            {"rule": "same_values", "other": "b", "columns": ["n"]},
            {"rule": "same_values", "other": "c", "columns": ["n"]},
        ],
    )
    b = raw("b", cols, {"nama": ["x"], "n": ["46"]}, key=["nama"])
    c = raw("c", cols, {"nama": ["x"], "n": ["46"]}, key=["nama"])
    out = run_audit({"a": a, "b": b, "c": c})
    assert len(out) == 2 and out["temuan"].nunique() == 1
    assert summary_counts(out) == {"temuan": 1, "tempat": 1, "material": 0, "penyajian": 0}


def test_prose_swap_and_sentence_are_one_finding_each():
    tabel = raw(
        "diklat",
        {"jenjang": {"type": "str"}, "target": {"type": "int"}, "realisasi": {"type": "int"}},
        {"jenjang": ["III", "IV"], "target": ["24", "90"], "realisasi": ["23", "79"]},
        key=["jenjang"],
    )
    rows = {
        "id": ["A1", "A2", "A3", "A4"],
        "lokasi": ["Bab III a", "Bab III a", "Bab III b", "Bab III b"],
        "uraian": ["target", "realisasi", "target 2017", "capaian 2017"],
        "nilai_publikasi": ["23", "24", "103", "100"],
        "rumus": ["value", "value", "value", "ratio"],
        "a": [
            "diklat.target[jenjang == 'III']",
            "diklat.realisasi[jenjang == 'III']",
            "diklat.target[jenjang == 'IV']",
            "diklat.realisasi[jenjang == 'IV']",
        ],
        "b": ["", "", "", "diklat.target[jenjang == 'IV']"],
        "kalimat": ["", "", "k1", "k1"],
    }
    cols = {**ANGKA, "kalimat": {"type": "str", "nullable": True}}
    prose = raw("angka_publikasi", cols, rows, key=["id"])
    out = run_audit({"diklat": tabel, "angka_publikasi": prose})
    assert out.groupby("temuan")["keterangan"].apply(list).to_dict() == {
        "T01": ["A1", "A2"],
        "T02": ["A3", "A4"],
    }
    assert out[out.temuan == "T01"]["pola"].iloc[0] == "tukar"


def test_cut_figure_is_a_presentation_remark():
    t = raw(
        "c",
        {
            "nama": {"type": "str"},
            "a": {"type": "float"},
            "b": {"type": "float"},
            "p": {"type": "float"},
        },
        {"nama": ["x", "y"], "a": ["79", "80"], "b": ["737", "737"], "p": ["10", "12"]},
        key=["nama"],
        checks=[{"rule": "ratio", "result": "p", "numerator": "a", "denominator": "b"}],
    )
    out = run_audit({"c": t})
    # 79/737 = 10.72 printed 10: cut, not rounded; 80/737 = 10.85 printed 12: wrong
    remark = out[out.jenis == PENYAJIAN]
    assert items(remark) == ["x: p"] and remark.iloc[0].pola == "pemotongan"
    assert items(out[out.jenis != PENYAJIAN]) == ["y: p"]


def test_material_when_an_iku_or_budget_table():
    t = iku_table([("P", "5", "20", "380.95")])
    out = run_audit({"iku": t}, capaian=rule_with({"P": "positif"}))
    assert out.iloc[0].tingkat == "material"
    other = shares_table(publication([1, 2]) | {"p": ["30.00", "66.67", "100.00"]})
    assert set(run_audit({"pub": other})["tingkat"]) == {"minor"}


# ------------------------------------------------------------------ property tests

COUNTS = st.lists(st.integers(1, 200), min_size=2, max_size=8)


@settings(max_examples=60, deadline=None)
@given(counts=COUNTS)
def test_correctly_rounded_publication_has_no_finding(counts):
    assert run_audit({"pub": shares_table(publication(counts))}).empty


@settings(max_examples=60, deadline=None)
@given(
    precise=st.lists(
        st.tuples(st.floats(0.01, 1000, allow_nan=False), st.integers(1, 500)),
        min_size=1,
        max_size=6,
    )
)
def test_rounded_inputs_never_flag_a_correct_ratio(precise):
    # realisasi known precisely (from counts), printed rounded; capaian printed from
    # the precise value: the audit must accept it (the 380.95 case)
    cells = {
        "kode_iku": [f"K{i}" for i in range(len(precise))],
        "target": [str(t) for _, t in precise],
        "realisasi": [fmt2(r) for r, _ in precise],
        "capaian": [fmt2(r / t * 100) for r, t in precise],
    }
    t = raw("iku", IKU, cells, key=["kode_iku"], checks=[CAPAIAN_CHECK])
    rule = rule_with({k: "positif" for k in cells["kode_iku"]})
    assert run_audit({"iku": t}, capaian=rule).empty


@settings(max_examples=80, deadline=None)
@given(
    counts=COUNTS,
    data=st.data(),
    where=st.sampled_from(["detail", "total", "share"]),
)
def test_one_injected_error_is_one_finding_naming_it(counts, data, where):
    cells = publication(counts)
    i = data.draw(st.integers(0, len(counts) - 1))
    if where == "detail":
        cells["n"][i] = str(counts[i] + data.draw(st.integers(1, 50)))
        name = f"r{i}"
    elif where == "total":
        cells["n"][-1] = str(sum(counts) + data.draw(st.integers(1, 50)))
        name = "JUMLAH"
    else:
        cents = data.draw(st.integers(10, 2000))
        cells["p"][i] = fmt2(float(cells["p"][i]) + cents / 100)
        name = f"r{i}"
    out = run_audit({"pub": shares_table(cells)})
    assert out["temuan"].nunique() == 1, out[["item", "nilai_publikasi", "nilai_hitung"]]
    named = " ".join(out["item"]) + " " + " ".join(out["keterangan"].astype(str))
    assert f"{name}:" in named or f"{name} " in named


def test_check_on_another_years_columns_does_not_apply():
    # the catalogue serves every year: a check on 2016-named columns of last year's
    # printing does not apply to a table whose columns moved on to 2017
    t = raw(
        "y",
        {"nama": {"type": "str"}, "a_2017": {"type": "float"}, "total_2017": {"type": "float"}},
        {"nama": ["r"], "a_2017": ["5"], "total_2017": ["5"]},
        key=["nama"],
        checks=[{"rule": "sum_columns", "result": "total_2016", "parts": ["a_2016"]}],
    )
    assert run_audit({"y": t}).empty


def test_prose_capaian_uses_the_agency_rule():
    """A negative IKU's capaian quoted in prose is checked with the agency's rule,
    not as realisasi / target (which would flag a correct figure)."""
    rows = [
        ("83.33", "capaian", "7", "6", "IKU-N"),  # (2 x 6 - 7) / 6 = 83,33%: right
        ("116.67", "ratio", "7", "6", ""),  # the same quoted as a ratio: 7 / 6
        ("90", "capaian", "7", "6", "IKU-N"),  # wrong: a finding
    ]
    a = raw(
        "angka_publikasi",
        {**ANGKA, "kode_iku": {"type": "str", "nullable": True, "required": False}},
        {
            "id": [f"A{i}" for i in range(len(rows))],
            "lokasi": ["Bab III"] * len(rows),
            "uraian": [f"angka {i}" for i in range(len(rows))],
            "nilai_publikasi": [r[0] for r in rows],
            "rumus": [r[1] for r in rows],
            "a": [r[2] for r in rows],
            "b": [r[3] for r in rows],
            "kode_iku": [r[4] for r in rows],
        },
        key=["id"],
    )

    def rule(kode: str, r: float, t: float) -> float:
        assert kode == "IKU-N"
        return (2 * t - r) / t * 100

    out = audit.findings_frame(audit.audit_prose_figures(a, {}, rule))
    assert items(out) == ["angka 2"]
    assert out.iloc[0].nilai_hitung == pytest.approx(83.333333, abs=1e-5)
    with pytest.raises(ParamsError, match="needs the agency's IKU definitions"):
        audit.audit_prose_figures(a, {})
    no_code = raw(
        "angka_publikasi",
        ANGKA,
        {
            "id": ["A0"],
            "lokasi": ["Bab III"],
            "uraian": ["x"],
            "nilai_publikasi": ["1"],
            "rumus": ["capaian"],
            "a": ["1"],
            "b": ["1"],
        },
        key=["id"],
    )
    with pytest.raises(ParamsError, match="needs the IKU code in column kode_iku"):
        audit.audit_prose_figures(no_code, {}, rule)
