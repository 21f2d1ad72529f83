"""Tests of lkjip_helpers.data.validation: every problem reported once, where it is."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from lkjip_helpers.core.exceptions import ValidationError
from lkjip_helpers.data import validation
from lkjip_helpers.data.catalogue import parse_table
from lkjip_helpers.data.validation import MAX_LISTED_PROBLEMS, validate_table

PATH = Path("t.csv")


def spec(columns: dict, key=("nama",)):
    return parse_table(
        Path("catalogue.yaml"), "t", {"source": "Tabel 9", "key": list(key), "columns": columns}
    )


def text(**cols) -> pd.DataFrame:
    return pd.DataFrame(cols, dtype=object)


def problems(table_spec, frame: pd.DataFrame) -> list[dict]:
    with pytest.raises(ValidationError) as info:
        validate_table(table_spec, PATH, frame)
    return info.value.problems


def where(ps: list[dict]) -> list[tuple]:
    return [(p["row"], p["column"]) for p in ps]


BASIC = {
    "nama": {"type": "str"},
    "jumlah": {"type": "int", "min": 0},
    "persen": {"type": "float", "max": 100, "nullable": True},
    "tanggal": {"type": "date", "nullable": True},
    "jenis": {"type": "category", "allowed": ["rincian", "jumlah"]},
}


def test_valid_table_is_typed():
    t = text(
        nama=["a", "b"],
        jumlah=["1", "2.0"],
        persen=["50", ""],
        tanggal=["2017-12-31", ""],
        jenis=["rincian", "jumlah"],
    )
    raw = validate_table(spec(BASIC), PATH, t)
    assert raw.frame["jumlah"].tolist() == [1, 2]
    assert str(raw.frame["jumlah"].dtype) == "Int64"
    assert str(raw.frame["persen"].dtype) == "Float64"
    assert raw.frame["persen"].isna().tolist() == [False, True]
    assert raw.frame["tanggal"].tolist()[0] == "2017-12-31"
    assert raw.text is t
    assert raw.decimals(0, "persen") == 0


def test_type_errors_with_row_numbers():
    t = text(
        nama=["a", "b", "c"],
        jumlah=["1", "1.234", "2"],
        persen=["50", "45,5", "1e2"],
        tanggal=["2017-02-30", "31/12/2017", ""],
        jenis=["rincian", "rincian", "jumlah"],
    )
    ps = problems(spec(BASIC), t)
    assert where(ps) == [(2, "tanggal"), (3, "jumlah"), (3, "persen"), (3, "tanggal")]
    by = {(p["row"], p["column"]): p for p in ps}
    assert by[(3, "jumlah")]["expected"] == validation.EXPECTED["int"]
    assert by[(3, "persen")]["found"] == "45,5"
    assert by[(2, "tanggal")]["expected"] == validation.EXPECTED["date"]


def test_nullable_vs_not():
    t = text(
        nama=["a", ""],
        jumlah=["", "1"],
        persen=["", ""],
        tanggal=["", ""],
        jenis=["rincian", "jumlah"],
    )
    ps = problems(spec(BASIC), t)
    assert where(ps) == [(2, "jumlah"), (3, "nama")]
    assert all(p["found"] == "(empty)" for p in ps)


def test_min_max_and_allowed():
    t = text(
        nama=["a", "b"],
        jumlah=["-1", "3"],
        persen=["100.5", "100"],
        tanggal=["", ""],
        jenis=["rincian", "total"],
    )
    ps = problems(spec(BASIC), t)
    assert where(ps) == [(2, "jumlah"), (2, "persen"), (3, "jenis")]
    by = {(p["row"], p["column"]): p for p in ps}
    assert by[(2, "jumlah")]["expected"] == "a value >= 0"
    assert by[(2, "persen")]["expected"] == "a value <= 100"
    assert by[(3, "jenis")]["expected"] == "one of rincian, jumlah"
    assert by[(3, "jenis")]["found"] == "total"


def test_messages_show_cell_text_as_written():
    t = text(nama=["a"], jumlah=["-007"], persen=["150.50"], tanggal=[""], jenis=["rincian"])
    with pytest.raises(ValidationError) as info:
        validate_table(spec(BASIC), PATH, t)
    found = {p["column"]: p["found"] for p in info.value.problems}
    assert found == {"jumlah": "-007", "persen": "150.50"}
    message = str(info.value)
    assert "t.csv (Tabel 9) is not valid: 2 problem(s)." in message
    assert "row 2, column 'jumlah': found '-007', expected a value >= 0" in message
    assert "found '150.50'" in message


def test_unique_key_duplicates_all_reported():
    s = spec({"nama": {"type": "str"}, "unit": {"type": "str"}}, key=("nama", "unit"))
    t = text(nama=["a", "a", "b", "a"], unit=["x", "x", "x", "x"])
    ps = problems(s, t)
    assert sorted({p["row"] for p in ps}) == [2, 3, 5]
    assert all(p["expected"] == "a unique combination of (nama, unit)" for p in ps)


def test_unknown_and_missing_columns():
    s = spec({"nama": {"type": "str"}, "jumlah_{tahun}": {"type": "int"}})
    ps = problems(s, text(nama=["a"], jumlah_17=["1"]))
    assert {(p["row"], p["column"]) for p in ps} == {(1, "jumlah_17"), (None, "jumlah_{tahun}")}
    missing = next(p for p in ps if p["row"] is None)
    assert missing["found"] == "(missing)"
    assert "named like 'jumlah_{tahun}'" in missing["expected"]


def test_optional_column_may_be_absent():
    s = spec({"nama": {"type": "str"}, "catatan": {"type": "str", "required": False}})
    raw = validate_table(s, PATH, text(nama=["a"]))
    assert list(raw.frame.columns) == ["nama"]


def test_duplicate_header():
    s = spec({"nama": {"type": "str"}})
    frame = pd.DataFrame([["a", "b"]], columns=["nama", "nama"], dtype=object)
    ps = problems(s, frame)
    assert ps == [
        {"row": 1, "column": "nama", "found": "nama", "expected": "each column name once"}
    ]


def test_each_problem_reported_once():
    # 'abc' fails conversion; pandera then sees it empty (not nullable): one problem only
    s = spec({"nama": {"type": "str"}, "jumlah": {"type": "int", "min": 0}})
    ps = problems(s, text(nama=["a", "b"], jumlah=["abc", "5"]))
    assert where(ps) == [(2, "jumlah")]
    assert ps[0]["found"] == "abc"
    assert ps[0]["expected"] == validation.EXPECTED["int"]


def test_rows_numbered_as_in_the_file_and_sheet_named():
    s = spec({"nama": {"type": "str"}, "jumlah": {"type": "int"}})
    t = text(nama=["a", "b"], jumlah=["1", "x"])
    t.attrs["rows"] = [2, 7]  # blank rows 3-6 were skipped by the reader
    t.attrs["sheet"] = "data"
    with pytest.raises(ValidationError) as info:
        validate_table(s, Path("t.xlsx"), t)
    assert where(info.value.problems) == [(7, "jumlah")]
    assert "t.xlsx, sheet 'data'" in str(info.value)
    assert "sheet 'data', row 7, column 'jumlah'" in str(info.value)


def test_list_is_capped():
    n = MAX_LISTED_PROBLEMS + 5
    s = spec({"nama": {"type": "str"}, "jumlah": {"type": "int"}})
    t = text(nama=[f"n{i}" for i in range(n)], jumlah=["x"] * n)
    with pytest.raises(ValidationError) as info:
        validate_table(s, PATH, t)
    message = str(info.value)
    assert len(info.value.problems) == n
    assert f"{n} problem(s)" in message
    assert message.count("  - ") == MAX_LISTED_PROBLEMS
    assert "  ... and 5 more" in message


DECIMALS = {
    "nama": {"type": "str"},
    "nilai": {"type": "float", "nullable": True},
    "jumlah": {"type": "int", "nullable": True},
}


def semicolon_text(**cols) -> pd.DataFrame:
    frame = text(**cols)
    frame.attrs["delimiter"] = ";"
    return frame


def test_decimal_comma_file_reads_the_right_numbers():
    frame = semicolon_text(
        nama=["a", "b", "c"], nilai=["1,5", "83,85", ""], jumlah=["1.234", "7", "1.234.567"]
    )
    table = validate_table(spec(DECIMALS), PATH, frame)
    assert table.frame["nilai"].tolist()[:2] == [1.5, 83.85]
    assert table.frame["jumlah"].tolist() == [1234, 7, 1234567]
    # the published precision survives: 83,85 has two decimals
    assert table.decimals(1, "nilai") == 2


def test_decimal_comma_with_thousands_and_decimals():
    frame = semicolon_text(nama=["a"], nilai=["5.462.124.731,25"], jumlah=["1"])
    table = validate_table(spec(DECIMALS), PATH, frame)
    assert table.frame["nilai"].tolist() == [5462124731.25]


def test_semicolon_file_with_decimal_points_is_read_as_written():
    frame = semicolon_text(nama=["a", "b"], nilai=["1.5", "2.25"], jumlah=["3", "4"])
    table = validate_table(spec(DECIMALS), PATH, frame)
    assert table.frame["nilai"].tolist() == [1.5, 2.25]


def test_mixed_decimal_separators_are_refused_not_guessed():
    frame = semicolon_text(nama=["a", "b"], nilai=["1,5", "2.25"], jumlah=["3", "4"])
    (p,) = problems(spec(DECIMALS), frame)
    assert (p["row"], p["column"], p["found"]) == (3, "nilai", "2.25")
    assert "decimal comma" in p["expected"] and "row 2" in p["expected"]


def test_ambiguous_thousands_dot_is_refused_with_what_to_write():
    # 1.234 alone: a thousand (decimal comma) or one and a bit (decimal point)?
    frame = semicolon_text(nama=["a"], nilai=["1.234"], jumlah=["3"])
    (p,) = problems(spec(DECIMALS), frame)
    assert p["found"] == "1.234" and "1234" in p["expected"]


def test_comma_separated_file_keeps_the_dot_convention():
    frame = text(nama=["a"], nilai=["1,5"], jumlah=["3"])
    (p,) = problems(spec(DECIMALS), frame)
    assert p["column"] == "nilai"
