"""Tests of lkjip_helpers.indikator.capaian: the seed's Tabel 3.1, polarity, caps, properties."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from lkjip_helpers.core.exceptions import CalculationError
from lkjip_helpers.indikator.capaian import (
    KATEGORI_TIDAK_TERUKUR,
    KOLOM_CAPAIAN,
    STATUS_TERUKUR,
    STATUS_TIDAK_TERUKUR,
    capaian_iku,
    hitung_capaian,
    rata_rata_per_sasaran,
    tabel_capaian,
)
from lkjip_helpers.indikator.params import load_params
from lkjip_helpers.indikator.realisasi import HasilRealisasi
from lkjip_helpers.indikator.scales import kategorikan
from tests.agensi_uji import DEFAULTS

REPO = Path(__file__).resolve().parent.parent

# The seed's Tabel 3.1: (kode, sasaran, realisasi, target, published capaian).
# IKU-3's realisasi is the unrounded (21 - 17) / 21 x 100 = 19.0476...: the published
# 380,95 comes from it (the printed 19,05 would give 381,00).
TABEL_3_1 = [
    ("IKU-1", "S1", 83.85, 76, 110.33),
    ("IKU-2", "S1", 99.40, 96, 103.54),
    ("IKU-3", "S1", (21 - 17) / 21 * 100, 5, 380.95),
    ("IKU-4", "S2", 86.26, 76, 113.50),
]


@pytest.fixture(autouse=True)
def _repo_scales(monkeypatch):
    monkeypatch.setenv("LKJIP_ROOT", str(REPO))


@pytest.mark.parametrize(("kode", "sasaran", "realisasi", "target", "published"), TABEL_3_1)
def test_seed_tabel_3_1(kode, sasaran, realisasi, target, published):
    c = hitung_capaian(realisasi, target, batas=100, kode=kode)
    assert round(c.mentah, 2) == published
    assert c.dibatasi == 100
    assert kategorikan(c.dibatasi, "ordinal_seed").kategori == "Sangat Baik"
    assert kategorikan(c.mentah, "ordinal_seed").kategori == "Sangat Baik"


def test_printed_realisasi_of_iku3_gives_381():
    assert round(hitung_capaian(19.05, 5).mentah, 2) == 381.00


def test_negative_polarity_formulas():
    # target 5 cases, 4 happened: better than target
    assert hitung_capaian(4, 5, "negatif").mentah == pytest.approx(120)
    assert hitung_capaian(4, 5, "negatif", "target_per_realisasi").mentah == pytest.approx(125)
    c = hitung_capaian(4, 5, "negatif", "realisasi_per_target")
    assert c.mentah == pytest.approx(80)
    assert c.arah == "negatif"
    # the seed 2016: 0,32% against 0,20% -> "kurang karena progres negatif"
    c2016 = hitung_capaian(0.32, 0.20, "negatif", "realisasi_per_target", batas=100)
    assert c2016.mentah == pytest.approx(160)
    assert c2016.dibatasi == c2016.mentah  # a non-oriented capaian is not capped
    assert kategorikan(c2016.dibatasi, "ordinal_seed", c2016.arah).kategori == "Kurang"
    # realisasi 0 is the best possible outcome with dua_kali_target
    assert hitung_capaian(0, 5, "negatif").mentah == pytest.approx(200)
    # more than twice the target: below zero, lowest category
    assert hitung_capaian(12, 5, "negatif").mentah == pytest.approx(-40)


def test_cap_none_and_value():
    assert hitung_capaian(83.85, 76).dibatasi == pytest.approx(110.328947, rel=1e-6)
    assert hitung_capaian(83.85, 76, batas=100).dibatasi == 100
    assert hitung_capaian(50, 76, batas=100).dibatasi == pytest.approx(65.789, rel=1e-4)
    assert hitung_capaian(83.85, 76, batas=120).dibatasi == pytest.approx(110.328947, rel=1e-6)


@pytest.mark.parametrize(
    ("realisasi", "target", "message"),
    [
        (83.85, 0, "IKU-1: target is 0"),
        (83.85, None, "IKU-1: target is missing"),
        (83.85, float("nan"), "IKU-1: target is missing"),
        (None, 76, "IKU-1: realisasi is missing"),
        (float("nan"), 76, "IKU-1: realisasi is missing"),
    ],
)
def test_missing_or_zero_is_a_clear_error(realisasi, target, message):
    with pytest.raises(CalculationError, match=message):
        hitung_capaian(realisasi, target, kode="IKU-1")


def test_target_per_realisasi_with_zero_realisasi():
    with pytest.raises(CalculationError, match="IKU-3: realisasi is 0"):
        hitung_capaian(0, 5, "negatif", "target_per_realisasi", kode="IKU-3")


def test_unknown_polarity_or_formula():
    with pytest.raises(CalculationError, match="polaritas 'naik'"):
        hitung_capaian(1, 1, "naik")
    with pytest.raises(CalculationError, match="rumus_polaritas_negatif"):
        hitung_capaian(1, 1, "negatif", "kuadrat")


POS = st.floats(min_value=1e-6, max_value=1e6, allow_nan=False, allow_infinity=False)
ANY = st.floats(allow_nan=True, allow_infinity=True) | st.none() | st.just(0.0)


@given(POS, POS, POS)
def test_monotonic_positive(r1, r2, t):
    lo, hi = sorted((r1, r2))
    assert hitung_capaian(lo, t).mentah <= hitung_capaian(hi, t).mentah
    assert hitung_capaian(lo, t, batas=100).dibatasi <= hitung_capaian(hi, t, batas=100).dibatasi


@given(POS, POS, POS, st.sampled_from(["dua_kali_target", "target_per_realisasi"]))
def test_reverse_monotonic_negative(r1, r2, t, rumus):
    lo, hi = sorted((r1, r2))
    assert (
        hitung_capaian(lo, t, "negatif", rumus).mentah
        >= hitung_capaian(hi, t, "negatif", rumus).mentah
    )


@given(ANY, ANY, st.sampled_from(["positif", "negatif"]), st.sampled_from([None, 100.0]))
def test_never_crashes_only_clear_errors(r, t, polaritas, batas):
    try:
        c = hitung_capaian(r, t, polaritas, batas=batas, kode="IKU-X")
    except CalculationError as exc:
        assert "IKU-X" in str(exc)
        return
    if batas is not None:
        assert c.dibatasi <= batas


@given(POS, POS)
def test_capped_category_equals_raw_category_above_cap(r, t):
    c = hitung_capaian(r, t, batas=100)
    assume(c.mentah < 1e12)
    assert kategorikan(c.dibatasi, "ordinal_seed") == kategorikan(c.mentah, "ordinal_seed")


# ------------------------------------------------------------------ capaian table

AGENCY = """
instansi:
  nama: Badan Uji
  kota: Uji
  kepala: {nama: Kepala, pangkat: Pembina, golongan: IV/a, nip: "196704131986091002"}
