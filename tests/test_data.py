"""The data step on a tiny project: validate, tidy, write atomically, audit."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from lkjip_helpers.build import data_step
from lkjip_helpers.core.exceptions import MissingDataError, ValidationError
from lkjip_helpers.data import tables as data

MINI = Path(__file__).parent / "fixtures" / "mini"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_build_writes_tidy_tables_and_audit(mini):
    result = data_step.build_data(2017)
    pegawai = pd.read_csv(mini / "data/processed/2017/pegawai.csv")
    assert list(pegawai.columns) == ["golongan", "jenis_baris", "tahun", "jumlah", "persen"]
    assert len(pegawai) == 6
    assert (mini / "outputs/2017/audit.csv").exists()
    audit = result.audit
    # the printed 2017 total (4) is not 2 + 1
    row = audit[(audit.aturan == "sum_rows") & audit["item"].str.contains("jumlah_2017")]
    assert row.iloc[0].nilai_publikasi == 4 and row.iloc[0].nilai_hitung == 3
    # the header correction is listed, as a presentation remark apart from the findings
    assert (audit.aturan == "koreksi_header").sum() == 1
    remark = audit[audit.aturan == "koreksi_header"].iloc[0]
    assert (remark.jenis, remark.temuan) == ("penyajian", "P01")
    written = pd.read_csv(mini / "outputs/2017/audit.csv")
    assert list(written.columns) == list(audit.columns)
    assert written["temuan"].tolist() == audit["temuan"].tolist()
    # shares are checked against the printed total: 2/4 is not the printed 66.67
    share = audit[(audit.aturan == "share_of_total") & audit["item"].str.contains("II/a")]
    assert share.iloc[0].nilai_hitung == 50.0
    assert not audit["item"].str.contains("persen_2016").any()


def test_build_twice_is_byte_identical(mini):
    data_step.build_data(2017)
    first = snapshot(mini / "data/processed/2017") | {
        "audit": (mini / "outputs/2017/audit.csv").read_bytes()
    }
    data_step.build_data(2017)
    second = snapshot(mini / "data/processed/2017") | {
        "audit": (mini / "outputs/2017/audit.csv").read_bytes()
    }
    assert first == second


def test_xlsx_copy_loads_to_the_same_frame(mini):
    csv_path = mini / "data/raw/2017/anggaran.csv"
    from_csv = data.load_raw_year(2017)["anggaran"].frame
    frame = pd.read_csv(csv_path, dtype=str)
    frame["pagu"] = frame["pagu"].astype(float)  # Excel stores numbers, not text
    frame.to_excel(csv_path.with_suffix(".xlsx"), index=False)
    csv_path.unlink()
    from_xlsx = data.load_raw_year(2017)["anggaran"].frame
    pd.testing.assert_frame_equal(from_csv, from_xlsx)


@pytest.mark.parametrize(
    "column, value, expected",
    [
        ("jumlah_2017", "dua", "whole number"),
        ("jumlah_2016", "-1", ">= 0"),
        ("jenis_baris", "total", "one of rincian, jumlah"),
    ],
)
def test_corrupted_cell_names_file_row_column(mini, column, value, expected):
    data_step.build_data(2017)
    before = snapshot(mini / "data/processed/2017")
    path = mini / "data/raw/2017/pegawai.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[1, column] = value
    frame.to_csv(path, index=False)
    with pytest.raises(ValidationError) as err:
        data_step.build_data(2017)
    message = str(err.value)
    assert "data/raw/2017/pegawai.csv" in message
    assert "row 3" in message and f"column '{column}'" in message
    assert repr(value) in message and expected in message
    assert snapshot(mini / "data/processed/2017") == before


def test_missing_column_and_duplicate_key(mini):
    path = mini / "data/raw/2017/anggaran.csv"
    frame = pd.read_csv(path, dtype=str)
    frame.drop(columns="realisasi").to_csv(path, index=False)
    with pytest.raises(ValidationError, match="column 'realisasi'.*missing"):
        data_step.build_data(2017)
    frame.loc[1, "uraian"] = "BTL"
    frame.to_csv(path, index=False)
    with pytest.raises(ValidationError, match="unique combination of \\(uraian\\)"):
        data_step.build_data(2017)


def test_missing_table_and_missing_year_are_listed(mini):
    (mini / "data/raw/2017/anggaran.csv").unlink()
    with pytest.raises(MissingDataError, match="anggaran.csv .*Tabel 3.31"):
        data_step.build_data(2017)
    with pytest.raises(MissingDataError, match="No raw data for 2015"):
        data_step.build_data(2015)


def test_file_that_is_not_what_its_extension_says(mini):
    path = mini / "data/raw/2017/anggaran.csv"
    path.unlink()
    path.with_suffix(".xlsx").write_text("uraian,pagu\nBTL,1\n")
    with pytest.raises(Exception, match="not an Excel .xlsx workbook"):
        data_step.build_data(2017)


def test_load_processed_restores_types(mini):
    data_step.build_data(2017)
    tables = data.load_processed(2017, ["pegawai", "anggaran"])
    assert str(tables["pegawai"]["jumlah"].dtype) == "Int64"
    assert str(tables["anggaran"]["pagu"].dtype) == "Float64"
