"""The report's tables and charts, built from the context (pure functions).

Each ``tabel_*`` returns a DataFrame of formatted strings (the formatting module
does every number) with Indonesian column headers, ready for
``report.show_table``. Published totals are never shown: totals and
percentages are recomputed from the detail rows (the audit appendix shows where
the published figures differ).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from lkjip_helpers.core.exceptions import CalculationError, MissingDataError, ParamsError
from lkjip_helpers.data.audit import PENYAJIAN, RULE_LABELS, summary_counts, tabel_laporan
from lkjip_helpers.data.catalogue import load_catalogue
from lkjip_helpers.indikator.anggaran import serapan
from lkjip_helpers.indikator.capaian import (
    KATEGORI_TIDAK_TERUKUR,
    STATUS_TIDAK_TERUKUR,
    capaian_iku,
    tidak_terukur,
)
from lkjip_helpers.indikator.pengukuran import hitung_realisasi
from lkjip_helpers.indikator.scales import get_scale
from lkjip_helpers.laporan import charts
from lkjip_helpers.laporan import formatting as fmt
from lkjip_helpers.laporan.context import Konteks
from lkjip_helpers.laporan.markdown import Markdown, escape_markdown, gabung
from lkjip_helpers.laporan.sentences import isi

#: Printed instead of a realisasi (or any figure) the data declares not available.
TIDAK_TERSEDIA = "data tidak tersedia"
#: Printed instead of the capaian of an IKU that cannot be measured.
TIDAK_TERUKUR = KATEGORI_TIDAK_TERUKUR.lower()


def sel_realisasi(nilai: object, satuan: str, ringkas: bool = False) -> str:
    """A realisasi cell: the figure in its unit, or "data tidak tersedia"."""
    teks = fmt.nilai_satuan(nilai, satuan, ringkas=ringkas)  # type: ignore[arg-type]
    return TIDAK_TERSEDIA if teks == fmt.KOSONG else teks


def sel_capaian(mentah: object, dibatasi: object = None) -> str:
    """A capaian cell: raw, with the capped value beside it when the cap changed it;
    "tidak dapat diukur" when there is no capaian."""
    teks = fmt.capaian(mentah, dibatasi)  # type: ignore[arg-type]
    return TIDAK_TERUKUR if teks == fmt.KOSONG else teks


def terukur_iku(ctx: Konteks, kode: str) -> bool:
    """True when the IKU's capaian of the report year is computed (realisasi available)."""
    b = ctx.capaian.set_index("kode").loc[kode]
    return b.get("status") != STATUS_TIDAK_TERUKUR


def tabel_komposisi(
    frame: pd.DataFrame,
    kategori: str,
    judul_kategori: str,
    nilai: str = "jumlah",
    nama_tabel: str | None = None,
) -> pd.DataFrame:
    """Staff composition by category and year, one truth per figure (docs/satu_angka.md).

    ``frame`` is a tidy table (``kategori, jenis_baris, tahun, jumlah[, persen]``).
    A misprinted detail row is corrected only on unambiguous evidence
    (:func:`koreksi_rincian`); a printed total is shown as printed, and is the
    sum of the rows when none is printed. The last year gets a share column.
    Notes for the reader (each correction, each total that the rows do not add up
    to) are in ``result.attrs["catatan"]``, naming the published table
    ``nama_tabel`` comes from.
    """
    frame, koreksi = koreksi_rincian(frame, kategori, nilai)
    rincian = frame[frame["jenis_baris"] == "rincian"] if "jenis_baris" in frame else frame
    wide = rincian.pivot_table(
        index=kategori, columns="tahun", values=nilai, aggfunc="sum", sort=False
    )
    order = list(dict.fromkeys(rincian[kategori]))
    wide = wide.reindex(order)
    years = [int(c) for c in wide.columns]
    last = years[-1]
    tercetak = {}
    if "jenis_baris" in frame:
        jml = frame[(frame["jenis_baris"] == "jumlah") & frame[nilai].notna()]
        tercetak = {int(t): float(v) for t, v in zip(jml["tahun"], jml[nilai], strict=True)}
    total = {y: tercetak.get(y, wide[y].sum()) for y in years}
    out = pd.DataFrame({judul_kategori: list(wide.index)})
    for y in years:
        out[fmt.tahun(y)] = [fmt.angka(v, 0) for v in wide[y]]
    total_last = total[last]
    out[f"% {fmt.tahun(last)}"] = [
        fmt.persen(v / total_last * 100) if total_last else fmt.KOSONG for v in wide[last]
    ]
    jumlah = {judul_kategori: "Jumlah"}
    for y in years:
        jumlah[fmt.tahun(y)] = fmt.angka(total[y], 0)
    jumlah[f"% {fmt.tahun(last)}"] = fmt.persen(100 if total_last else None)
    result = pd.concat([out, pd.DataFrame([jumlah])], ignore_index=True)
    result.attrs["catatan"] = catatan_koreksi(
        koreksi, selisih_jumlah(frame, nilai), sumber_terbitan(nama_tabel)
    )
    return result


def sumber_terbitan(nama_tabel: str | None) -> str:
    """'Tabel 1.1 LKjIP terbitan': where a raw table was printed (from the catalogue)."""

    if not nama_tabel:
        return "LKjIP terbitan"
    try:
        entry = load_catalogue().tables.get(nama_tabel)
    except (ParamsError, OSError):
        entry = None
    source = getattr(entry, "source", None)
    if not source:
        return "LKjIP terbitan"
    if _TABEL_TERBITAN.search(str(source)):
        return bukti_terbitan(str(source))
    return f"LKjIP terbitan, {source}"


def catatan_koreksi(koreksi: list[dict], selisih: list[dict], sumber: str) -> list[str]:
    """Notes under a table: each corrected row, and each printed total kept as printed."""

    notes = [
        isi(
            "catatan_koreksi_rincian",
            {
                "kategori": k["kategori"],
                "tahun": fmt.tahun(k["tahun"]),
                "tercetak": fmt.angka(k["tercetak"], 0),
                "dipakai": fmt.angka(k["dipakai"], 0),
                "jumlah": fmt.angka(k["jumlah"], 0),
                "persen": fmt.persen(k["persen"]),
                "sumber": sumber,
            },
        )
        for k in koreksi
    ]
    notes += [
        isi(
            "catatan_selisih_jumlah",
            {
                "tahun": fmt.tahun(d["tahun"]),
                "jumlah": fmt.angka(d["jumlah"], 0),
                "rincian": fmt.angka(d["rincian"], 0),
                "sumber": sumber,
            },
        )
        for d in selisih
    ]
    return notes


def catatan_tabel(tabel: pd.DataFrame, *lain: str) -> str:
    """The notes of a table (``attrs["catatan"]``) after the given general notes, one text."""
    return gabung([*(n for n in lain if n), *tabel.attrs.get("catatan", [])])


