"""Performance measurement of a year: realisasi, capaian, sasaran averages, and the
audit of the IKU figures the published report printed against them."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from lkjip_helpers.core.exceptions import ValidationError
from lkjip_helpers.data.audit import CapaianRule, Finding, Interval, decimals_of, differs
from lkjip_helpers.data.catalogue import load_catalogue
from lkjip_helpers.indikator.capaian import capaian_iku, rata_rata_per_sasaran, tabel_capaian
from lkjip_helpers.indikator.params import AgencyParams, Iku, Params, load_params, target_for
from lkjip_helpers.indikator.realisasi import HasilRealisasi, jalankan_aturan


def hitung_realisasi(iku: Iku, tabel: Mapping[str, pd.DataFrame], tahun: int) -> HasilRealisasi:
    """Realisasi of ``iku`` in ``tahun`` as its params say (``input`` or a named rule).

    A computed IKU (``cara: hitung``) whose input is absent is not available, with
    the reason (:func:`~lkjip_helpers.indikator.realisasi.jalankan_aturan`).
    """
    spec = iku.realisasi
    return jalankan_aturan(
        spec.aturan,
        tabel,
        tahun,
        iku.kode,
        spec.tabel,
        tanpa_masukan_tidak_terukur=spec.cara == "hitung",
        **dict(spec.opsi),
    )


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


def aturan_capaian(params: Params) -> CapaianRule:
    """The agency's capaian rule for the audit: (kode, realisasi, target) -> raw capaian.

    Uses each indicator's polarity and the agency's negative-polarity formula
    (``pengukuran.rumus_polaritas_negatif``), uncapped: the published capaian are
    compared before any cap.

    Raises
    ------
    KeyError
        (through ``iku_by_kode``) for a code that is not an IKU of the agency.
    """
    agency = params.agency

    def rule(kode: str, realisasi: float, target: float) -> float:
        return capaian_iku(agency.iku_by_kode(kode), realisasi, target, agency.pengukuran).mentah

    return rule


def iku_audit(year: int, processed: dict[str, pd.DataFrame]) -> list[Finding]:
    """Places where the printed IKU figures disagree with the engine's (data audit input).

    * realisasi printed in ``realisasi_iku`` vs the value a rule computes from the
      most precise inputs (counts: ``hitung`` IKU, and the ``pembanding`` rule of
      entered IKU);
    * target printed vs the Perjanjian Kinerja target in params;
    * capaian printed vs the capaian computed (with the IKU's polarity) from that
      realisasi.

    A printed figure is a finding only when the engine's value is outside its
    rounding interval. The places are grouped with the catalogue's by
    :func:`lkjip_helpers.data.audit.run_audit` (``extra``).
    """
    params = load_params(year)
    published = processed.get("realisasi_iku")
    findings: list[Finding] = []
    if published is None:
        return findings
    # A row of an IKU the agency does not have would otherwise fail later, in a check
    # that cannot say which table holds it.
    known = [i.kode for i in params.agency.iku]
    unknown = sorted(set(published["kode_iku"].astype(str)) - set(known))
    if unknown:
        raise ValidationError(
            f"table 'realisasi_iku' of {year} has kode_iku {', '.join(map(repr, unknown))}, "
            f"which is no IKU of params/agency.yaml (known: {', '.join(known)}); correct the "
            "code, or add the IKU to params/agency.yaml."
        )
    realisasi, capaian, _ = hitung(params, processed, year)
    cap = capaian.set_index("kode")
    spec = load_catalogue().tables.get("realisasi_iku")
    source = spec.source if spec is not None else "realisasi_iku"
    for idx, row in enumerate(published.itertuples(index=False)):
        kode = row.kode_iku
        if kode not in cap.index:
            continue
        iku = params.agency.iku_by_kode(kode)
        checks = [
            ("realisasi", "realisasi", row.realisasi, realisasi[kode].nilai, "realisasi_iku"),
            (
                "target",
                "target_publikasi",
                row.target_publikasi,
                target_for(iku, params.tahun),
                "realisasi_iku",
            ),
            (
                "capaian",
                "capaian_publikasi",
                row.capaian_publikasi,
                cap.at[kode, "capaian"],
                "capaian_iku",
            ),
        ]
        pemb = realisasi_pembanding(iku, processed, year)
        if pemb is not None:
            checks.append(
                (
                    "realisasi (hitung ulang)",
                    "realisasi",
                    row.realisasi,
                    pemb.nilai,
                    "realisasi_iku",
                )
            )
        for what, column, pub, hit, rule in checks:
            if pub is None or pd.isna(pub) or hit is None or pd.isna(hit):
                continue
            if differs(pub, Interval.exact(float(hit)), decimals_of(pub)):
                findings.append(
                    Finding(
                        tabel=source,
                        item=f"{kode}: {what}",
                        nilai_publikasi=float(pub),
                        nilai_hitung=round(float(hit), 6),
                        selisih=round(float(pub) - float(hit), 6),
                        aturan=rule,
                        tabel_data="realisasi_iku",
                        keterangan=realisasi[kode].aturan if what.startswith("realisasi") else "",
                        material=True,
                        kolom=column,
                        # the printed cell of realisasi_iku: groups with the catalogue's checks
                        cell=("realisasi_iku", idx, column),
                    )
                )
    return findings