renstra: {periode_awal: 2016, periode_akhir: 2021}
visi: Visi
misi: [{kode: M1, teks: Misi}]
tujuan: [{kode: T1, misi: M1, teks: Tujuan}]
sasaran:
  - {kode: S1, tujuan: T1, teks: Sasaran satu}
  - {kode: S2, tujuan: T1, teks: Sasaran dua}
pengukuran: {skala: ordinal_seed, batas_capaian: 100, rumus_polaritas_negatif: {rumus}}
iku:
  - {kode: IKU-1, sasaran: S1, nama: Kompetensi, satuan: persen, polaritas: positif,
     realisasi: {cara: input},
     target_renstra: {RENSTRA_1}}
  - {kode: IKU-2, sasaran: S1, nama: SKP baik, satuan: persen, polaritas: positif,
     realisasi: {cara: input},
     target_renstra: {RENSTRA_2}}
  - {kode: IKU-3, sasaran: S1, nama: Penurunan pelanggaran, satuan: persen, polaritas: positif,
     realisasi: {cara: hitung, aturan: penurunan_kasus_disiplin},
     target_renstra: {2016: null, 2017: 5, 2018: 6, 2019: 7, 2020: 8, 2021: 10}}
  - {kode: IKU-4, sasaran: S2, nama: Skor IKM, satuan: skor, polaritas: positif,
     realisasi: {cara: input},
     target_renstra: {RENSTRA_4}}
"""

AGENCY = (
    AGENCY.replace("{RENSTRA_1}", "{2016: 95, 2017: 76, 2018: 77, 2019: 78, 2020: 79, 2021: 80}")
    .replace("{RENSTRA_2}", "{2016: null, 2017: 96, 2018: 96.5, 2019: 97, 2020: 97.5, 2021: 98}")
    .replace("{RENSTRA_4}", "{2016: 76, 2017: 76, 2018: 77, 2019: 78, 2020: 79, 2021: 80}")
)

YEAR = """
tahun: 2017
laporan: {tempat: Uji, tanggal: 2018-02-28}
perjanjian_kinerja:
  murni: {IKU-1: 76, IKU-2: 96, IKU-3: 5, IKU-4: 76}
