"""The analyses a reviewer checks (PermenPAN-RB 53/2014), per IKU and per sasaran.

Pure functions of the report context: the summary tables of the Ikhtisar
Eksekutif, the conclusions of Bab IV (figure, category, trend), the comparison
with every earlier year, the progress still needed towards the Renstra end
target, and efficiency as budget absorption next to capaian. Every figure is
computed here from data and formatted by :mod:`lkjip_helpers.laporan.formatting`;
the wording comes from ``params/narrative.yaml``.
"""

from __future__ import annotations

import math
import re

import pandas as pd

from lkjip_helpers.indikator.anggaran import serapan
from lkjip_helpers.indikator.capaian import capaian_iku, tidak_terukur
from lkjip_helpers.laporan import formatting as fmt
from lkjip_helpers.laporan.context import Konteks
from lkjip_helpers.laporan.markdown import Markdown, gabung
from lkjip_helpers.laporan.sentences import (
    isi,
    kalimat_anggaran,
    kalimat_capaian_baris,
    kalimat_tren,
    load_templat,
)
from lkjip_helpers.laporan.tables import (
    TIDAK_TERSEDIA,
    TIDAK_TERUKUR,
    anggaran_sasaran,
    baris_belanja,
    daftar_kata,
    nama_judul,
    riwayat_iku,
    riwayat_terukur,
    sel_capaian,
    sel_realisasi,
    terukur_iku,
)