def koreksi_rincian(
    frame: pd.DataFrame, kategori: str, nilai: str = "jumlah", persen: str = "persen"
) -> tuple[pd.DataFrame, list[dict]]:
    """Correct a misprinted detail row only on unambiguous evidence (docs/satu_angka.md).

    For each year whose detail rows do not add up to the printed total, a row is
    corrected when exactly one row's printed percentage of the printed total gives a
    whole number that makes the rows add up to that total (the total and the
    percentage agree on the value). Anything else is left as published.

    Returns the frame (a copy, corrected rows replaced) and one dict per correction
    (``kategori, tahun, tercetak, dipakai, jumlah, persen``).
    """
    if "jenis_baris" not in frame or persen not in frame or "tahun" not in frame:
        return frame, []
    out = frame.copy()
    koreksi = []
    for tahun, grup in out.groupby("tahun", sort=True):
        total = grup.loc[grup["jenis_baris"] == "jumlah", nilai].dropna()
        rinci = grup[grup["jenis_baris"] == "rincian"]
        if total.empty or rinci[nilai].isna().any():
            continue
        t = float(total.iloc[0])
        s = float(rinci[nilai].sum())
        if t == s or t <= 0:
            continue
        calon = []
        for idx, r in rinci.iterrows():
            p = r[persen]
            if pd.isna(p):
                continue
            k = round(float(p) * t / 100)
            # the percentage must be exactly the printed rounding of k / total
            if (
                k != r[nilai]
                and round(k / t * 100, 2) == round(float(p), 2)
                and s - r[nilai] + k == t
            ):
                calon.append((idx, k, r))
        if len(calon) != 1:
            continue
        idx, k, r = calon[0]
        koreksi.append(
            {
                "kategori": str(r[kategori]),
                "tahun": int(tahun),
                "tercetak": r[nilai],
                "dipakai": k,
                "jumlah": t,
                "persen": float(r[persen]),
            }
        )
        out.loc[idx, nilai] = k
    return out, koreksi


def selisih_jumlah(frame: pd.DataFrame, nilai: str = "jumlah") -> list[dict]:
    """Years whose printed total differs from the sum of the detail rows (``tahun, jumlah, rincian``)."""
    if "jenis_baris" not in frame or "tahun" not in frame:
        return []
    out = []
    for tahun, grup in frame.groupby("tahun", sort=True):
        total = grup.loc[grup["jenis_baris"] == "jumlah", nilai].dropna()
        rinci = grup.loc[grup["jenis_baris"] == "rincian", nilai]
        if total.empty or rinci.isna().all():
            continue
        if float(total.iloc[0]) != float(rinci.sum()):
            out.append(
                {"tahun": int(tahun), "jumlah": float(total.iloc[0]), "rincian": float(rinci.sum())}
            )
    return out


def tabel_capaian(ctx: Konteks) -> pd.DataFrame:
    """Tabel 3.1: IKU per sasaran with target, realisasi, capaian and category,
    followed by the sasaran averages (raw and capped).

    Each IKU's capaian shows its capped value beside the raw one when the cap
    changed it; an IKU whose realisasi is not available stays in the table as
    "tidak dapat diukur" (:func:`catatan_capaian` says why)."""
    rows = []
    a = ctx.agency
    for s in a.sasaran:
        cap = ctx.capaian[ctx.capaian["sasaran"] == s.kode]
        for i, r in enumerate(cap.itertuples(index=False)):
            rows.append(
                {
                    "Sasaran Strategis": s.teks if i == 0 else "",
                    "Indikator Kinerja": r.indikator,
                    "Target": fmt.nilai_satuan(r.target, r.satuan, ringkas=True),
                    "Realisasi": sel_realisasi(r.realisasi, r.satuan),
                    "Capaian": sel_capaian(r.capaian, r.capaian_dibatasi),
                    "Kategori": r.kategori,
                }
            )
        avg = ctx.sasaran[ctx.sasaran["sasaran"] == s.kode]
        if len(avg):
            r = avg.iloc[0]
            rata = (
                TIDAK_TERUKUR
                if fmt.kosong(r["capaian"])
                else f"{fmt.persen(r['capaian'])} ({fmt.persen(r['capaian_dibatasi'])})"
            )
            rows.append(
                {
                    "Sasaran Strategis": "",
                    "Indikator Kinerja": f"Rata-rata capaian sasaran (dibatasi {fmt.persen(a.pengukuran.batas_capaian, ringkas=True)})"
                    if a.pengukuran.batas_capaian
                    else "Rata-rata capaian sasaran",
                    "Target": "",
                    "Realisasi": "",
                    "Capaian": rata,
                    "Kategori": str(r["kategori"]),
                }
            )
    return pd.DataFrame(rows)


def rumus_capaian(ctx: Konteks) -> str:
    """The capaian formulas in use: positive, and negative when the year has a
    negative-polarity IKU (the agency's ``rumus_polaritas_negatif``)."""
    ada_negatif = any(i.polaritas == "negatif" for i in ctx.agency.iku_aktif(ctx.tahun))
    teks = isi("catatan_capaian", {})
    if ada_negatif:
        teks = gabung(
            [teks, isi(f"rumus_negatif_{ctx.agency.pengukuran.rumus_polaritas_negatif}", {})]
        )
    return teks


def catatan_tidak_terukur(ctx: Konteks) -> list[str]:
    """One note per IKU that cannot be measured (its reason), and the sasaran
    averages that leave it out."""
    out = []
    for r in tidak_terukur(ctx.capaian).itertuples(index=False):
        out.append(
            isi(
                "catatan_tidak_terukur",
                {"nama": r.indikator, "alasan": str(r.keterangan or "").rstrip(".")},
            )
        )
    for r in ctx.sasaran.itertuples(index=False):
        kode = [k for k in str(getattr(r, "tidak_terukur", "") or "").split(", ") if k]
        if kode:
            out.append(
                isi(
                    "catatan_rata_tanpa",
                    {
                        "sasaran": ctx.agency.sasaran_by_kode(r.sasaran).teks,
                        "indikator": daftar_kata(
                            [f'"{ctx.agency.iku_by_kode(k).nama}"' for k in kode]
                        ),
                    },
                )
            )
    return out


def catatan_capaian(ctx: Konteks) -> str:
    """Notes under the capaian table: the formulas in use, what cannot be measured and why."""
    return gabung([rumus_capaian(ctx), *catatan_tidak_terukur(ctx)])


def daftar_kata(kata: list[str]) -> str:
    """'a', 'a dan b', 'a, b dan c'."""
    if len(kata) <= 1:
        return "".join(kata)
    return f"{', '.join(kata[:-1])} dan {kata[-1]}"


def metode_negatif(ctx: Konteks, metode) -> str:
    """The method text for negative-polarity IKU, the one the agency's rule uses
    ('' when the year has no negative IKU). ``metode`` is the ``Seksi`` of
    ``params/teks/metode_pengukuran.md``.

    The formula itself is printed once per table of capaian, in the notes of
    :func:`rumus_capaian` (the capaian table of Bab III and the Lampiran): printed
    here too it would be the same sentence three times in the book.
    """
    if not any(i.polaritas == "negatif" for i in ctx.agency.iku_aktif(ctx.tahun)):
        return ""
    rumus = ctx.agency.pengukuran.rumus_polaritas_negatif
    judul = (
        "Progres negatif, skala terbalik"
        if rumus == "realisasi_per_target"
        else "Progres negatif, rumus berorientasi"
    )
    return metode[judul]


