"""The report's tables and charts, built from the context (pure functions).

Each ``tabel_*`` returns a DataFrame of formatted strings (the formatting module
does every number) with Indonesian column headers, ready for
``report.show_table``. Published totals are never shown: totals and
percentages are recomputed from the detail rows (the audit appendix shows where
the published figures differ).
"""

from __future__ import annotations

import pandas as pd

from lkjip_helpers.data.audit import PENYAJIAN, RULE_LABELS, summary_counts
from lkjip_helpers.indikator.anggaran import serapan
from lkjip_helpers.indikator.capaian import hitung_capaian
from lkjip_helpers.indikator.params import Pendukung
from lkjip_helpers.indikator.scales import get_scale
from lkjip_helpers.laporan import charts
from lkjip_helpers.laporan import formatting as fmt
from lkjip_helpers.laporan.context import Konteks
from lkjip_helpers.laporan.sentences import isi


def tabel_komposisi(
    frame: pd.DataFrame, kategori: str, judul_kategori: str, nilai: str = "jumlah"
) -> pd.DataFrame:
    """Staff composition by category and year, with recomputed totals and shares.

    ``frame`` is a tidy table (``kategori, jenis_baris, tahun, jumlah``); printed
    total rows are dropped and recomputed; the last year gets a share column.
    """
    rincian = frame[frame["jenis_baris"] == "rincian"] if "jenis_baris" in frame else frame
    wide = rincian.pivot_table(
        index=kategori, columns="tahun", values=nilai, aggfunc="sum", sort=False
    )
    order = list(dict.fromkeys(rincian[kategori]))
    wide = wide.reindex(order)
    years = [int(c) for c in wide.columns]
    last = years[-1]
    out = pd.DataFrame({judul_kategori: list(wide.index)})
    for y in years:
        out[fmt.tahun(y)] = [fmt.angka(v, 0) for v in wide[y]]
    total_last = wide[last].sum()
    out[f"% {fmt.tahun(last)}"] = [
        fmt.persen(v / total_last * 100) if total_last else fmt.KOSONG for v in wide[last]
    ]
    jumlah = {judul_kategori: "Jumlah"}
    for y in years:
        jumlah[fmt.tahun(y)] = fmt.angka(wide[y].sum(), 0)
    jumlah[f"% {fmt.tahun(last)}"] = fmt.persen(100 if total_last else None)
    return pd.concat([out, pd.DataFrame([jumlah])], ignore_index=True)


def tabel_capaian(ctx: Konteks) -> pd.DataFrame:
    """Tabel 3.1: IKU per sasaran with target, realisasi, capaian and category,
    followed by the sasaran averages (raw and capped)."""
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
                    "Realisasi": fmt.nilai_satuan(r.realisasi, r.satuan),
                    "Capaian": fmt.persen(r.capaian),
                    "Kategori": r.kategori,
                }
            )
        avg = ctx.sasaran[ctx.sasaran["sasaran"] == s.kode]
        if len(avg):
            r = avg.iloc[0]
            rows.append(
                {
                    "Sasaran Strategis": "",
                    "Indikator Kinerja": f"Rata-rata capaian sasaran (dibatasi {fmt.persen(a.pengukuran.batas_capaian, ringkas=True)})"
                    if a.pengukuran.batas_capaian
                    else "Rata-rata capaian sasaran",
                    "Target": "",
                    "Realisasi": "",
                    "Capaian": f"{fmt.persen(r['capaian'])} ({fmt.persen(r['capaian_dibatasi'])})",
                    "Kategori": str(r["kategori"]),
                }
            )
    return pd.DataFrame(rows)


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