"""


@pytest.fixture
def params(tmp_path, monkeypatch):
    def make(rumus: str = "dua_kali_target", agency_extra: str = "", year: str = YEAR):
        d = tmp_path / "params"
        d.mkdir(exist_ok=True)
        shutil.copy(DEFAULTS / "scales.yaml", d / "scales.yaml")  # the package's scales
        (d / "agency.yaml").write_text(
            AGENCY.replace("{rumus}", rumus) + agency_extra, encoding="utf-8"
        )
        (d / "2017.yaml").write_text(year, encoding="utf-8")
        monkeypatch.setenv("LKJIP_ROOT", str(tmp_path))
        return load_params(2017)

    return make


REALISASI = {kode: r for kode, _, r, _, _ in TABEL_3_1}


def test_tabel_capaian_reproduces_seed(params):
    p = params()
    df = tabel_capaian(p.agency, p.tahun, REALISASI)
    assert tuple(df.columns) == KOLOM_CAPAIAN
    assert list(df["kode"]) == ["IKU-1", "IKU-2", "IKU-3", "IKU-4"]
    assert list(df["sasaran"]) == ["S1", "S1", "S1", "S2"]
    assert list(df["capaian"].round(2)) == [110.33, 103.54, 380.95, 113.50]
    assert list(df["capaian_dibatasi"]) == [100.0] * 4
    assert list(df["kategori"]) == ["Sangat Baik"] * 4
    assert list(df["skor"]) == [4] * 4
    assert df["skor"].dtype == "int64"
    assert list(df["indikator"])[3] == "Skor IKM"
    assert list(df["satuan"]) == ["persen", "persen", "persen", "skor"]


def test_tabel_capaian_accepts_realisasi_results(params):
    p = params()
    hasil = {
        k: HasilRealisasi(kode_iku=k, tahun=2017, nilai=v, aturan="input", tabel="realisasi_iku")
        for k, v in REALISASI.items()
    }
    df = tabel_capaian(p.agency, p.tahun, hasil)
    assert list(df["realisasi"].round(2)) == [83.85, 99.40, 19.05, 86.26]


def test_tabel_capaian_missing_and_unknown(params):
    p = params()
    partial = {k: v for k, v in REALISASI.items() if k != "IKU-2"}
    with pytest.raises(CalculationError, match="IKU IKU-2: no realisasi for 2017"):
        tabel_capaian(p.agency, p.tahun, partial)
    with pytest.raises(CalculationError, match="IKU-9"):
        tabel_capaian(p.agency, p.tahun, {**REALISASI, "IKU-9": 1})
    with pytest.raises(CalculationError, match="IKU-4: realisasi is missing"):
        tabel_capaian(p.agency, p.tahun, {**REALISASI, "IKU-4": None})


def test_tabel_capaian_other_scale(params):
    p = params()
    df = tabel_capaian(p.agency, p.tahun, REALISASI, skala="permendagri_86_2017")
    assert list(df["kategori"]) == ["Sangat Tinggi"] * 4
    assert list(df["skor"]) == [5] * 4


def test_rata_rata_per_sasaran(params):
    p = params()
    df = tabel_capaian(p.agency, p.tahun, REALISASI)
    avg = rata_rata_per_sasaran(df, "ordinal_seed")
    assert list(avg["sasaran"]) == ["S1", "S2"]
    assert list(avg["jumlah_iku"]) == [3, 1]
    # Sasaran I printed "> 100 %", Sasaran II 113,50%
    assert avg.loc[0, "capaian"] > 100
    assert round(avg.loc[0, "capaian"], 2) == 198.27
    assert round(avg.loc[1, "capaian"], 2) == 113.50
    assert list(avg["capaian_dibatasi"]) == [100.0, 100.0]
    assert list(avg["kategori"]) == ["Sangat Baik", "Sangat Baik"]


def test_rata_rata_refuses_non_oriented_negative(params):
    extra = """  - {kode: IKU-5, sasaran: S2, nama: Jumlah kasus, satuan: kasus, polaritas: negatif,
     realisasi: {cara: input},
     target_renstra: {2016: 10, 2017: 10, 2018: 10, 2019: 10, 2020: 10, 2021: 10}}