def grafik_capaian(ctx: Konteks):
    """The capaian chart of Bab III: raw capaian per IKU, the capped value beside it
    when a cap applies, and an IKU that cannot be measured annotated as such.

    Returns ``(figure, alt text)``.
    """
    df = ctx.capaian.assign(capaian_persen=ctx.capaian["capaian"])
    ys, labels = ["capaian_persen"], ["Capaian"]
    if ctx.agency.pengukuran.batas_capaian is not None:
        df = df.assign(capaian_batas=ctx.capaian["capaian_dibatasi"])
        ys, labels = [*ys, "capaian_batas"], [*labels, "Capaian dibatasi"]
    fig = charts.bar_chart(
        df,
        "kode",
        ys,
        labels=labels,
        ylabel="%",
        annotate=True,
        annotate_decimals=2,
        label_kosong=TIDAK_TERUKUR,
    )
    alt = "Diagram batang capaian setiap IKU dalam persen terhadap targetnya"
    if len(ys) > 1:
        alt += ", di samping capaian yang dibatasi"
    lewat = list(tidak_terukur(ctx.capaian)["kode"])
    if lewat:
        alt += f"; {', '.join(lewat)} {TIDAK_TERUKUR}"
    return fig, alt + "."


def tabel_renstra(ctx: Konteks) -> pd.DataFrame:
    """Tabel 2.4: tujuan, sasaran and IKU with Renstra targets per year."""
    a = ctx.agency
    years = list(a.renstra.tahun)
    rows = []
    for iku in a.iku:
        s = a.sasaran_by_kode(iku.sasaran)
        row = {"Sasaran": s.teks, "Indikator Sasaran": iku.nama}
        for y in years:
            v = iku.target_renstra.get(y)
            row[fmt.tahun(y)] = (
                fmt.nilai_satuan(v, iku.satuan, ringkas=True) if v is not None else fmt.KOSONG
            )
        rows.append(row)
    return pd.DataFrame(rows)


def realisasi_tujuan(ctx: Konteks, kode: str) -> str:
    """The realisasi of a tujuan indicator, or "belum diukur" when the data has none.

    Read from the optional table ``realisasi_tujuan`` (``kode_tujuan, tahun, realisasi``).
    """
    df = ctx.tabel["realisasi_tujuan"] if "realisasi_tujuan" in ctx.tabel else None
    if df is not None:
        hit = df[(df["kode_tujuan"] == kode) & (df["tahun"] == ctx.tahun)]
        if len(hit) and not pd.isna(hit.iloc[0]["realisasi"]):
            return fmt.angka(hit.iloc[0]["realisasi"], 2, ringkas=True)
    return "belum diukur"


def tabel_tujuan(ctx: Konteks) -> pd.DataFrame:
    """Tujuan with their indicator, Renstra target and this year's realisasi."""
    a = ctx.agency
    return pd.DataFrame(
        [
            {
                "Misi": a.misi_by_kode(t.misi).teks,
                "Tujuan": t.teks,
                "Indikator Tujuan": t.indikator,
                "Target": fmt.angka(t.target, ringkas=True) if t.target is not None else fmt.KOSONG,
                f"Realisasi {fmt.tahun(ctx.tahun)}": realisasi_tujuan(ctx, t.kode),
            }
            for t in a.tujuan
        ]
    )


def tabel_pk(ctx: Konteks) -> pd.DataFrame:
    """Tabel 2.5/2.6: Perjanjian Kinerja targets, murni and perubahan."""
    pk = ctx.tahun_params.perjanjian_kinerja
    rows = []
    for iku in ctx.agency.iku_aktif(ctx.tahun):
        s = ctx.agency.sasaran_by_kode(iku.sasaran)
        murni = pk.murni.get(iku.kode)
        ubah = (pk.perubahan or {}).get(iku.kode)
        rows.append(
            {
                "Sasaran Strategis": s.teks,
                "Indikator Kinerja": iku.nama,
                "Target PK Murni": fmt.nilai_satuan(murni, iku.satuan, ringkas=True)
                if murni is not None
                else fmt.KOSONG,
                "Target PK Perubahan": fmt.nilai_satuan(ubah, iku.satuan, ringkas=True)
                if ubah is not None
                else fmt.KOSONG,
            }
        )
    return pd.DataFrame(rows)


def tabel_program_pk(ctx: Konteks) -> pd.DataFrame:
    """Programme budgets of the Perjanjian Kinerja (murni and perubahan)."""
    df = ctx.t("pk_program_anggaran")
    value = "anggaran" if "anggaran" in df.columns else df.select_dtypes("number").columns[-1]
    rev = "revisi" if "revisi" in df.columns else None
    prog = "program" if "program" in df.columns else df.columns[1]
    if rev:
        wide = df.pivot_table(index=prog, columns=rev, values=value, aggfunc="sum", sort=False)
    else:
        wide = df.set_index(prog)[[value]]
    out = pd.DataFrame({"Program": list(wide.index)})
    for col in wide.columns:
        out[f"Anggaran {str(col).capitalize()}"] = [fmt.rupiah(v) for v in wide[col]]
    return out


def baris_belanja(ctx: Konteks) -> pd.DataFrame:
    """The detail lines (BTL, BL...) of ``anggaran_belanja``, with ``alasan_tidak_tersedia``
    (empty when the line's realisasi is given)."""
    df = ctx.t("anggaran_belanja")
    rinci = df[df["jenis_baris"] == "rincian"]
    if "alasan_tidak_tersedia" not in rinci.columns:
        rinci = rinci.assign(alasan_tidak_tersedia="")
    return rinci.assign(alasan_tidak_tersedia=rinci["alasan_tidak_tersedia"].fillna(""))


def catatan_anggaran(ctx: Konteks) -> list[str]:
    """One note per budget line whose realisasi is not available, with its reason."""
    return [
        isi(
            "catatan_anggaran_tidak_tersedia",
            {
                "uraian": nama_judul(r.uraian),
                "alasan": str(r.alasan_tidak_tersedia).rstrip(".") or TIDAK_TERSEDIA,
            },
        )
        for r in baris_belanja(ctx).itertuples(index=False)
        if fmt.kosong(r.realisasi)
    ]


def catatan_tabel_anggaran(ctx: Konteks) -> str:
    """Notes under the budget table: how serapan is computed, and the lines without realisasi."""
    return gabung([isi("catatan_serapan", {}), *catatan_anggaran(ctx)])


def _serapan_sel(realisasi, anggaran) -> str:
    if fmt.kosong(realisasi) or fmt.kosong(anggaran) or not anggaran:
        return fmt.KOSONG
    return fmt.persen(serapan(realisasi, anggaran))


