"""The shipped 2017 raw data: every table validates, spot checks against the seed."""

from __future__ import annotations

import pytest

from lkjip_helpers.data import tables as data
from lkjip_helpers.data.audit import run_audit
from lkjip_helpers.data.catalogue import load_catalogue
from tests.agensi_uji import contoh

# The subject is the example's own raw tables and published report, not the product.
pytestmark = contoh


@pytest.fixture(scope="module")
def raw():
    return data.load_raw_year(2017, load_catalogue())


def test_every_catalogue_table_loads_and_validates(raw):
    required = {t.name for t in load_catalogue() if t.required}
    assert required <= set(raw)


def test_spot_checks_against_the_seed(raw):
    belanja = raw["anggaran_belanja"].frame.set_index("uraian")
    bl = belanja.loc["BELANJA LANGSUNG (BL)"]
    assert (bl["realisasi"], bl["pagu_perubahan"]) == (5462124731, 6348230000)
    hukuman = raw["hukuman_disiplin_riwayat"].frame
    rincian = hukuman[hukuman["jenis_baris"] == "rincian"]
    totals = [int(rincian[f"jumlah_{y}"].sum()) for y in range(2011, 2017)]
    assert totals == [13, 13, 5, 9, 21, 20]
    kasus = raw["kasus_disiplin"].frame.set_index("tahun")["jumlah_kasus"]
    assert (kasus[2016], kasus[2017]) == (21, 17)


def test_audit_lists_the_real_inconsistencies(raw):
    from lkjip_helpers.indikator.params import load_params
    from lkjip_helpers.indikator.pengukuran import aturan_capaian

    audit = run_audit(raw, year=2017, capaian=aturan_capaian(load_params(2017)))
    found = {(r.tabel, r.aturan) for r in audit.itertuples()}
    # a total that does not add up, a header with a wrong year, contradicting figures
    assert ("Tabel 1.2", "sum_rows") in found
    assert ("Tabel 1.1", "koreksi_header") in found
    assert any(t == "Tabel 3.30" for t, _ in found)
    efisiensi = audit[audit["item"].str.contains("Efisiensi anggaran Sasaran II")]
    assert efisiensi.iloc[0].nilai_publikasi == 7.91
    assert round(efisiensi.iloc[0].nilai_hitung, 2) == 2.91
    assert all(str(t).strip() for t in audit["tabel"])  # every finding traceable to a table
