"""Tests of lkjip_helpers.indikator.kompetensi with the seed's gap-analysis tables."""

from __future__ import annotations

import pandas as pd
import pytest

from lkjip_helpers.core.exceptions import CalculationError
from lkjip_helpers.indikator.kompetensi import (
    kompetensi_dari_gap,
    persen_sesuai,
)

# Tabel 3.5 (2017): (non struktural, struktural, printed OPD total)
GAPS_2017 = [
    (0.25, 0.06, 0.16),
    (0.17, 0.00, 0.08),
    (0.00, 0.13, 0.06),
    (0.21, 0.20, 0.20),
    (0.04, 0.21, 0.12),
    (0.25, 0.19, 0.22),
    (0.18, 0.28, 0.23),
    (0.19, 0.15, 0.17),
    (0.27, 0.25, 0.26),
    (0.01, 0.19, 0.10),
]


def tabel_2017() -> pd.DataFrame:
    rows = []
    for i, (a, b, total) in enumerate(GAPS_2017):
        rows += [
            {"opd": f"OPD {i}", "jenis_baris": "rincian", "gap": a},
            {"opd": f"OPD {i}", "jenis_baris": "rincian", "gap": b},
            {"opd": f"OPD {i}", "jenis_baris": "jumlah", "gap": total},
        ]
    return pd.DataFrame(rows)


def test_2017_mean_of_detail_rows_gives_published_83_85():
    h = kompetensi_dari_gap(tabel_2017(), kolom_gap="gap")
    assert h.gap == pytest.approx(0.1615)
    assert round(h.persen_sesuai, 2) == 83.85
    assert h.jumlah_data == 20


def test_2017_mean_of_printed_opd_totals_gives_84():
    h = kompetensi_dari_gap(tabel_2017(), kolom_gap="gap", jenis="jumlah")
    assert round(h.gap, 4) == 0.16
    assert round(h.persen_sesuai, 2) == 84.00


def test_2017_without_row_type_column_uses_all_rows():
    df = pd.DataFrame({"gaps": [0.1, 0.3]})
    assert kompetensi_dari_gap(df).persen_sesuai == pytest.approx(80)


# Tabel 3.4 (2016): jumlah pegawai and non-matching counts per element.
TABEL_2016 = pd.DataFrame(
    {
        "skpd": [f"SKPD {i}" for i in range(1, 11)] + ["Total"],
        "jenis_baris": ["rincian"] * 10 + ["jumlah"],
        "jumlah_pegawai": [61, 20, 7, 34, 9, 83, 39, 11, 19, 23, 306],
        "tidak_sesuai_pendidikan": [7, 5, 1, 6, 0, 8, 5, 3, 3, 4, 42],
        "tidak_sesuai_diklat": [51, 19, 6, 6, 5, 30, 23, 9, 13, 3, 165],
        "tidak_sesuai_pengalaman_jabatan": [1, 1, 0, 1, 0, 0, 3, 1, 0, 0, 7],
        "tidak_sesuai_keahlian": [0, 1, 0, 0, 0, 1, 11, 3, 0, 1, 17],
        "tidak_sesuai_ketrampilan": [1, 0, 0, 0, 0, 2, 2, 4, 0, 0, 9],
    }
)
KOLOM = [c for c in TABEL_2016.columns if c.startswith("tidak_sesuai_")]


def test_errors():
    with pytest.raises(CalculationError, match=r"no column 'gaps'"):
        kompetensi_dari_gap(pd.DataFrame({"gap": [0.1]}))
    with pytest.raises(CalculationError, match=r"must be fractions 0-1, found 16.0"):
        kompetensi_dari_gap(pd.DataFrame({"gaps": [16.0]}))
    with pytest.raises(CalculationError, match="no rincian row"):
        kompetensi_dari_gap(pd.DataFrame({"gaps": [0.1], "jenis_baris": ["jumlah"]}))
    with pytest.raises(CalculationError, match="fraction 0-1"):
        persen_sesuai(1.5)
    assert persen_sesuai(0.16) == pytest.approx(84)