def tabel_anggaran_belanja(ctx: Konteks) -> pd.DataFrame:
    """Tabel 3.31: BTL and BL, pagu murni/perubahan, realisasi, serapan (recomputed).

    A line whose realisasi is not available shows "data tidak tersedia"; the total
    realisasi and serapan are then not computed (:func:`catatan_anggaran` says why).
    """

    rinci = baris_belanja(ctx)
    lengkap = rinci["realisasi"].notna().all()
    rows = []
    for r in rinci.itertuples(index=False):
        rows.append(
            {
                "Uraian": r.uraian,
                "Pagu Murni": fmt.rupiah(r.pagu_murni),
                "Pagu Perubahan": fmt.rupiah(r.pagu_perubahan),
                "Realisasi": _rupiah_sel(r.realisasi),
                "Serapan": _serapan_sel(r.realisasi, r.pagu_perubahan),
            }
        )
    total_r = rinci["realisasi"].sum() if lengkap else None
    rows.append(
        {
            "Uraian": "Total",
            "Pagu Murni": fmt.rupiah(rinci["pagu_murni"].sum()),
            "Pagu Perubahan": fmt.rupiah(rinci["pagu_perubahan"].sum()),
            "Realisasi": _rupiah_sel(total_r),
            "Serapan": _serapan_sel(total_r, rinci["pagu_perubahan"].sum()),
        }
    )
    return pd.DataFrame(rows)


def _rupiah_sel(nilai) -> str:
    return TIDAK_TERSEDIA if fmt.kosong(nilai) else fmt.rupiah(nilai)


def program_belanja(ctx: Konteks) -> pd.DataFrame:
    """Programmes of Belanja Langsung with anggaran/realisasi summed from activities."""
    df = ctx.t("realisasi_belanja")
    keg = df[df["tingkat"] == "kegiatan"]
    names = df[df["tingkat"] == "program"].set_index("kode")["uraian"]
    grouped = keg.groupby("kode_program", sort=False)[["anggaran", "realisasi"]].sum()
    grouped["program"] = [names.get(k, k) for k in grouped.index]
    grouped["serapan"] = grouped["realisasi"] / grouped["anggaran"] * 100
    return grouped.reset_index()


def tabel_realisasi_belanja(ctx: Konteks) -> pd.DataFrame:
    """Tabel 3.32: activities grouped under their programme, sums recomputed."""
    df = ctx.t("realisasi_belanja")
    keg = df[df["tingkat"] == "kegiatan"]
    prog = program_belanja(ctx).set_index("kode_program")
    rows = []
    for kode, group in keg.groupby("kode_program", sort=False):
        p = prog.loc[kode]
        rows.append(
            {
                "Kode": str(kode),
                "Program / Kegiatan": str(p["program"]).upper(),
                "Anggaran": fmt.rupiah(p["anggaran"]),
                "Realisasi": fmt.rupiah(p["realisasi"]),
                "Serapan": fmt.persen(p["serapan"]),
            }
        )
        for r in group.itertuples(index=False):
            rows.append(
                {
                    "Kode": str(r.kode),
                    "Program / Kegiatan": r.uraian,
                    "Anggaran": fmt.rupiah(r.anggaran),
                    "Realisasi": fmt.rupiah(r.realisasi),
                    "Serapan": fmt.persen(r.realisasi / r.anggaran * 100 if r.anggaran else None),
                }
            )
    total_a, total_r = keg["anggaran"].sum(), keg["realisasi"].sum()
    rows.append(
        {
            "Kode": "",
            "Program / Kegiatan": "TOTAL BELANJA LANGSUNG",
            "Anggaran": fmt.rupiah(total_a),
            "Realisasi": fmt.rupiah(total_r),
            "Serapan": fmt.persen(total_r / total_a * 100 if total_a else None),
        }
    )
    return pd.DataFrame(rows)


def anggaran_sasaran(ctx: Konteks) -> pd.DataFrame:
    """Budget per sasaran: activities mapped in ``kegiatan_sasaran`` summed (recomputed)."""

    keg = ctx.t("realisasi_belanja")
    keg = keg[keg["tingkat"] == "kegiatan"]
    peta = ctx.t("kegiatan_sasaran")
    kode_col = "kode_kegiatan" if "kode_kegiatan" in peta.columns else "kode"
    merged = keg.merge(peta[[kode_col, "sasaran"]], left_on="kode", right_on=kode_col, how="inner")
    merged = merged[merged["sasaran"].notna() & (merged["sasaran"] != "")]
    out = merged.groupby("sasaran", sort=True)[["anggaran", "realisasi"]].sum().reset_index()
    out["serapan"] = [serapan(r, a) for r, a in zip(out["realisasi"], out["anggaran"], strict=True)]
    out["efisiensi"] = 100 - out["serapan"]
    return out


def tabel_anggaran_sasaran(ctx: Konteks) -> pd.DataFrame:
    """Tabel 3.33 summary: anggaran, realisasi and serapan per sasaran.

    Efficiency is not "100 - serapan": it is read from capaian next to serapan
    (``analisis.tabel_efisiensi``).
    """
    out = anggaran_sasaran(ctx)
    return pd.DataFrame(
        {
            "Sasaran Strategis": [ctx.agency.sasaran_by_kode(s).teks for s in out["sasaran"]],
            "Anggaran": [fmt.rupiah(v) for v in out["anggaran"]],
            "Realisasi": [fmt.rupiah(v) for v in out["realisasi"]],
            "Serapan": [fmt.persen(v) for v in out["serapan"]],
        }
    )


def riwayat_iku(ctx: Konteks, kode: str) -> pd.DataFrame:
    """Target, realisasi and capaian of one IKU over the years
    (each year's realisasi from that year's own processed data).

    Columns ``tahun, target, realisasi, capaian, capaian_dibatasi, keterangan``;
    the last row is the report year. A Renstra year before the report year in
    which the IKU had a target but no realisasi in the data (no folder, no row,
    or a realisasi declared not available) is a row with empty realisasi and
    capaian and the reason in ``keterangan``: comparisons skip it, the history
    table shows it. Capaian come from :func:`capaian_iku` (the agency's rules).
    """

    iku = ctx.agency.iku_by_kode(kode)
    ukur = ctx.agency.pengukuran
    rows = []
    for year, tables in sorted(ctx.riwayat.items()):
        tab = tables.get("realisasi_iku")
        if tab is None:
            continue
        hit = tab[tab["kode_iku"] == kode]
        if hit.empty:
            continue
        target = hit.iloc[0]["target_publikasi"]
        if pd.isna(target):
            target = iku.target_renstra.get(year)
        if pd.isna(hit.iloc[0]["realisasi"]):
            alasan = hit.iloc[0].get("alasan_tidak_tersedia")
            rows.append(_tahun_kosong(year, target, alasan))
            continue
        real = float(hit.iloc[0]["realisasi"])
        rows.append(_baris_riwayat(iku, year, target, real, ukur))
    rows += _riwayat_hitung(ctx, iku, {int(r["tahun"]) for r in rows})
    ada = {int(r["tahun"]) for r in rows}
    for year in range(ctx.agency.renstra.periode_awal, ctx.tahun):
        if year not in ada and iku.target_renstra.get(year) is not None:
            rows.append(_tahun_kosong(year, iku.target_renstra.get(year)))
    rows.sort(key=lambda r: r["tahun"])
    now = ctx.capaian.set_index("kode").loc[kode]
    rows.append(
        {
            "tahun": ctx.tahun,
            "target": now["target"],
            "realisasi": now["realisasi"],
            "capaian": now["capaian"],
            "capaian_dibatasi": now["capaian_dibatasi"],
            "keterangan": str(now.get("keterangan", "") or ""),
        }
    )
    return pd.DataFrame(rows)


