"""Tests of lkjip_helpers.indikator.anggaran with the seed's Tabel 3.31-3.33."""

from __future__ import annotations

import pandas as pd
import pytest

from lkjip_helpers.core.exceptions import CalculationError
from lkjip_helpers.indikator.anggaran import efisiensi, serapan

# Tabel 3.31 (pagu perubahan vs realisasi), with the printed TOTAL row.
BELANJA = pd.DataFrame(
    {
        "jenis_belanja": ["BTL", "BL", "TOTAL"],
        "jenis_baris": ["rincian", "rincian", "jumlah"],
        "anggaran": [4_100_007_000, 6_348_230_000, 10_448_237_000],
        "realisasi": [3_900_954_638, 5_462_124_731, 9_363_079_369],
    }
)

# Tabel 3.30/3.33: activities linked to a sasaran, plus one supporting activity.
PEMBINAAN = "Program Pembinaan dan Pengembangan Aparatur"
KEGIATAN = pd.DataFrame(
    [
        ("Diklat Struktural", "Kapasitas", "S1", 1_285_815_000, 1_263_155_890),
        ("Diklat Teknis", "Kapasitas", "S1", 1_235_150_000, 1_181_717_484),
        ("Rencana Pembinaan Karir", PEMBINAAN, "S1", 264_318_000, 154_301_200),
        ("Tugas Belajar", PEMBINAAN, "S1", 303_047_000, 286_055_229),
        ("Pemetaan Kompetensi", PEMBINAAN, "S1", 64_568_000, 60_237_500),
        ("Proses Data Mutasi", PEMBINAAN, "S1", 73_923_000, 53_898_000),
        ("Pembinaan Kepegawaian", PEMBINAAN, "S1", 73_270_000, 73_270_000),
        ("Tanda Pengenal PNS", "Disiplin", "S1", 75_810_000, 74_923_800),
        ("SIMPEG", PEMBINAAN, "S2", 46_000_000, 44_660_000),
        ("Jasa surat menyurat", "Administrasi", None, 3_200_000, 3_192_500),
    ],
    columns=["kegiatan", "program", "sasaran", "anggaran", "realisasi"],
)


def test_scalar_functions():
    assert round(serapan(5_462_124_731, 6_348_230_000), 2) == 86.04
    assert round(efisiensi(44_660_000, 46_000_000), 2) == 2.91


def test_errors_name_the_row():
    with pytest.raises(CalculationError, match=r"budget \(S2\): anggaran is 0"):
        serapan(10, 0, "S2")
    with pytest.raises(CalculationError, match=r"budget \(S2\): .* is missing"):
        serapan(None, 10, "S2")
    with pytest.raises(CalculationError, match="negative amount"):
        serapan(-1, 10)