def _kosong(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _satuan_perubahan(satuan: str) -> str:
    t = load_templat()
    s = (satuan or "").strip().lower()
    if s in t.satuan_perubahan:
        return t.satuan_perubahan[s]
    return t.satuan_perubahan.get("lainnya", "{satuan}").replace("{satuan}", satuan or "")


def perubahan_teks(nilai: float, nilai_lalu: float, satuan: str) -> str:
    """'naik 3,38 poin persentase' / 'turun 2 poin' / 'tetap' (wording from params)."""
    t = load_templat()
    return fmt.perubahan(
        float(nilai) - float(nilai_lalu),
        _satuan_perubahan(satuan),
        t.desimal,
        kata_naik=t.arah["naik"],
        kata_turun=t.arah["turun"],
        kata_tetap=t.arah["tetap"],
        ringkas=fmt.satuan_hitungan(satuan),
    )


# ------------------------------------------------------------------ per IKU


def perbandingan_tahun(ctx: Konteks, kode: str) -> str:
    """This year's realisasi against *every* earlier year with data, in one clause.

    An earlier year of the history without realisasi is named as not available
    (never compared). Returns '' when there is nothing to compare: no earlier year,
    or no realisasi this year.
    """
    iku = ctx.agency.iku_by_kode(kode)
    r = riwayat_iku(ctx, kode)
    now = r.iloc[-1]
    if fmt.kosong(now["realisasi"]):
        return ""
    bagian = []
    for row in r.iloc[:-1].itertuples(index=False):
        if fmt.kosong(row.realisasi):
            bagian.append(isi("banding_tidak_tersedia", {"tahun_lalu": fmt.tahun(int(row.tahun))}))
            continue
        bagian.append(
            isi(
                "banding_tahun",
                {
                    "tahun_lalu": fmt.tahun(int(row.tahun)),
                    "nilai_lalu": fmt.nilai_satuan(row.realisasi, iku.satuan),
                    "perubahan": perubahan_teks(now["realisasi"], row.realisasi, iku.satuan),
                },
            )
        )
    if not any(not fmt.kosong(v) for v in r.iloc[:-1]["realisasi"]):
        return ""  # nothing compared: the missing years are named by the history table
    return gabung(bagian, "; ")


def kalimat_tren_iku(ctx: Konteks, kode: str) -> str:
    """This year's realisasi against the last earlier year that has one ('' if none)."""
    iku = ctx.agency.iku_by_kode(kode)
    if not terukur_iku(ctx, kode):
        return ""
    lalu = riwayat_terukur(ctx, kode)
    if lalu.empty:
        return ""
    row = lalu.iloc[-1]
    now = ctx.capaian.set_index("kode").loc[kode]
    return kalimat_tren(
        iku.nama,
        now["realisasi"],
        row["realisasi"],
        ctx.tahun,
        satuan=iku.satuan,
        tahun_lalu=int(row["tahun"]),
    )


def kalimat_capaian_iku(ctx: Konteks, kode: str) -> str:
    """The capaian sentence of an IKU section: with the capped value when the cap
    changed it, or why the IKU cannot be measured."""
    iku = ctx.agency.iku_by_kode(kode)
    b = ctx.capaian.set_index("kode").loc[kode]
    if not terukur_iku(ctx, kode):
        return isi(
            "capaian_iku_tidak_terukur",
            {
                "nama": iku.nama,
                "target": fmt.nilai_satuan(b["target"], iku.satuan, ringkas=True),
                "alasan": str(b["keterangan"]).rstrip("."),
            },
        )
    baris = {**b.to_dict(), "kode": kode}
    if fmt.capaian(b["capaian"], b["capaian_dibatasi"]) == fmt.persen(b["capaian"]):
        return kalimat_capaian_baris(baris)
    return isi(
        "capaian_iku_dibatasi",
        {
            "nama": iku.nama,
            "realisasi": fmt.nilai_satuan(b["realisasi"], iku.satuan),
            "target": fmt.nilai_satuan(b["target"], iku.satuan, ringkas=True),
            "capaian": fmt.persen(b["capaian"]),
            "capaian_dibatasi": fmt.persen(b["capaian_dibatasi"]),
            "batas": fmt.persen(ctx.agency.pengukuran.batas_capaian, ringkas=True),
            "kategori": str(b["kategori"]),
        },
    )


def kalimat_tidak_terukur(ctx: Konteks) -> str:
    """Ikhtisar and Bab IV: the IKU that cannot be measured this year and why
    ('' when every IKU is measured)."""
    lewat = tidak_terukur(ctx.capaian)
    if lewat.empty:
        return ""
    daftar = [
        f'"{r.indikator}" ({str(r.keterangan).rstrip(".")})' for r in lewat.itertuples(index=False)
    ]
    return isi(
        "tidak_terukur_ringkas",
        {
            "jumlah": fmt.angka(len(lewat), 0),
            "jumlah_iku": fmt.angka(len(ctx.capaian), 0),
            "tahun": fmt.tahun(ctx.tahun),
            "daftar": "; ".join(daftar) if len(daftar) > 2 else daftar_kata(daftar),
        },
    )


def kalimat_simpulan_iku(ctx: Konteks, kode: str) -> str:
    """Bab IV conclusion of one IKU: figure, target, capaian, category and trend,
    or why it cannot be measured."""
    iku = ctx.agency.iku_by_kode(kode)
    b = ctx.capaian.set_index("kode").loc[kode]
    if not terukur_iku(ctx, kode):
        return isi(
            "simpulan_iku_tidak_terukur",
            {
                "nama": iku.nama,
                "tahun": fmt.tahun(ctx.tahun),
                "target": fmt.nilai_satuan(b["target"], iku.satuan, ringkas=True),
                "alasan": str(b["keterangan"]).rstrip("."),
            },
        )
    tren = perbandingan_tahun(ctx, kode)
    nilai = {
        "nama": iku.nama,
        "realisasi": fmt.nilai_satuan(b["realisasi"], iku.satuan),
        "target": fmt.nilai_satuan(b["target"], iku.satuan, ringkas=True),
        "capaian": sel_capaian(b["capaian"], b["capaian_dibatasi"]),
        "kategori": str(b["kategori"]),
        "tahun": fmt.tahun(ctx.tahun),
        "perbandingan": tren,
    }
    return isi("simpulan_iku_tren" if tren else "simpulan_iku", nilai)


def kalimat_simpulan_sasaran(ctx: Konteks, kode_sasaran: str) -> str:
    """Bab IV conclusion of one sasaran: average capaian, category and budget absorption."""
    s = ctx.agency.sasaran_by_kode(kode_sasaran)
    b = ctx.sasaran[ctx.sasaran["sasaran"] == kode_sasaran].iloc[0]
    batas = ctx.agency.pengukuran.batas_capaian
    ang = anggaran_sasaran(ctx).set_index("sasaran")
    lewat = [k for k in str(b.get("tidak_terukur", "") or "").split(", ") if k]
    nama_lewat = daftar_kata([f'"{ctx.agency.iku_by_kode(k).nama}"' for k in lewat])
    if fmt.kosong(b["capaian"]):
        teks = isi(
            "simpulan_sasaran_tidak_terukur",
            {"sasaran": s.teks, "jumlah_iku": fmt.angka(len(lewat), 0)},
        )
        return _tambah_anggaran_sasaran(teks, ang, kode_sasaran)
    nilai = {
        "sasaran": s.teks,
        "jumlah_iku": fmt.angka(int(b["jumlah_iku"]), 0),
        "capaian": fmt.persen(b["capaian"]),
        "capaian_dibatasi": fmt.persen(b["capaian_dibatasi"]),
        "kategori": str(b["kategori"]),
        "batas": fmt.persen(batas, ringkas=True) if batas else "",
    }
    teks = isi("simpulan_sasaran_dibatasi" if batas else "simpulan_sasaran", nilai)
    if lewat:
        teks = gabung([teks, isi("simpulan_sasaran_tanpa", {"indikator": nama_lewat})])
    return _tambah_anggaran_sasaran(teks, ang, kode_sasaran)


def _tambah_anggaran_sasaran(teks: Markdown, ang: pd.DataFrame, kode_sasaran: str) -> Markdown:
    if kode_sasaran in ang.index:
        a = ang.loc[kode_sasaran]
        teks += " " + isi(
            "simpulan_sasaran_anggaran",
            {
                "anggaran": fmt.rupiah(a["anggaran"]),
                "realisasi": fmt.rupiah(a["realisasi"]),
                "serapan": fmt.persen(a["serapan"]),
            },
        )
    return teks


def renstra_progres(ctx: Konteks, kode: str) -> pd.DataFrame:
    """Renstra targets of the remaining years and the progress still needed per year.

    Columns ``tahun, target`` for each Renstra year after the report year, plus
    ``kebutuhan``: the change of realisasi needed per remaining year to reach the
    end target from this year's realisasi (signed: positive = must rise). Empty
    when the report year is the last Renstra year or no end target is set;
    ``kebutuhan`` is empty when the IKU cannot be measured this year.
    """
    iku = ctx.agency.iku_by_kode(kode)
    akhir = ctx.agency.renstra.periode_akhir
    target_akhir = iku.target_renstra.get(akhir)
    if target_akhir is None or ctx.tahun >= akhir:
        return pd.DataFrame(columns=["tahun", "target", "kebutuhan"])
    real = float(ctx.capaian.set_index("kode").at[kode, "realisasi"])
    sisa = akhir - ctx.tahun
    # no realisasi this year: the targets stay, the progress needed is unknown (NaN)
    per_tahun = (float(target_akhir) - real) / sisa
    rows = [
        {"tahun": y, "target": iku.target_renstra.get(y), "kebutuhan": per_tahun}
        for y in range(ctx.tahun + 1, akhir + 1)
    ]
    return pd.DataFrame(rows)


def kalimat_renstra_sisa(ctx: Konteks, kode: str) -> str:
    """Progress towards the Renstra end target and what each remaining year needs.

    A positive IKU is "setara dengan x% dari target akhir" (its capaian against the
    end target, from :func:`capaian_iku`); a negative one speaks of the reduction
    still needed, never of a percentage of the target. '' when no end target is set
    or when no end target is set; an IKU that cannot be measured this year says
    that its progress cannot be judged.
    """
    iku = ctx.agency.iku_by_kode(kode)
    akhir = ctx.agency.renstra.periode_akhir
    target_akhir = iku.target_renstra.get(akhir)
    if target_akhir is None:
        return ""
    real = float(ctx.capaian.set_index("kode").at[kode, "realisasi"])
    nilai = {
        "nama": iku.nama,
        "tahun": fmt.tahun(ctx.tahun),
        "realisasi": fmt.nilai_satuan(real, iku.satuan),
        "tahun_akhir": fmt.tahun(akhir),
        "target_akhir": fmt.nilai_satuan(target_akhir, iku.satuan, ringkas=True),
    }
    if not terukur_iku(ctx, kode):
        return isi("renstra_tidak_terukur", nilai)
    if iku.polaritas == "negatif":
        return _renstra_negatif(ctx, iku, real, float(target_akhir), nilai)
    progres = capaian_iku(iku, real, target_akhir, ctx.agency.pengukuran).mentah
    nilai["progres"] = fmt.persen(progres)
    if ctx.tahun >= akhir:
        return isi("renstra_akhir", nilai)
    p = renstra_progres(ctx, kode)
    kebutuhan = float(p["kebutuhan"].iloc[0])
    nilai["sisa_tahun"] = fmt.angka(akhir - ctx.tahun, 0)
    nilai["kebutuhan"] = fmt.nilai_satuan(abs(kebutuhan), iku.satuan)
    return isi("renstra_sudah" if kebutuhan <= 0 else "renstra_sisa", nilai)


def _renstra_negatif(ctx: Konteks, iku, real: float, target_akhir: float, nilai: dict) -> str:
    """The Renstra sentence of a negative IKU: the reduction still needed, if any."""
    akhir = ctx.agency.renstra.periode_akhir
    turun = real - target_akhir
    if turun <= 0:
        return isi(
            "renstra_tercapai_negatif" if ctx.tahun >= akhir else "renstra_sudah_negatif", nilai
        )
    nilai["penurunan"] = fmt.nilai_satuan(turun, iku.satuan)
    if ctx.tahun >= akhir:
        return isi("renstra_akhir_negatif", nilai)
    sisa = akhir - ctx.tahun
    nilai["sisa_tahun"] = fmt.angka(sisa, 0)
    nilai["kebutuhan"] = fmt.nilai_satuan(turun / sisa, iku.satuan)
    return isi("renstra_sisa_negatif", nilai)


def tabel_renstra_sisa(ctx: Konteks, kode: str) -> pd.DataFrame:
    """Remaining Renstra years: each target and where this year's realisasi stands."""
    iku = ctx.agency.iku_by_kode(kode)
    p = renstra_progres(ctx, kode)
    real = float(ctx.capaian.set_index("kode").at[kode, "realisasi"])

    def posisi(target) -> str:
        if _kosong(target):
            return fmt.KOSONG
        if _kosong(real):
            return TIDAK_TERSEDIA
        beda = real - float(target)
        tercapai = beda >= 0 if iku.polaritas != "negatif" else beda <= 0
        if tercapai:
            return "telah tercapai"
        if iku.polaritas == "negatif":
            return f"perlu turun {fmt.nilai_satuan(abs(beda), iku.satuan)}"
        return f"kurang {fmt.nilai_satuan(abs(beda), iku.satuan)}"

    return pd.DataFrame(
        {
            "Tahun": [fmt.tahun(int(y)) for y in p["tahun"]],
            "Target Renstra": [
                fmt.nilai_satuan(v, iku.satuan, ringkas=True) if not _kosong(v) else fmt.KOSONG
                for v in p["target"]
            ],
            f"Dibandingkan Realisasi {fmt.tahun(ctx.tahun)}": [posisi(v) for v in p["target"]],
        }
    )


def nilai_prosa_iku(ctx: Konteks, kode: str) -> dict[str, object]:
    """Formatted figures an analyst's prose on one IKU may quote (placeholders).

    ``iku_nama, iku_target, iku_realisasi, iku_capaian, iku_kategori``,
    ``iku_sisa_penuh`` (for a percentage: what is missing to 100%) and
    ``masukan`` (the inputs of a computed realisasi, a year in the key named relative
    to the report year: ``{masukan[kasus]}``, ``{masukan[kasus_lalu]}``).
    """
    iku = ctx.agency.iku_by_kode(kode)
    b = ctx.capaian.set_index("kode").loc[kode]
    h = ctx.realisasi.get(kode)
    masukan = {}
    for k, v in (dict(h.masukan) if h is not None else {}).items():
        # a year in a key is named relative to the report year, so that the prose
        # of next year reads the same: kasus_2017 -> kasus, kasus_2016 -> kasus_lalu
        m = re.fullmatch(r"(?P<stub>.+)_(?P<tahun>\d{4})", str(k))
        if m and int(m.group("tahun")) == ctx.tahun:
            k = m.group("stub")
        elif m and int(m.group("tahun")) == ctx.tahun - 1:
            k = f"{m.group('stub')}_lalu"
        masukan[str(k)] = fmt.angka(v, 2, ringkas=True) if isinstance(v, (int, float)) else str(v)
    ada = not fmt.kosong(b["realisasi"])
    return {
        "iku_nama": iku.nama,
        "iku_target": fmt.nilai_satuan(b["target"], iku.satuan, ringkas=True),
        "iku_realisasi": sel_realisasi(b["realisasi"], iku.satuan),
        "iku_capaian": fmt.persen(b["capaian"]) if ada else TIDAK_TERUKUR,
        "iku_kategori": str(b["kategori"]),
        "iku_sisa_penuh": fmt.persen(100 - float(b["realisasi"]))
        if iku.satuan == "persen" and ada
        else fmt.KOSONG,
        "masukan": masukan,
    }


def kalimat_standar(ctx: Konteks, kode: str) -> str:
    """Realisasi against the national/regional standard of params ('' when none is set)."""
    st = standar_iku(ctx, kode)
    if st is None or not terukur_iku(ctx, kode):
        return ""
    iku = ctx.agency.iku_by_kode(kode)
    real = float(ctx.capaian.set_index("kode").at[kode, "realisasi"])
    beda = real - st["nilai"]
    lebih_baik = beda >= 0 if iku.polaritas != "negatif" else beda <= 0
    return isi(
        "standar_di_atas" if lebih_baik else "standar_di_bawah",
        {
            "realisasi": fmt.nilai_satuan(real, iku.satuan),
            "standar": fmt.nilai_satuan(st["nilai"], iku.satuan, ringkas=True),
            "sumber": st["sumber"],
            "selisih": fmt.nilai_satuan(abs(beda), iku.satuan),
        },
    )


# ------------------------------------------------------------ budget per IKU


def anggaran_iku(ctx: Konteks) -> pd.DataFrame:
    """Budget and realisation of the kegiatan supporting each IKU (``program_sasaran``).

    Anggaran and realisasi come from ``realisasi_belanja`` (the kegiatan's own
    row), matched on the kegiatan code; an IKU without kegiatan has no row.
    Columns ``kode_iku, anggaran, realisasi, serapan, jumlah_kegiatan``.
    """
    ps = ctx.t("program_sasaran")
    keg = ps[(ps["tingkat"] == "kegiatan") & ps["kode"].notna()]
    bel = ctx.t("realisasi_belanja")
    bel = bel[bel["tingkat"] == "kegiatan"][["kode", "anggaran", "realisasi"]]
    m = keg[["kode_iku", "kode"]].merge(bel, on="kode", how="left")
    out = (
        m.groupby("kode_iku", sort=False)
        .agg(
            anggaran=("anggaran", "sum"),
            realisasi=("realisasi", "sum"),
            jumlah_kegiatan=("kode", "nunique"),
        )
        .reset_index()
    )
    out["serapan"] = [
        serapan(r, a) if a else None for r, a in zip(out["realisasi"], out["anggaran"], strict=True)
    ]
    return out


def tabel_efisiensi(ctx: Konteks) -> pd.DataFrame:
    """Efficiency (PermenPAN-RB 53/2014): capaian next to budget absorption,
    per sasaran and per IKU."""
    per_iku = anggaran_iku(ctx).set_index("kode_iku")
    per_sas = anggaran_sasaran(ctx).set_index("sasaran")
    rows = []
    for s in ctx.agency.sasaran:
        b = ctx.sasaran[ctx.sasaran["sasaran"] == s.kode]
        a = per_sas.loc[s.kode] if s.kode in per_sas.index else None
        cap = fmt.KOSONG
        if len(b) and fmt.kosong(b.iloc[0]["capaian"]):
            cap = TIDAK_TERUKUR
        elif len(b):
            cap = fmt.persen(b.iloc[0]["capaian"])
            if ctx.agency.pengukuran.batas_capaian:
                cap = f"{cap} ({fmt.persen(b.iloc[0]['capaian_dibatasi'])})"
        rows.append(
            {
                "Sasaran / Indikator": f"Sasaran: {s.teks}",
                "Capaian": cap,
                "Anggaran": fmt.rupiah(a["anggaran"]) if a is not None else fmt.KOSONG,
                "Realisasi": fmt.rupiah(a["realisasi"]) if a is not None else fmt.KOSONG,
                "Serapan": fmt.persen(a["serapan"]) if a is not None else fmt.KOSONG,
            }
        )
        for r in ctx.capaian[ctx.capaian["sasaran"] == s.kode].itertuples(index=False):
            a = per_iku.loc[r.kode] if r.kode in per_iku.index else None
            rows.append(
                {
                    "Sasaran / Indikator": r.indikator,
                    "Capaian": sel_capaian(r.capaian, r.capaian_dibatasi),
                    "Anggaran": fmt.rupiah(a["anggaran"]) if a is not None else fmt.KOSONG,
                    "Realisasi": fmt.rupiah(a["realisasi"]) if a is not None else fmt.KOSONG,
                    "Serapan": fmt.persen(a["serapan"]) if a is not None else fmt.KOSONG,
                }
            )
    return pd.DataFrame(rows)


def kalimat_efisiensi_iku(ctx: Konteks, kode: str) -> str:
    """Capaian next to the absorption of the kegiatan behind this IKU ('' without any)."""
    per_iku = anggaran_iku(ctx).set_index("kode_iku")
    b = ctx.capaian.set_index("kode").loc[kode]
    terukur = terukur_iku(ctx, kode)
    if kode not in per_iku.index:
        if not terukur:
            return ""
        return isi("efisiensi_tanpa_kegiatan", {"capaian": fmt.persen(b["capaian"])})
    a = per_iku.loc[kode]
    return isi(
        "efisiensi_iku" if terukur else "efisiensi_iku_tidak_terukur",
        {
            "capaian": fmt.persen(b["capaian"]),
            "jumlah_kegiatan": fmt.angka(int(a["jumlah_kegiatan"]), 0),
            "anggaran": fmt.rupiah(a["anggaran"]),
            "realisasi": fmt.rupiah(a["realisasi"]),
            "serapan": fmt.persen(a["serapan"]),
        },
    )


def tabel_program_iku(ctx: Konteks, kode: str) -> pd.DataFrame:
    """Programmes and kegiatan supporting one IKU, with budget, realisation, absorption."""
    ps = ctx.t("program_sasaran")
    keg = ps[(ps["tingkat"] == "kegiatan") & (ps["kode_iku"] == kode)]
    bel = ctx.t("realisasi_belanja")
    bel = bel[bel["tingkat"] == "kegiatan"].set_index("kode")
    rows = []
    for r in keg.itertuples(index=False):
        real = bel.at[r.kode, "realisasi"] if r.kode in bel.index else None
        ang = bel.at[r.kode, "anggaran"] if r.kode in bel.index else r.anggaran
        rows.append(
            {
                "Program": str(r.program),
                "Kegiatan": str(r.kegiatan),
                "Anggaran": fmt.rupiah(ang),
                "Realisasi": fmt.rupiah(real),
                "Serapan": fmt.persen(serapan(real, ang))
                if real is not None and ang
                else fmt.KOSONG,
            }
        )
    return pd.DataFrame(rows, columns=["Program", "Kegiatan", "Anggaran", "Realisasi", "Serapan"])


# ------------------------------------------------------------------ summaries


def tabel_ikhtisar(ctx: Konteks) -> pd.DataFrame:
    """The Ikhtisar's summary: every IKU with target, realisasi, capaian, category."""
    rows = []
    for s in ctx.agency.sasaran:
        for i, r in enumerate(
            ctx.capaian[ctx.capaian["sasaran"] == s.kode].itertuples(index=False)
        ):
            rows.append(
                {
                    "Sasaran Strategis": s.teks if i == 0 else "",
                    "Indikator Kinerja Utama": r.indikator,
                    "Target": fmt.nilai_satuan(r.target, r.satuan, ringkas=True),
                    "Realisasi": sel_realisasi(r.realisasi, r.satuan),
                    "Capaian": sel_capaian(r.capaian, r.capaian_dibatasi),
                    "Kategori": str(r.kategori),
                }
            )
    return pd.DataFrame(rows)


def tabel_ikhtisar_anggaran(ctx: Konteks) -> pd.DataFrame:
    """The Ikhtisar's budget summary: each kind of spending and the total, recomputed
    (a line without realisasi: "data tidak tersedia", and no total realisasi)."""
    rinci = baris_belanja(ctx)
    lengkap = rinci["realisasi"].notna().all()

    def sel(real, ang) -> dict:
        ada = not fmt.kosong(real)
        return {
            "Anggaran": fmt.rupiah(ang),
            "Realisasi": fmt.rupiah(real) if ada else TIDAK_TERSEDIA,
            "Serapan": fmt.persen(serapan(real, ang)) if ada and ang else fmt.KOSONG,
        }

    rows = [
        {"Uraian": nama_judul(r.uraian), **sel(r.realisasi, r.pagu_perubahan)}
        for r in rinci.itertuples(index=False)
    ]
    ta = rinci["pagu_perubahan"].sum()
    rows.append({"Uraian": "Jumlah", **sel(rinci["realisasi"].sum() if lengkap else None, ta)})
    return pd.DataFrame(rows)


def kalimat_anggaran_belanja(ctx: Konteks) -> list[str]:
    """One budget sentence per line of ``anggaran_belanja`` (BTL, BL...); a line
    without realisasi says so and why."""
    out = []
    for r in baris_belanja(ctx).itertuples(index=False):
        uraian = nama_judul(r.uraian)
        if fmt.kosong(r.realisasi):
            out.append(
                isi(
                    "anggaran_tidak_tersedia",
                    {
                        "uraian": uraian,
                        "anggaran": fmt.rupiah(r.pagu_perubahan),
                        "alasan": str(r.alasan_tidak_tersedia).rstrip(".") or TIDAK_TERSEDIA,
                    },
                )
            )
        else:
            out.append(kalimat_anggaran(uraian, r.pagu_perubahan, r.realisasi))
    return out


def kalimat_anggaran_total(ctx: Konteks, uraian: str = "Total belanja") -> str:
    """The total budget sentence; when a line has no realisasi the total is not
    computed and the sentence names the missing line."""
    rinci = baris_belanja(ctx)
    kosong = rinci[rinci["realisasi"].isna()]
    if len(kosong):
        return isi(
            "anggaran_tidak_lengkap",
            {
                "uraian": uraian,
                "anggaran": fmt.rupiah(rinci["pagu_perubahan"].sum()),
                "daftar": daftar_kata([nama_judul(u) for u in kosong["uraian"]]),
            },
        )
    return kalimat_anggaran(uraian, rinci["pagu_perubahan"].sum(), rinci["realisasi"].sum())


def tabel_simpulan(ctx: Konteks) -> pd.DataFrame:
    """Bab IV: each IKU's capaian, category and change against the last earlier
    year with a realisasi."""
    rows = []
    for r in ctx.capaian.itertuples(index=False):
        iku = ctx.agency.iku_by_kode(r.kode)
        lalu = riwayat_terukur(ctx, r.kode)
        if len(lalu) and not fmt.kosong(r.realisasi):
            row = lalu.iloc[-1]
            tren = (
                f"{perubahan_teks(r.realisasi, row['realisasi'], iku.satuan)} "
                f"dari {fmt.tahun(int(row['tahun']))}"
            )
        else:
            tren = fmt.KOSONG
        rows.append(
            {
                "Indikator Kinerja Utama": r.indikator,
                "Realisasi": sel_realisasi(r.realisasi, r.satuan),
                "Capaian": sel_capaian(r.capaian, r.capaian_dibatasi),
                "Kategori": str(r.kategori),
                "Perubahan Realisasi": tren,
            }
        )
    return pd.DataFrame(rows)


def standar_iku(ctx: Konteks, kode: str) -> dict | None:
    """The optional national or regional standard of an IKU (``iku[].standar``), or None."""
    st = ctx.agency.iku_by_kode(kode).standar
    return None if st is None else {"nilai": st.nilai, "sumber": st.sumber}