def _baris_riwayat(iku, year: int, target, real: float, ukur) -> dict:
    c = capaian_iku(iku, real, float(target), ukur) if target else None
    return {
        "tahun": year,
        "target": target,
        "realisasi": real,
        "capaian": c.mentah if c else None,
        "capaian_dibatasi": c.dibatasi if c else None,
        "keterangan": "",
    }


def _tahun_kosong(year: int, target, alasan: object = None) -> dict:
    teks = "" if alasan is None or pd.isna(alasan) else str(alasan).strip()
    return {
        "tahun": year,
        "target": target,
        "realisasi": float("nan"),
        "capaian": float("nan"),
        "capaian_dibatasi": float("nan"),
        "keterangan": teks or TIDAK_TERSEDIA,
    }


def riwayat_terukur(ctx: Konteks, kode: str) -> pd.DataFrame:
    """The earlier years of :func:`riwayat_iku` that have a realisasi (for comparisons)."""
    r = riwayat_iku(ctx, kode).iloc[:-1]
    return r[r["realisasi"].notna()]


def _riwayat_hitung(ctx: Konteks, iku, sudah: set[int]) -> list[dict]:
    """Earlier years of a computed IKU from the history its own table carries.

    A rule's table may hold earlier years (cases 2015-2017): the rule then gives
    the realisasi of each earlier year the earlier years' own data lacks.
    """

    spec = iku.realisasi
    if spec.cara != "hitung" or spec.tabel not in ctx.tabel:
        return []
    df = ctx.tabel[spec.tabel]
    if "tahun" not in df.columns:
        return []
    tahun = sorted({int(t) for t in pd.to_numeric(df["tahun"], errors="coerce").dropna()})
    rows = []
    for y in tahun:
        if y >= ctx.tahun or y in sudah:
            continue
        try:
            real = hitung_realisasi(iku, ctx.tabel, y).nilai
        except (MissingDataError, CalculationError):
            continue  # the first year of the history has no year before it
        if real is None:
            continue
        rows.append(_baris_riwayat(iku, y, iku.target_renstra.get(y), real, ctx.agency.pengukuran))
    return rows


def tabel_riwayat_iku(ctx: Konteks, kode: str) -> pd.DataFrame:
    """Target, realisasi and capaian of one IKU for every year with data.

    A year without realisasi shows "data tidak tersedia" and "tidak dapat diukur"
    (the reason of the report year is said by the capaian sentence). The Renstra end target is not repeated on
    every row: the remaining Renstra years are a table of their own
    (``analisis.tabel_renstra_sisa``).
    """
    iku = ctx.agency.iku_by_kode(kode)
    df = riwayat_iku(ctx, kode)
    realisasi = [sel_realisasi(v, iku.satuan) for v in df["realisasi"]]
    return pd.DataFrame(
        {
            "Tahun": [fmt.tahun(t) for t in df["tahun"]],
            "Target": [fmt.nilai_satuan(v, iku.satuan, ringkas=True) for v in df["target"]],
            "Realisasi": realisasi,
            # no realisasi: cannot be measured; a realisasi without a target: no capaian
            "Capaian": [
                TIDAK_TERUKUR if fmt.kosong(r) else fmt.capaian(v, b)
                for v, b, r in zip(
                    df["capaian"], df["capaian_dibatasi"], df["realisasi"], strict=True
                )
            ],
        }
    )


def tabel_sumber_realisasi(ctx: Konteks) -> pd.DataFrame:
    """Where each IKU's realisasi comes from (computed by a rule, or entered)."""
    rows = []
    for kode, h in ctx.realisasi.items():
        iku = ctx.agency.iku_by_kode(kode)
        if not h.tersedia:
            asal = f"Tidak tersedia: {h.alasan}"
        elif h.aturan == "input":
            asal = f"Angka yang dilaporkan; bukti: {bukti_terbitan(h.bukti) or 'tidak disebutkan'}"
        else:
            asal = f"Dihitung menurut rumus dari data {judul_data(h.tabel)} ({uraian_masukan(h.masukan)})"
        rows.append(
            {
                "Kode": kode,
                "Indikator": iku.nama,
                "Realisasi": sel_realisasi(h.nilai, iku.satuan),
                "Asal data": asal,
            }
        )
    return pd.DataFrame(rows)


def _tempat_terbitan(tabel: object) -> str:
    """'Tabel 3.24' -> 'Tabel 3.24 LKjIP terbitan'; a prose location is prefixed.

    Each table number of a place is named as the published report's, once:
    "Tabel 3.3 (2015), Tabel 3.4 (2016)" -> "Tabel 3.3 LKjIP terbitan (2015),
    Tabel 3.4 LKjIP terbitan (2016)".
    """
    teks = str(tabel)
    if teks.lower().startswith("tabel"):
        return bukti_terbitan(teks)
    if "LKjIP terbitan" in teks:  # named so already
        return teks
    return f"LKjIP terbitan, {teks}"


def _angka_audit(nilai: object) -> str:
    """A printed or recomputed audit value: a number the Indonesian way, text as is."""
    if nilai is None or (isinstance(nilai, float) and pd.isna(nilai)):
        return fmt.KOSONG
    try:
        return fmt.angka(float(nilai), 2, ringkas=True)
    except (TypeError, ValueError):
        return str(nilai)


def _inkonsistensi(audit: pd.DataFrame) -> pd.DataFrame:

    if audit.empty or "jenis" not in audit.columns:
        return audit.iloc[0:0]
    return audit[audit["jenis"] != PENYAJIAN]


_PENGENAL = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")


def kata(teks: object) -> str:
    """Appendix text for the reader: a data column name in words
    (``target_kumulatif_2016`` -> ``target kumulatif 2016``) and each published
    table number named as the published report's ("Tabel 3.21 LKjIP terbitan")."""
    return bukti_terbitan(_PENGENAL.sub(lambda m: m.group(0).replace("_", " "), str(teks)))


