"""Performance measurement of a year: realisasi, capaian, sasaran averages, and the
audit of the IKU figures the published report printed against them."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from lkjip_helpers.data.audit import Finding, decimals_of, differs, findings_frame
from lkjip_helpers.indikator.capaian import rata_rata_per_sasaran, tabel_capaian
from lkjip_helpers.indikator.params import AgencyParams, Iku, Params, load_params, target_for
from lkjip_helpers.indikator.realisasi import HasilRealisasi, jalankan_aturan


def hitung_realisasi(iku: Iku, tabel: Mapping[str, pd.DataFrame], tahun: int) -> HasilRealisasi:
    """Realisasi of ``iku`` in ``tahun`` as its params say (``input`` or a named rule)."""
    spec = iku.realisasi
    return jalankan_aturan(spec.aturan, tabel, tahun, iku.kode, spec.tabel, **dict(spec.opsi))


def realisasi_pembanding(
    iku: Iku, tabel: Mapping[str, pd.DataFrame], tahun: int
) -> HasilRealisasi | None:
    """Recompute an entered realisasi with the IKU's ``pembanding`` rule (None if none).

    Used by the audit to compare an entered figure with what the data gives.
    """
    p = iku.realisasi.pembanding
    if p is None:
        return None
    return jalankan_aturan(p.aturan, tabel, tahun, iku.kode, p.tabel, **dict(p.opsi))


def realisasi_semua(
    agency: AgencyParams, tabel: Mapping[str, pd.DataFrame], tahun: int
) -> dict[str, HasilRealisasi]:
    """Realisasi of every IKU active in ``tahun``, by IKU code (params order)."""
    return {iku.kode: hitung_realisasi(iku, tabel, tahun) for iku in agency.iku_aktif(tahun)}


def hitung(params: Params, tabel: Mapping[str, pd.DataFrame], year: int):
    """Realisasi of every IKU, the capaian table and the sasaran averages of ``year``."""
    realisasi = realisasi_semua(params.agency, tabel, year)
    capaian = tabel_capaian(params.agency, params.tahun, realisasi)
    sasaran = rata_rata_per_sasaran(
        capaian, params.agency.pengukuran.skala, params.agency.pengukuran.rumus_polaritas_negatif
    )
    return realisasi, capaian, sasaran


def iku_audit(year: int, processed: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Findings about the IKU: printed realisasi/target/capaian vs the engine's.

    * realisasi printed in ``realisasi_iku`` vs the value a rule computes (``hitung``
      IKU, and the ``pembanding`` rule of entered IKU);
    * target printed vs the Perjanjian Kinerja target in params;
    * capaian printed vs capaian computed from the realisasi used.
    """
    params = load_params(year)
    published = processed.get("realisasi_iku")
    findings = []
    if published is None:
        return findings_frame(findings)
    realisasi, capaian, _ = hitung(params, processed, year)
    cap = capaian.set_index("kode")
    for row in published.itertuples(index=False):
        kode = row.kode_iku
        if kode not in cap.index:
            continue
        iku = params.agency.iku_by_kode(kode)
        checks = [
            ("realisasi", row.realisasi, realisasi[kode].nilai, "realisasi_iku"),
            ("target", row.target_publikasi, target_for(iku, params.tahun), "realisasi_iku"),
            ("capaian", row.capaian_publikasi, cap.at[kode, "capaian"], "capaian_iku"),
        ]
        pemb = realisasi_pembanding(iku, processed, year)
        if pemb is not None:
            checks.append(("realisasi (hitung ulang)", row.realisasi, pemb.nilai, "realisasi_iku"))
        for what, pub, hit, rule in checks:
            if pub is None or pd.isna(pub) or hit is None:
                continue
            if differs(pub, hit, max(decimals_of(pub), 2)):
                findings.append(
                    Finding(
                        tabel="Tabel 3.1",
                        item=f"{kode}: {what}",
                        nilai_publikasi=float(pub),
                        nilai_hitung=round(float(hit), 6),
                        selisih=round(float(pub) - float(hit), 6),
                        aturan=rule,
                        tabel_data="realisasi_iku",
                        keterangan=realisasi[kode].aturan if what == "realisasi" else "",
                    )
                )
    return findings_frame(findings)
