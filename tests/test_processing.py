"""Tests of lkjip_helpers.data.tidy: year columns melted into tahun rows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from lkjip_helpers.core.exceptions import ParamsError
from lkjip_helpers.data.catalogue import TableSpec
from lkjip_helpers.data.tidy import tidy_table
from lkjip_helpers.data.validation import validate_table

CAT = Path("catalogue.yaml")
COLUMNS = {
    "golongan": {"type": "str"},
    "jenis_baris": {"type": "category", "allowed": ["rincian", "jumlah"]},
    "jumlah_{tahun}": {"type": "int", "nullable": True},
    "persen_{tahun}": {"type": "float", "nullable": True},
}


def spec(tidy=None, columns=None):
    entry = {"source": "Tabel 1", "key": ["golongan"], "columns": columns or COLUMNS}
    if tidy is not None:
        entry["tidy"] = tidy
    return TableSpec(name="t", **entry)


def typed(table_spec, rows: dict[str, list[str]]) -> pd.DataFrame:
    return validate_table(table_spec, Path("t.csv"), pd.DataFrame(rows, dtype=object)).frame


RAW = {
    "golongan": ["III/a", "II/a", "JUMLAH"],
    "jenis_baris": ["rincian", "rincian", "jumlah"],
    "jumlah_2017": ["2", "1", "3"],
    "jumlah_2016": ["4", "", "4"],
    "persen_2017": ["66.67", "33.33", "100"],
}


def test_melts_stubs_into_tahun_rows():
    s = spec({"id": ["golongan", "jenis_baris"], "stubs": ["jumlah", "persen"]})
    out = tidy_table(s, typed(s, RAW))
    assert list(out.columns) == ["golongan", "jenis_baris", "tahun", "jumlah", "persen"]
    # row order kept (III/a before II/a), then year order within a row
    assert out["golongan"].tolist() == ["III/a", "III/a", "II/a", "II/a", "JUMLAH", "JUMLAH"]
    assert out["tahun"].tolist() == [2016, 2017] * 3
    assert str(out["tahun"].dtype) == "Int64"
    assert str(out["jumlah"].dtype) == "Int64"
    assert str(out["persen"].dtype) == "Float64"
    assert out["jumlah"].tolist()[:2] == [4, 2]
    assert out["jumlah"].isna().tolist() == [False, False, True, False, False, False]
    # persen has no 2016 column: outer join leaves it missing for 2016
    assert out["persen"].isna().tolist() == [True, False] * 3
    assert out.loc[1, "persen"] == pytest.approx(66.67)
    assert out.index.tolist() == list(range(6))


def test_ids_default_to_non_stub_columns():
    s = spec({"stubs": ["jumlah"]})
    out = tidy_table(s, typed(s, RAW))
    # persen_2017 is not a stub: it stays an id column
    assert list(out.columns) == ["golongan", "jenis_baris", "persen_2017", "tahun", "jumlah"]
    assert len(out) == 6


def test_no_tidy_returns_typed_copy():
    s = spec()
    frame = typed(s, RAW)
    out = tidy_table(s, frame)
    assert out is not frame
    pd.testing.assert_frame_equal(out, frame.reset_index(drop=True))
    assert str(out["jumlah_2017"].dtype) == "Int64"
    out.loc[0, "golongan"] = "changed"
    assert frame.loc[0, "golongan"] == "III/a"


def test_missing_id_column_is_params_error():
    s = spec({"id": ["golongan", "unit"], "stubs": ["jumlah"]})
    with pytest.raises(ParamsError, match=r"tables\.t\.tidy\.id.*'unit'"):
        tidy_table(s, typed(s, RAW))


def test_missing_stubs_is_params_error():
    s = spec({"id": ["golongan"]})
    with pytest.raises(ParamsError, match=r"tables\.t\.tidy\.stubs: missing"):
        tidy_table(s, typed(s, RAW))


def test_stub_matches_four_digit_years_only():
    cols = {"nama": {"type": "str"}, "nilai_{tahun}": {"type": "float", "nullable": True}}
    s = spec({"id": ["nama"], "stubs": ["nilai"]}, columns=cols)
    frame = pd.DataFrame(
        {"nama": ["a"], "nilai_2017": [1.5], "nilai_2018": [2.5]}, index=[5]
    ).astype({"nilai_2017": "Float64", "nilai_2018": "Float64"})
    out = tidy_table(s, frame)
    assert out.to_dict("list") == {"nama": ["a", "a"], "tahun": [2017, 2018], "nilai": [1.5, 2.5]}