def uraian_temuan(tempat: pd.DataFrame) -> str:
    """One audit finding in Indonesian: what was printed, where, what the data implies,
    and which value is more likely right (``tempat``: the audit rows of one finding)."""

    first = tempat.iloc[0]
    pola = str(first.get("pola") or "")
    kalimat = []
    if pola in ("geser_bawah", "geser_atas"):
        kolom = kata(
            str(tempat[tempat["aturan"] != "sum_rows"]["item"].iloc[0]).rsplit(": ", 1)[-1]
        )
        kalimat.append(
            isi(
                "audit_geser",
                {
                    "kolom": kolom,
                    "tempat": kata(_tempat_terbitan(first["tabel"])),
                    "arah": "di bawah" if pola == "geser_bawah" else "di atas",
                    "jumlah": fmt.angka(len(tempat), 0),
                },
            )
        )
        return gabung(kalimat)
    if pola == "tukar":
        return isi(
            "audit_tukar",
            {
                "tempat": kata(_tempat_terbitan(first["tabel"])),
                "tercetak": " dan ".join(_angka_audit(v) for v in tempat["nilai_publikasi"]),
                "hitung": " dan ".join(_angka_audit(v) for v in tempat["nilai_hitung"]),
            },
        )
    for row in tempat.itertuples(index=False):
        butir = kata(row.item)
        if row.aturan == "same_values" and str(row.keterangan):
            butir = f"{butir}; {kata(row.keterangan)}"
        kalimat.append(
            isi(
                "audit_tercetak",
                {
                    "tercetak": _angka_audit(row.nilai_publikasi),
                    "tempat": kata(f"{_tempat_terbitan(row.tabel)} ({butir})"),
                    "aturan": RULE_LABELS.get(row.aturan, row.aturan),
                    "hitung": _angka_audit(row.nilai_hitung),
                },
            )
        )
    if pola == "rincian_salah":
        detail = tempat[tempat["aturan"] == "share_of_total"].iloc[0]
        baris, rest = kata(detail["keterangan"]).split(": ", 1)
        tercetak, tersirat = (part.split(" ", 1)[1] for part in rest.split(", ", 1))
        kalimat.append(
            isi(
                "audit_rincian",
                {
                    "baris": baris,
                    "tercetak": _angka_audit(tercetak),
                    "tersirat": _angka_audit(tersirat),
                },
            )
        )
    hitung = _angka_audit(first["nilai_hitung"])
    aturan = str(first["aturan"])
    if aturan in ("capaian_iku", "realisasi_iku"):
        kalimat.append(isi("audit_alasan_iku", {"hitung": hitung}))
    elif aturan == "angka_publikasi":
        kalimat.append(isi("audit_alasan_narasi", {"hitung": hitung}))
    elif aturan == "same_values":
        sumber = kata(first["keterangan"]).removeprefix("dibandingkan dengan ").strip()
        kalimat.append(
            isi("audit_alasan_sama", {"hitung": hitung, "sumber": _tempat_terbitan(sumber)})
        )
    elif aturan in ("sum_rows", "sum_columns") and pola != "rincian_salah":
        kalimat.append(isi("audit_alasan_jumlah", {"hitung": hitung}))
    elif pola != "rincian_salah":
        kalimat.append(isi("audit_alasan_hitung", {"hitung": hitung}))
    jumlah = len(tempat.drop_duplicates(["tabel", "item"]))
    if jumlah > 1:
        kalimat.append(isi("audit_ulang", {"jumlah": fmt.angka(jumlah, 0)}))
    return gabung(kalimat)


def tempat_temuan(tempat: Iterable[object], peta: Mapping[str, Sequence[str]]) -> Markdown:
    """Where a finding is: the published tables or pages, and this report's tables.

    "Tabel 3.5 LKjIP terbitan; di laporan ini Tabel 3.7": the report's number is a
    live cross-reference (``@tbl-…``), numbered by the renderer, never typed.
    """
    places = list(dict.fromkeys(str(t) for t in tempat))
    teks = kata("; ".join(dict.fromkeys(_tempat_terbitan(t) for t in places)))
    labels = tabel_laporan(places, peta)
    if not labels:
        return Markdown(escape_markdown(teks), teks)
    refs = ", ".join(f"@{x}" for x in labels)
    return Markdown(
        f"{escape_markdown(teks)}; di laporan ini {refs}", f"{teks}; di laporan ini {refs}"
    )


def tabel_audit(
    audit: pd.DataFrame, peta: Mapping[str, Sequence[str]] | None = None
) -> pd.DataFrame:
    """The inconsistencies for the appendix: one row per finding (not per place).

    ``peta``: ``tabel_terbitan`` of the year's params, to name this report's table
    beside each published one (:func:`tempat_temuan`).
    """
    temuan = _inkonsistensi(audit)
    rows = []
    for kode, tempat in temuan.groupby("temuan", sort=True):
        rows.append(
            {
                "No": str(kode),
                "Tingkat": str(tempat["tingkat"].iloc[0]).capitalize(),
                "Tempat": tempat_temuan(tempat["tabel"], peta or {}),
                "Uraian": uraian_temuan(tempat),
            }
        )
    return pd.DataFrame(rows, columns=["No", "Tingkat", "Tempat", "Uraian"])


def tabel_penyajian(audit: pd.DataFrame) -> pd.DataFrame:
    """Presentation remarks ("Catatan penyajian"): headers, typos, layout, cut figures."""

    columns = ["No", "Tempat", "Butir", "Tercetak", "Dibaca sebagai"]
    if audit.empty or "jenis" not in audit.columns:
        return pd.DataFrame(columns=columns)
    catatan = audit[audit["jenis"] == PENYAJIAN]
    rows = []
    for row in catatan.itertuples(index=False):
        if row.aturan == "koreksi_header":  # printed text (a header, a label), not a number
            tercetak, dibaca = kata(row.nilai_publikasi), kata(row.nilai_hitung)
        else:
            tercetak, dibaca = _angka_audit(row.nilai_publikasi), _angka_audit(row.nilai_hitung)
        if row.pola == "pemotongan":
            dibaca = isi("audit_pemotongan", {"hitung": dibaca})
        rows.append(
            {
                "No": str(row.temuan),
                "Tempat": kata(_tempat_terbitan(row.tabel)),
                "Butir": kata(row.item),
                "Tercetak": tercetak,
                "Dibaca sebagai": dibaca,
            }
        )
    return pd.DataFrame(rows, columns=columns)


def tabel_skala(ctx: Konteks, terbalik: bool = False) -> pd.DataFrame:
    """The category scale of params (score, range, category).

    ``terbalik``: the mirrored bands that categorise a negative IKU measured as
    realisasi / target; empty unless the agency uses that formula and the year
    has a negative IKU.
    """

    sk = get_scale(ctx.agency.pengukuran.skala)
    bands = sk.positif
    if terbalik:
        dipakai = ctx.agency.pengukuran.rumus_polaritas_negatif == "realisasi_per_target" and any(
            i.polaritas == "negatif" for i in ctx.agency.iku_aktif(ctx.tahun)
        )
        if not dipakai or sk.negatif is None:
            return pd.DataFrame(columns=["Skor", "Rentang Capaian (%)", "Kategori"])
        bands = sk.negatif
    rows = []
    for band in bands:
        lo = fmt.angka(band.dari, 2, ringkas=True) if band.dari is not None else None
        hi = fmt.angka(band.sampai, 2, ringkas=True) if band.sampai is not None else None
        if lo and hi:
            rentang = f"{lo} s.d. < {hi}"
        elif lo:
            rentang = f"≥ {lo}"
        else:
            rentang = f"< {hi}"
        rows.append(
            {
                "Skor": fmt.angka(band.skor, 0),
                "Rentang Capaian (%)": rentang,
                "Kategori": band.kategori,
            }
        )
    return pd.DataFrame(rows)


