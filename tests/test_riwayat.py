"""Multi-year history: every report year's processed data queried together."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from lkjip_helpers.build import data_step
from lkjip_helpers.core.exceptions import MissingDataError, ParamsError
from lkjip_helpers.indikator.riwayat import gabung_riwayat, konflik_riwayat, riwayat

MINI = Path(__file__).parent / "fixtures" / "mini"


def frame(rows: list[dict]) -> pd.DataFrame:
    out = pd.DataFrame(rows)
    if "tahun" in out:
        out["tahun"] = out["tahun"].astype("Int64")
    if "jumlah" in out:
        out["jumlah"] = out["jumlah"].astype("Int64")
    return out


def test_newest_report_wins_and_the_disagreement_is_listed():
    report_2017 = frame(
        [
            {"golongan": "II/a", "tahun": 2016, "jumlah": 1},
            {"golongan": "II/a", "tahun": 2017, "jumlah": 2},
            {"golongan": "III/a", "tahun": 2017, "jumlah": 5},
        ]
    )
    report_2018 = frame(
        [
            {"golongan": "III/a", "tahun": 2017, "jumlah": 5},
            {"golongan": "III/a", "tahun": 2018, "jumlah": 6},
            {"golongan": "II/a", "tahun": 2017, "jumlah": 3},
            {"golongan": "II/a", "tahun": 2018, "jumlah": 4},
        ]
    )
    combined, conflicts = gabung_riwayat(
        {2017: report_2017, 2018: report_2018}, ["golongan", "tahun"], ["jumlah"], tabel="t"
    )
    assert list(combined.columns) == ["tabel", "golongan", "tahun", "jumlah", "tahun_laporan"]
    # rows in the newest report's order, years ascending
    assert combined[["golongan", "tahun", "jumlah", "tahun_laporan"]].values.tolist() == [
        ["III/a", 2017, 5, 2018],
        ["III/a", 2018, 6, 2018],
        ["II/a", 2016, 1, 2017],
        ["II/a", 2017, 3, 2018],
        ["II/a", 2018, 4, 2018],
    ]
    assert conflicts.to_dict("records") == [
        {
            "tabel": "t",
            "kunci": "II/a",
            "tahun": 2017,
            "kolom": "jumlah",
            "nilai": 3,
            "tahun_laporan": 2018,
            "nilai_lain": 2,
            "tahun_laporan_lain": 2017,
        }
    ]


def test_an_empty_value_does_not_hide_an_earlier_report():
    old = frame([{"k": "a", "tahun": 2016, "jumlah": 7}])
    new = frame([{"k": "a", "tahun": 2016, "jumlah": None}])
    combined, conflicts = gabung_riwayat({2017: old, 2018: new}, ["k", "tahun"], ["jumlah"])
    assert combined[["jumlah", "tahun_laporan"]].values.tolist() == [[7, 2017]]
    assert conflicts.empty


def test_a_table_without_years_describes_its_report_year():
    a = pd.DataFrame({"kode_iku": ["IKU-1"], "realisasi": [83.85]})
    b = pd.DataFrame({"kode_iku": ["IKU-1"], "realisasi": [85.0]})
    combined, conflicts = gabung_riwayat({2017: a, 2018: b}, ["kode_iku", "tahun"], ["realisasi"])
    assert combined[["tahun", "realisasi", "tahun_laporan"]].values.tolist() == [
        [2017, 83.85, 2017],
        [2018, 85.0, 2018],
    ]
    assert conflicts.empty


@pytest.fixture
def two_years(tmp_path, monkeypatch):
    """The tiny project built for 2017 and for a 2018 that revises a 2017 figure."""
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    monkeypatch.setenv("LKJIP_ROOT", str(root))
    raw = root / "data/raw"
    (raw / "2018").mkdir()
    shutil.copy(raw / "2017/anggaran.csv", raw / "2018/anggaran.csv")
    (raw / "2018/pegawai.csv").write_text(
        "golongan,jenis_baris,jumlah_2017,jumlah_2018,persen_2017,persen_2018\n"
        "II/a,rincian,2,3,66.67,75.00\n"
        "III/a,rincian,2,1,50.00,25.00\n"
        "JUMLAH,jumlah,4,4,100,100\n",
        encoding="utf-8",
    )
    data_step.build_data(2017)
    data_step.build_data(2018)
    return root


def test_riwayat_combines_the_processed_years(two_years):
    history = riwayat("pegawai")
    assert set(history["tahun"]) == {2016, 2017, 2018}
    assert history["tahun_laporan"].tolist().count(2018) == 6
    row = history[(history.golongan == "II/a") & (history.tahun == 2016)].iloc[0]
    assert (row.jumlah, row.tahun_laporan) == (1, 2017)
    row = history[(history.golongan == "III/a") & (history.tahun == 2017)].iloc[0]
    assert (row.jumlah, row.persen, row.tahun_laporan) == (2, 50.0, 2018)

    conflicts = konflik_riwayat("pegawai")
    assert sorted(conflicts["kolom"]) == ["jumlah", "persen"]
    jumlah = conflicts[conflicts.kolom == "jumlah"].iloc[0]
    assert jumlah.kunci == "III/a / rincian" and jumlah.tahun == 2017
    assert (jumlah.nilai, jumlah.tahun_laporan, jumlah.nilai_lain, jumlah.tahun_laporan_lain) == (
        2,
        2018,
        1,
        2017,
    )

    anggaran = riwayat("anggaran")  # no year column: one snapshot per report
    assert anggaran.groupby("tahun").size().to_dict() == {2017: 3, 2018: 3}
    assert (anggaran["tahun"] == anggaran["tahun_laporan"]).all()
    assert konflik_riwayat("anggaran").empty


def test_unknown_name_and_no_processed_data(two_years):
    with pytest.raises(ParamsError, match="neither a table nor a subject"):
        riwayat("tidak_ada")
    shutil.rmtree(two_years / "data/processed")
    with pytest.raises(MissingDataError, match="make data"):
        riwayat("pegawai")