def tabel_tujuan(ctx: Konteks) -> pd.DataFrame:
    a = ctx.agency
    return pd.DataFrame(
        [
            {
                "Misi": a.misi_by_kode(t.misi).teks,
                "Tujuan": t.teks,
                "Indikator Tujuan": t.indikator,
                "Target": fmt.angka(t.target, ringkas=True) if t.target is not None else fmt.KOSONG,
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


def tabel_anggaran_belanja(ctx: Konteks) -> pd.DataFrame:
    """Tabel 3.31: BTL and BL, pagu murni/perubahan, realisasi, serapan (recomputed)."""

    df = ctx.t("anggaran_belanja")
    rinci = df[df["jenis_baris"] == "rincian"]
    rows = []
    for r in rinci.itertuples(index=False):
        rows.append(
            {
                "Uraian": r.uraian,
                "Pagu Murni": fmt.rupiah(r.pagu_murni),
                "Pagu Perubahan": fmt.rupiah(r.pagu_perubahan),
                "Realisasi": fmt.rupiah(r.realisasi),
                "Serapan": fmt.persen(serapan(r.realisasi, r.pagu_perubahan)),
            }
        )
    rows.append(
        {
            "Uraian": "Total",
            "Pagu Murni": fmt.rupiah(rinci["pagu_murni"].sum()),
            "Pagu Perubahan": fmt.rupiah(rinci["pagu_perubahan"].sum()),
            "Realisasi": fmt.rupiah(rinci["realisasi"].sum()),
            "Serapan": fmt.persen(serapan(rinci["realisasi"].sum(), rinci["pagu_perubahan"].sum())),
        }
    )
    return pd.DataFrame(rows)


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
    """Tabel 3.33 summary: anggaran, realisasi, serapan and efisiensi per sasaran."""
    out = anggaran_sasaran(ctx)
    return pd.DataFrame(
        {
            "Sasaran Strategis": [ctx.agency.sasaran_by_kode(s).teks for s in out["sasaran"]],
            "Anggaran": [fmt.rupiah(v) for v in out["anggaran"]],
            "Realisasi": [fmt.rupiah(v) for v in out["realisasi"]],
            "Serapan": [fmt.persen(v) for v in out["serapan"]],
            "Efisiensi": [fmt.persen(v) for v in out["efisiensi"]],
        }
    )


def riwayat_iku(ctx: Konteks, kode: str) -> pd.DataFrame:
    """Target, realisasi and capaian of one IKU over the years with data
    (each year's realisasi from that year's own processed data)."""

    iku = ctx.agency.iku_by_kode(kode)
    rows = []
    for year, tables in sorted(ctx.riwayat.items()):
        tab = tables.get("realisasi_iku")
        if tab is None:
            continue
        hit = tab[tab["kode_iku"] == kode]
        if hit.empty or pd.isna(hit.iloc[0]["realisasi"]):
            continue
        target = hit.iloc[0]["target_publikasi"]
        if pd.isna(target):
            target = iku.target_renstra.get(year)
        real = float(hit.iloc[0]["realisasi"])
        cap = (
            hitung_capaian(real, float(target), polaritas=iku.polaritas, kode=kode).mentah
            if target
            else None
        )
        rows.append({"tahun": year, "target": target, "realisasi": real, "capaian": cap})
    now = ctx.capaian.set_index("kode").loc[kode]
    rows.append(
        {
            "tahun": ctx.tahun,
            "target": now["target"],
            "realisasi": now["realisasi"],
            "capaian": now["capaian"],
        }
    )
    return pd.DataFrame(rows)


def tabel_riwayat_iku(ctx: Konteks, kode: str) -> pd.DataFrame:
    iku = ctx.agency.iku_by_kode(kode)
    df = riwayat_iku(ctx, kode)
    akhir = ctx.agency.renstra.periode_akhir
    target_akhir = iku.target_renstra.get(akhir)
    return pd.DataFrame(
        {
            "Tahun": [fmt.tahun(t) for t in df["tahun"]],
            "Target": [fmt.nilai_satuan(v, iku.satuan, ringkas=True) for v in df["target"]],
            "Realisasi": [fmt.nilai_satuan(v, iku.satuan) for v in df["realisasi"]],
            "Capaian": [fmt.persen(v) for v in df["capaian"]],
            f"Target Akhir Renstra ({fmt.tahun(akhir)})": [
                fmt.nilai_satuan(target_akhir, iku.satuan, ringkas=True)
                if target_akhir is not None
                else fmt.KOSONG
            ]
            * len(df),
        }
    )


def tabel_sumber_realisasi(ctx: Konteks) -> pd.DataFrame:
    """Where each IKU's realisasi comes from (computed by a rule, or entered)."""
    rows = []
    for kode, h in ctx.realisasi.items():
        iku = ctx.agency.iku_by_kode(kode)
        if h.aturan == "input":
            asal = f"Diisi (tabel {h.tabel}); bukti: {h.bukti or 'tidak disebutkan'}"
        else:
            masukan = "; ".join(f"{k} = {v}" for k, v in h.masukan.items())
            asal = f"Dihitung dengan aturan {h.aturan} dari tabel {h.tabel} ({masukan})"
        rows.append(
            {
                "Kode": kode,
                "Indikator": iku.nama,
                "Realisasi": fmt.nilai_satuan(h.nilai, iku.satuan),
                "Asal data": asal,
            }
        )
    return pd.DataFrame(rows)


def _tempat_terbitan(tabel: object) -> str:
    """'Tabel 3.24' -> 'Tabel 3.24 LKjIP terbitan'; a prose location is prefixed."""
    teks = str(tabel)
    if teks.lower().startswith("tabel"):
        return f"{teks} LKjIP terbitan"
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


def uraian_temuan(tempat: pd.DataFrame) -> str:
    """One audit finding in Indonesian: what was printed, where, what the data implies,
    and which value is more likely right (``tempat``: the audit rows of one finding)."""

    first = tempat.iloc[0]
    pola = str(first.get("pola") or "")
    kalimat = []
    if pola in ("geser_bawah", "geser_atas"):
        kolom = str(tempat[tempat["aturan"] != "sum_rows"]["item"].iloc[0]).rsplit(": ", 1)[-1]
        kalimat.append(
            isi(
                "audit_geser",
                {
                    "kolom": kolom,
                    "tempat": _tempat_terbitan(first["tabel"]),
                    "arah": "di bawah" if pola == "geser_bawah" else "di atas",
                    "jumlah": fmt.angka(len(tempat), 0),
                },
            )
        )
        return " ".join(kalimat)
    if pola == "tukar":
        return isi(
            "audit_tukar",
            {
                "tempat": _tempat_terbitan(first["tabel"]),
                "tercetak": " dan ".join(_angka_audit(v) for v in tempat["nilai_publikasi"]),
                "hitung": " dan ".join(_angka_audit(v) for v in tempat["nilai_hitung"]),
            },
        )
    for row in tempat.itertuples(index=False):
        butir = str(row.item)
        if row.aturan == "same_values" and str(row.keterangan):
            butir = f"{butir}; {row.keterangan}"
        kalimat.append(
            isi(
                "audit_tercetak",
                {
                    "tercetak": _angka_audit(row.nilai_publikasi),
                    "tempat": f"{_tempat_terbitan(row.tabel)} ({butir})",
                    "aturan": RULE_LABELS.get(row.aturan, row.aturan),
                    "hitung": _angka_audit(row.nilai_hitung),
                },
            )
        )
    if pola == "rincian_salah":
        detail = tempat[tempat["aturan"] == "share_of_total"].iloc[0]
        baris, rest = str(detail["keterangan"]).split(": ", 1)
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
        sumber = str(first["keterangan"]).removeprefix("dibandingkan dengan ").strip()
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
    return " ".join(kalimat)


def tabel_audit(audit: pd.DataFrame) -> pd.DataFrame:
    """The inconsistencies for the appendix: one row per finding (not per place)."""
    temuan = _inkonsistensi(audit)
    rows = []
    for kode, tempat in temuan.groupby("temuan", sort=True):
        rows.append(
            {
                "No": str(kode),
                "Tingkat": str(tempat["tingkat"].iloc[0]).capitalize(),
                "Tempat": "; ".join(dict.fromkeys(_tempat_terbitan(t) for t in tempat["tabel"])),
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
            tercetak, dibaca = str(row.nilai_publikasi), str(row.nilai_hitung)
        else:
            tercetak, dibaca = _angka_audit(row.nilai_publikasi), _angka_audit(row.nilai_hitung)
        if row.pola == "pemotongan":
            dibaca = isi("audit_pemotongan", {"hitung": dibaca})
        rows.append(
            {
                "No": str(row.temuan),
                "Tempat": _tempat_terbitan(row.tabel),
                "Butir": str(row.item),
                "Tercetak": tercetak,
                "Dibaca sebagai": dibaca,
            }
        )
    return pd.DataFrame(rows, columns=columns)


def tabel_skala(ctx: Konteks) -> pd.DataFrame:
    """The category scale of params (score, range, category)."""

    sk = get_scale(ctx.agency.pengukuran.skala)
    rows = []
    for band in sk.positif:
        lo = fmt.angka(band.dari, 2, ringkas=True) if band.dari is not None else None
        hi = fmt.angka(band.sampai, 2, ringkas=True) if band.sampai is not None else None
        if lo and hi:
            rentang = f"{lo} s.d. < {hi}"
        elif lo:
            rentang = f">= {lo}"
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
    if h.aturan == "input":
        return isi("sumber_input", {"tabel": h.tabel, "bukti": h.bukti or "-"})
    masukan = ", ".join(
        f"{k} = {fmt.angka(v, ringkas=True) if isinstance(v, (int, float)) else v}"
        for k, v in h.masukan.items()
    )
    return isi("sumber_hitung", {"aturan": h.aturan, "tabel": h.tabel, "masukan": masukan})


def _pivot(ctx: Konteks, item: Pendukung) -> pd.DataFrame:
    frames = []
    for t in item.tabel:
        # a table whose value column has another name (e.g. a history table's
        # `jumlah` and this year's `realisasi`) names it in `y`
        df = ctx.t(t.nama)
        if t.y is not None:
            df = df.rename(columns={t.y: item.y})
        if item.filter:
            df = df.query(item.filter, engine="python")
        if "jenis_baris" in df.columns:
            df = df[df["jenis_baris"] == "rincian"]
        frames.append(df)
    df = pd.concat(frames, ignore_index=True)
    # a year present only as a target (e.g. the Renstra's later years) has no value
    df = df[df[item.y].notna()]
    x = item.x
    seri = item.seri
    if seri:
        wide = df.pivot_table(index=x, columns=seri, values=item.y, aggfunc="sum", sort=False)
    else:
        wide = df.groupby(x, sort=True)[[item.y]].sum()
        wide.columns = [item.label or item.y]
    return wide.sort_index()


def pendukung(ctx: Konteks, kode: str) -> list[dict]:
    """Supporting tables and charts of an IKU section, as declared in params."""

    out = []
    for i, item in enumerate(ctx.agency.iku_by_kode(kode).pendukung):
        wide = _pivot(ctx, item)
        label = f"{kode.lower()}-pendukung-{i + 1}"
        if item.tampil == "tabel":
            df = wide.reset_index()
            first = df.columns[0]
            table = pd.DataFrame(
                {
                    str(first).capitalize(): [
                        fmt.tahun(v) if first == "tahun" else str(v) for v in df[first]
                    ]
                }
            )
            for col in wide.columns:
                table[str(col).capitalize()] = [fmt.angka(v, ringkas=True) for v in df[col]]
            out.append(
                {
                    "jenis": "tabel",
                    "data": table,
                    "judul": item.judul,
                    "label": f"tbl-{label}",
                    "catatan": item.catatan,
                }
            )
        else:
            df = wide.reset_index()
            x = df.columns[0]
            df[x] = df[x].astype(int) if x == "tahun" else df[x]
            series = [c for c in df.columns if c != x]
            fig = charts.line_chart(
                df,
                x,
                series,
                labels=[str(s).capitalize() for s in series],
                ylabel=item.satuan,
                annotate=True,
                annotate_decimals=item.desimal,
            )
            first, last = df[x].iloc[0], df[x].iloc[-1]
            judul = (
                f"{item.judul} Tahun {fmt.tahun(first)}–{fmt.tahun(last)}"
                if x == "tahun"
                else item.judul
            )
            alt = f"Grafik garis {item.judul.lower()} per {x}, seri: {', '.join(str(s) for s in series)}."
            out.append(
                {
                    "jenis": "grafik",
                    "figure": fig,
                    "judul": judul,
                    "label": f"fig-{label}",
                    "alt": alt,
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


def kalimat_renstra(ctx: Konteks, kode: str) -> str:
    """Progress of an IKU towards its end-of-Renstra target, in one sentence ('' if none)."""

    iku = ctx.agency.iku_by_kode(kode)
    akhir = ctx.agency.renstra.periode_akhir
    target_akhir = iku.target_renstra.get(akhir)
    if target_akhir is None:
        return ""
    realisasi = float(ctx.capaian.set_index("kode").at[kode, "realisasi"])
    # the same oriented formula as the yearly capaian, against the end target
    progres = hitung_capaian(realisasi, target_akhir, polaritas=iku.polaritas, kode=kode).mentah
    return isi(
        "renstra_akhir",
        {
            "nama": iku.nama,
            "tahun": fmt.tahun(ctx.tahun),
            "realisasi": fmt.nilai_satuan(realisasi, iku.satuan),
            "tahun_akhir": fmt.tahun(akhir),
            "target_akhir": fmt.nilai_satuan(target_akhir, iku.satuan, ringkas=True),
            "progres": fmt.persen(progres),
        },
    )


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