def tabel_sarana(ctx: Konteks) -> pd.DataFrame:
    """Facilities with their count and unit, as handed in."""
    df = ctx.t("sarana_prasarana")
    return pd.DataFrame(
        {
            "Nama Barang": df["nama_barang"].astype(str),
            "Jumlah": [
                fmt.jumlah(n, str(s).lower())
                for n, s in zip(df["jumlah"], df["satuan"], strict=True)
            ],
            "Kondisi": df["kondisi"].astype(str).str.capitalize(),
        }
    )


def kalimat_sumber(ctx: Konteks, kode: str) -> str:
    """Where this IKU's realisasi comes from, in one sentence."""

    h = ctx.realisasi[kode]
    if not h.tersedia:
        return isi("sumber_tidak_tersedia", {"alasan": str(h.alasan).rstrip(".")})
    if h.aturan == "input":
        return isi("sumber_input", {"bukti": bukti_terbitan(h.bukti) or fmt.KOSONG})
    iku = ctx.agency.iku_by_kode(kode)
    return isi(
        "sumber_hitung",
        {"rumus": iku.rumus, "data": judul_data(h.tabel), "masukan": uraian_masukan(h.masukan)},
    )


_TABEL_TERBITAN = re.compile(r"\b(Tabel|Gambar)\s+(\d+\.\d+)(?!\d|\.\d|\s+LKjIP)")
_KOLOM_TAHUN = re.compile(r"^(?P<stub>[a-z_]+?)_(?P<tahun>\d{4})$")


def bukti_terbitan(teks: str | None) -> str:
    """Evidence text with each published table number named as the published report's.

    A bare "Tabel 3.5" in handed-in text would collide with this report's own
    numbering; it becomes "Tabel 3.5 LKjIP terbitan".
    """
    if not teks:
        return ""
    return _TABEL_TERBITAN.sub(lambda m: f"{m.group(1)} {m.group(2)} LKjIP terbitan", str(teks))


def judul_data(tabel: str) -> str:
    """A processed table named in words: its catalogue title, without notes in brackets."""

    try:
        entry = load_catalogue().tables.get(tabel)
    except (ParamsError, OSError):  # no catalogue (a bare test project): plain words
        entry = None
    title = getattr(entry, "title", None) or str(tabel).replace("_", " ")
    title = re.sub(r"\s*\([^)]*\)\s*$", "", title).strip()
    return title[:1].lower() + title[1:]


def uraian_masukan(masukan) -> str:
    """The inputs of a computed realisasi in words: 'kasus tahun 2016: 21; ...'."""
    parts = []
    for k, v in dict(masukan).items():
        m = _KOLOM_TAHUN.match(str(k))
        nama = (
            f"{m.group('stub').replace('_', ' ')} tahun {m.group('tahun')}"
            if m
            else str(k).replace("_", " ")
        )
        nilai = fmt.angka(v, 2, ringkas=True) if isinstance(v, (int, float)) else str(v)
        parts.append(f"{nama}: {nilai}")
    return "; ".join(parts)


def _ys(item: dict) -> list[str]:
    y = item.get("y")
    return list(y) if isinstance(y, list) else [y]


def _labels_of(item: dict, ys: list[str]) -> list[str]:
    label = item.get("label")
    if isinstance(label, list):
        return [str(v) for v in label]
    if label and len(ys) == 1:
        return [str(label)]
    return [str(y).replace("_", " ").capitalize() for y in ys]


def _frames(ctx: Konteks, item: dict, ys: list[str]) -> pd.DataFrame:
    names = item["tabel"] if isinstance(item["tabel"], list) else [item["tabel"]]
    frames = []
    for n in names:
        # an entry may be a table name or {nama, y}: a table whose value column has
        # another name (e.g. a history table's `jumlah` and this year's `realisasi`)
        if isinstance(n, dict):
            df = ctx.t(n["nama"]).rename(columns={n["y"]: ys[0]})
        else:
            df = ctx.t(n)
        if item.get("filter"):
            df = df.query(item["filter"], engine="python")
        if "jenis_baris" in df.columns:
            df = df[df["jenis_baris"] == "rincian"]
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def _pivot(ctx: Konteks, item: dict) -> pd.DataFrame:
    ys = _ys(item)
    df = _frames(ctx, item, ys)
    present = [y for y in ys if y in df.columns]
    # a year present only as a target (e.g. the Renstra's later years) has no value
    df = df[df[present].notna().any(axis=1)] if len(ys) > 1 else df[df[ys[0]].notna()]
    x = item.get("x", "tahun")
    seri = item.get("seri")
    if seri:
        wide = df.pivot_table(index=x, columns=seri, values=ys[0], aggfunc="sum", sort=False)
    else:
        wide = df.groupby(x, sort=True)[present].sum(min_count=1)
        wide.columns = _labels_of(item, present)
    return wide.sort_index()


def _sel(v, desimal: int | None = None) -> str:
    """A cell as text: numbers formatted (trailing zeros dropped unless ``desimal``)."""
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return fmt.KOSONG
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return fmt.angka(v, 3 if desimal is None else desimal, ringkas=desimal is None)
    return str(v)


def _daftar(ctx: Konteks, item: dict) -> pd.DataFrame:
    """Rows of a table as they are (detail rows), the chosen columns under their headers."""
    df = ctx.t(item["tabel"])
    if item.get("filter"):
        df = df.query(item["filter"], engine="python")
    if "jenis_baris" in df.columns:
        df = df[df["jenis_baris"] == "rincian"]
    kolom = item.get("kolom") or {c: c for c in df.columns}
    missing = [c for c in kolom if c not in df.columns]
    if missing:
        raise MissingDataError(
            f"pendukung {item['judul']!r}: column(s) {', '.join(missing)} not in table "
            f"{item['tabel']!r}"
        )
    out = pd.DataFrame(
        {
            str(h): [
                fmt.tahun(int(v)) if c == "tahun" and not pd.isna(v) else _sel(v) for v in df[c]
            ]
            for c, h in kolom.items()
        }
    )
    jumlah = item.get("jumlah") or []
    if jumlah:
        row = {str(h): "" for h in kolom.values()}
        row[str(next(iter(kolom.values())))] = "Jumlah"
        for c in jumlah:
            row[str(kolom[c])] = _sel(df[c].sum(min_count=1))
        out = pd.concat([out, pd.DataFrame([row])], ignore_index=True)
    # rows of one year (a filtered history table): the caption names the year
    if "tahun" in df.columns and "tahun" not in kolom and df["tahun"].nunique() == 1:
        out.attrs["tahun"] = int(df["tahun"].iloc[0])
    return out