"""
    year = YEAR.replace("IKU-4: 76}", "IKU-4: 76, IKU-5: 10}")
    p = params(rumus="realisasi_per_target", agency_extra=extra, year=year)
    df = tabel_capaian(p.agency, p.tahun, {**REALISASI, "IKU-5": 6})
    row = df.set_index("kode").loc["IKU-5"]
    assert row["capaian"] == pytest.approx(60)
    assert row["kategori"] == "Baik"  # mirrored scale: 55-69 -> Baik
    with pytest.raises(CalculationError, match="cannot average"):
        rata_rata_per_sasaran(df, "ordinal_seed", "realisasi_per_target")


def test_empty_sasaran_table_is_fine():
    df = pd.DataFrame(columns=list(KOLOM_CAPAIAN))
    assert rata_rata_per_sasaran(df, "ordinal_seed").empty


def _tidak_tersedia(kode: str) -> HasilRealisasi:
    return HasilRealisasi(
        kode_iku=kode,
        tahun=2017,
        nilai=None,
        aturan="input",
        tabel="realisasi_iku",
        alasan="Survei tidak dilaksanakan",
    )


def test_tabel_capaian_keeps_an_iku_without_realisasi(params):
    p = params()
    df = tabel_capaian(p.agency, p.tahun, {**REALISASI, "IKU-4": _tidak_tersedia("IKU-4")})
    assert tuple(df.columns) == KOLOM_CAPAIAN
    row = df.set_index("kode").loc["IKU-4"]
    assert row["target"] == 76
    assert pd.isna(row["realisasi"]) and pd.isna(row["capaian"])
    assert pd.isna(row["capaian_dibatasi"]) and pd.isna(row["skor"])
    assert row["kategori"] == KATEGORI_TIDAK_TERUKUR
    assert row["status"] == STATUS_TIDAK_TERUKUR
    assert row["keterangan"] == "Survei tidak dilaksanakan"
    assert list(df["status"])[:3] == [STATUS_TERUKUR] * 3
    assert list(df["skor"])[:3] == [4, 4, 4]


def test_rata_rata_leaves_out_an_iku_that_cannot_be_measured(params):
    p = params()
    df = tabel_capaian(
        p.agency,
        p.tahun,
        {**REALISASI, "IKU-2": _tidak_tersedia("IKU-2"), "IKU-4": _tidak_tersedia("IKU-4")},
    )
    avg = rata_rata_per_sasaran(df, "ordinal_seed").set_index("sasaran")
    # S1: IKU-1 and IKU-3 only
    assert avg.at["S1", "jumlah_iku"] == 2
    r1, r3 = REALISASI["IKU-1"], REALISASI["IKU-3"]
    assert avg.at["S1", "capaian"] == pytest.approx((r1 / 76 + r3 / 5) * 50)
    assert avg.at["S1", "tidak_terukur"] == "IKU-2"
    # S2: nothing to average, said as such
    assert avg.at["S2", "jumlah_iku"] == 0
    assert pd.isna(avg.at["S2", "capaian"])
    assert avg.at["S2", "kategori"] == KATEGORI_TIDAK_TERUKUR
    assert avg.at["S2", "tidak_terukur"] == "IKU-4"


@pytest.mark.parametrize(
    ("rumus", "expected"),
    [
        ("dua_kali_target", (2 * 10 - 8) / 10 * 100),
        ("target_per_realisasi", 10 / 8 * 100),
        ("realisasi_per_target", 8 / 10 * 100),
    ],
)
def test_capaian_iku_uses_the_agency_rule(params, rumus, expected):
    extra = """  - {kode: IKU-5, sasaran: S2, nama: Jumlah kasus, satuan: kasus, polaritas: negatif,
     realisasi: {cara: input},
     target_renstra: {2016: 10, 2017: 10, 2018: 10, 2019: 10, 2020: 10, 2021: 10}}
"""
    year = YEAR.replace("IKU-4: 76}", "IKU-4: 76, IKU-5: 10}")
    p = params(rumus=rumus, agency_extra=extra, year=year)
    iku = p.agency.iku_by_kode("IKU-5")
    c = capaian_iku(iku, 8, 10, p.agency.pengukuran)
    assert c.mentah == pytest.approx(expected)
    # the capaian table gives the same figure: one function decides
    df = tabel_capaian(p.agency, p.tahun, {**REALISASI, "IKU-5": 8}).set_index("kode")
    assert df.at["IKU-5", "capaian"] == pytest.approx(expected)
    # and a positive IKU is realisasi / target whatever the negative rule
    positif = capaian_iku(p.agency.iku_by_kode("IKU-1"), 83.85, 76, p.agency.pengukuran)
    assert positif.mentah == pytest.approx(83.85 / 76 * 100)
