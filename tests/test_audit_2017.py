"""Acceptance: the audit of the shipped 2017 example finds what the published report
really gets wrong, once per defect, and nothing else that is listed as right.

The expectations are data beside the example (data/raw/2017/audit_harapan.yaml).
"""

from __future__ import annotations

import pandas as pd
import pytest

from lkjip_helpers.core import config
from lkjip_helpers.core.schema import read_yaml
from lkjip_helpers.data.audit import PENYAJIAN, summary_counts
from tests.agensi_uji import contoh

# The subject is the example's own raw tables and published report, not the product.
pytestmark = contoh


@pytest.fixture(scope="module")
def audit() -> pd.DataFrame:
    """The audit as the data step computes it (nothing written)."""
    from lkjip_helpers.data.audit import run_audit
    from lkjip_helpers.data.tables import load_raw_year, process_tables
    from lkjip_helpers.indikator.params import load_params
    from lkjip_helpers.indikator.pengukuran import aturan_capaian, iku_audit

    raw = load_raw_year(2017)
    processed = process_tables(raw)
    rule = aturan_capaian(load_params(2017))
    return run_audit(raw, year=2017, capaian=rule, extra=iku_audit(2017, processed))


@pytest.fixture(scope="module")
def harapan() -> dict:
    return read_yaml(config.raw_dir(2017) / "audit_harapan.yaml")


def issues(audit: pd.DataFrame) -> pd.DataFrame:
    return audit[audit["jenis"] != PENYAJIAN]


def matching(audit: pd.DataFrame, tempat: dict) -> pd.DataFrame:
    rows = issues(audit)
    rows = rows[rows["tabel"].astype(str).str.startswith(tempat["tabel"])]
    if "item" in tempat:
        rows = rows[rows["item"].astype(str).str.contains(tempat["item"], regex=False)]
    if "nilai" in tempat:
        printed = pd.to_numeric(rows["nilai_publikasi"], errors="coerce")
        rows = rows[(printed - float(tempat["nilai"])).abs() < 1e-9]
    return rows


def test_expected_findings_are_one_finding_each(audit, harapan):
    for entry in harapan["temuan"]:
        found = pd.concat([matching(audit, t) for t in entry["tempat"]])
        for t in entry["tempat"]:
            assert len(matching(audit, t)), f"{entry['nama']}: no place {t}"
        ids = set(found["temuan"])
        assert len(ids) == 1, f"{entry['nama']}: split over {sorted(ids)}"
        rows = audit[audit["temuan"] == ids.pop()]
        assert len(rows) >= entry.get("minimal_tempat", 1), entry["nama"]
        if "pola" in entry:
            assert set(rows["pola"]) == {entry["pola"]}, entry["nama"]
        if "tingkat" in entry:
            assert set(rows["tingkat"]) == {entry["tingkat"]}, entry["nama"]


def test_prose_against_tables(audit, harapan):
    prose = issues(audit)
    prose = prose[prose["aturan"] == "angka_publikasi"]
    ids = dict(zip(prose["keterangan"], prose["temuan"], strict=True))
    for kode in harapan["narasi_lawan_tabel"]:
        assert kode in ids, f"{kode}: prose figure not found against its table"
    findings = {ids[k] for k in harapan["narasi_lawan_tabel"]}
    assert len(findings) >= 5
    for group in harapan["satu_temuan"]:
        assert len({ids[k] for k in group}) == 1, group


def test_no_false_alarm(audit, harapan):
    listed = issues(audit)
    printed = pd.to_numeric(listed["nilai_publikasi"], errors="coerce")
    for entry in harapan["bukan_temuan"]:
        if "nilai" in entry:
            assert not ((printed - float(entry["nilai"])).abs() < 1e-9).any(), entry
        if "aturan" in entry:
            assert not (listed["aturan"] == entry["aturan"]).any(), entry
    # the header remarks are still there, in the presentation list
    remarks = audit[audit["jenis"] == PENYAJIAN]
    assert remarks["nilai_publikasi"].astype(str).str.contains("REALISASASI").any()


def test_counts_agree(audit):
    from lkjip_helpers.laporan import tables as lt

    n = summary_counts(audit)
    assert len(lt.tabel_audit(audit)) == n["temuan"]
    assert len(lt.tabel_penyajian(audit)) == n["penyajian"]
    assert 0 < n["material"] < n["temuan"] < n["tempat"]


def test_every_published_table_of_a_finding_has_its_place_in_this_report(audit):
    """Each finding can name this report's table: every published table the audit
    names is mapped (params/2017.yaml tabel_terbitan)."""
    import re

    from lkjip_helpers.data.audit import tabel_laporan
    from lkjip_helpers.indikator.params import load_params

    peta = load_params(2017).tahun.tabel_terbitan
    named = {f"Tabel {n}" for p in audit["tabel"] for n in re.findall(r"Tabel (\d+\.\d+)", p)}
    assert named and named <= set(peta), sorted(named - set(peta))
    # the gap analysis printed as Tabel 3.5 is this report's gap table; a reprint
    # (Tabel 3.21 of Tabel 3.10) is folded into the table of the first printing
    assert tabel_laporan(["Tabel 3.5"], peta) == ["tbl-iku-1-pendukung-3"]
    assert tabel_laporan(["Tabel 3.21"], peta) == tabel_laporan(["Tabel 3.10"], peta)