def _tabel_lebar(wide: pd.DataFrame, item: dict) -> pd.DataFrame:
    df = wide.reset_index()
    first = df.columns[0]
    header = "Tahun" if first == "tahun" else str(item.get("judul_x") or first).capitalize()
    table = pd.DataFrame(
        {header: [fmt.tahun(v) if first == "tahun" else str(v) for v in df[first]]}
    )
    for col in wide.columns:
        table[str(col)[:1].upper() + str(col)[1:]] = [
            _sel(v, item.get("desimal")) if not pd.isna(v) else fmt.KOSONG for v in df[col]
        ]
    persen = item.get("persen")
    if persen:
        ys = _ys(item)
        real, target = ys[1], ys[0]
        labels = dict(zip(_ys(item), _labels_of(item, ys), strict=False))
        r, t = df.get(labels.get(real)), df.get(labels.get(target))
        if r is not None and t is not None:
            table["Persentase"] = [
                fmt.persen(a / b * 100) if not pd.isna(a) and not pd.isna(b) and b else fmt.KOSONG
                for a, b in zip(r, t, strict=True)
            ]
    return table


def catatan_sumber(item: dict) -> str:
    """'Sumber data: Tabel 3.8 LKjIP terbitan.' for the tables an item shows."""
    names = item["tabel"] if isinstance(item["tabel"], list) else [item["tabel"]]
    sources = []
    for n in names:
        s = sumber_terbitan(n["nama"] if isinstance(n, dict) else n)
        if s != "LKjIP terbitan" and s not in sources:
            sources.append(s)
    return f"Sumber data: {'; '.join(sources)}." if sources else ""


def pendukung(ctx: Konteks, kode: str) -> list[dict]:
    """Supporting tables and charts of an IKU section, as declared in params.

    ``tampil`` is ``tabel`` (values per ``x`` and ``seri``, or several ``y`` side
    by side, optionally with ``persen``: realisasi / target), ``grafik`` (the same
    as a chart, with ``dengan_tabel`` also as a table; a series with fewer than
    three points is drawn as bars) or ``daftar`` (the rows as they are, ``kolom``
    mapping column -> header, optional ``jumlah`` columns summed).
    """
    out = []
    items = [p.sebagai_dict() for p in ctx.agency.iku_by_kode(kode).pendukung]
    for i, item in enumerate(items):
        label = f"{kode.lower()}-pendukung-{i + 1}"
        note = " ".join(n for n in (item.get("catatan"), catatan_sumber(item)) if n) or None
        if item["tampil"] == "daftar":
            data = _daftar(ctx, item)
            tahun = data.attrs.get("tahun")
            out.append(
                {
                    "jenis": "tabel",
                    "data": data,
                    "judul": f"{item['judul']} Tahun {fmt.tahun(tahun)}"
                    if tahun
                    else item["judul"],
                    "label": f"tbl-{label}",
                    "catatan": note,
                }
            )
            continue
        wide = _pivot(ctx, item)
        if item["tampil"] == "tabel":
            out.append(
                {
                    "jenis": "tabel",
                    "data": _tabel_lebar(wide, item),
                    "judul": item["judul"],
                    "label": f"tbl-{label}",
                    "catatan": note,
                }
            )
            continue
        df = wide.reset_index()
        x = df.columns[0]
        df[x] = df[x].astype(int) if x == "tahun" else df[x]
        series = [c for c in df.columns if c != x]
        labels = [str(s)[:1].upper() + str(s)[1:] for s in series]
        if len(df) < 3:
            # two points make no trend line: compare them as bars from zero
            fig = charts.bar_chart(
                df.fillna(0),
                x,
                series,
                labels=labels,
                ylabel=item.get("satuan"),
                annotate=True,
                annotate_decimals=item.get("desimal", 0),
            )
            jenis_grafik = "Diagram batang"
        else:
            fig = charts.line_chart(
                df,
                x,
                series,
                labels=labels,
                ylabel=item.get("satuan"),
                annotate=len(series) == 1,
                annotate_decimals=item.get("desimal", 0),
                ylim=(0, None),
            )
            jenis_grafik = "Grafik garis"
        first, last = df[x].iloc[0], df[x].iloc[-1]
        judul = (
            f"{item['judul']} Tahun {fmt.tahun(first)}–{fmt.tahun(last)}"
            if x == "tahun"
            else item["judul"]
        )
        alt = (
            f"{jenis_grafik} {item['judul'].lower()} per {x}, seri: "
            f"{', '.join(str(s) for s in series)}."
        )
        out.append(
            {"jenis": "grafik", "figure": fig, "judul": judul, "label": f"fig-{label}", "alt": alt}
        )
        if item.get("dengan_tabel"):
            out.append(
                {
                    "jenis": "tabel",
                    "data": _tabel_lebar(wide, item),
                    "judul": judul,
                    "label": f"tbl-{label}",
                    "catatan": note,
                }
            )
    return out


def kalimat_audit(audit: pd.DataFrame) -> str:
    """Opening sentence of the data-quality appendix (the counts of ``audit.csv``)."""

    n = summary_counts(audit)
    return isi(
        "audit",
        {
            "jumlah_temuan": fmt.angka(n["temuan"], 0),
            "jumlah_tempat": fmt.angka(n["tempat"], 0),
            "jumlah_material": fmt.angka(n["material"], 0),
            "jumlah_penyajian": fmt.angka(n["penyajian"], 0),
        },
    )


def nama_judul(teks: str) -> str:
    """'BELANJA TIDAK LANGSUNG (BTL)' -> 'Belanja Tidak Langsung (BTL)': acronyms kept."""
    return " ".join(w if w.startswith("(") else w.capitalize() for w in str(teks).split())


def komposisi_golongan(ctx: Konteks) -> pd.DataFrame:
    """Staff per year by golongan group (I, II, III, IV): rows tahun, a column per group."""
    df = ctx.t("pns_golongan")
    df = df[(df["jenis_baris"] == "rincian") & df["jumlah"].notna()]
    grup = df["golongan"].astype(str).str.split("/").str[0].str.strip()
    wide = (
        df.assign(grup=["Golongan " + g for g in grup])
        .pivot_table(index="tahun", columns="grup", values="jumlah", aggfunc="sum")
        .fillna(0)
    )
    wide.index = wide.index.astype(int)
    return wide.reset_index()


def tabel_peringatan(ctx: Konteks) -> pd.DataFrame:
    """Validation warnings of the year (valid data a reviewer should know about)."""
    if "peringatan_validasi" not in ctx.tabel:
        return pd.DataFrame(columns=["Tabel sumber", "Peringatan"])
    df = ctx.tabel["peringatan_validasi"]
    return pd.DataFrame(
        {"Tabel sumber": df["tabel"].astype(str), "Peringatan": df["peringatan"].astype(str)}
    )
