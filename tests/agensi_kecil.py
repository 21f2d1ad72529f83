"""A small synthetic agency, written by the tests from ``new-agency``'s scaffold.

:func:`tulis_agensi_kecil` scaffolds an agency folder with
:func:`~lkjip_helpers.tahun_baru.agensi_baru.create_new_agency`, then fills what an
analyst would: the ``ISI``/null values of its params and every base-catalogue
template (saved as ``data/raw/<year>/<table>.csv`` with the template's header).
Figures are invented and consistent (totals add up), so the audit has nothing
to report. Its IKUs: a positive one below target, a positive one above target
(capped by ``batas_capaian``), a negative one better and one worse than target
under the (2T−R)/T rule, and optionally a fifth (a score).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import yaml

from lkjip_helpers.sintetis.instansi import baris_komposisi
from lkjip_helpers.tahun_baru.agensi_baru import create_new_agency

NAMA = "Dinas Contoh Sintetis"
SINGKATAN = "DCS"


@dataclass(frozen=True)
class IkuKecil:
    kode: str
    nama: str
    satuan: str
    polaritas: str
    target: float
    realisasi: float

    @property
    def capaian(self) -> float:
        """Capaian as the agency's rule gives it (dua_kali_target for negatif), unrounded."""
        if self.polaritas == "negatif":
            return (2 * self.target - self.realisasi) / self.target * 100
        return self.realisasi / self.target * 100


IKU = [
    IkuKecil("IKU-1", "Persentase layanan tepat waktu", "persen", "positif", 80, 72),
    IkuKecil("IKU-2", "Persentase dokumen terverifikasi", "persen", "positif", 90, 99),
    IkuKecil("IKU-3", "Persentase keluhan berulang", "persen", "negatif", 10, 8),
    IkuKecil("IKU-4", "Rata-rata hari penyelesaian berkas", "hari", "negatif", 10, 12),
    IkuKecil("IKU-5", "Skor survei kepuasan", "skor", "positif", 80, 84),
]


def _header(template: Path) -> list[str]:
    ws = openpyxl.load_workbook(template, read_only=True).worksheets[0]
    return [c.value for c in next(ws.iter_rows(max_row=1))]


def _pct(a: float, b: float) -> float:
    return round(a / b * 100, 2)


def _rows(year: int, iku: list[IkuKecil]) -> dict[str, list[dict]]:
    y = str(year)
    staff = {
        "pns_pendidikan": ("pendidikan", [("S1", 10), ("SMA", 5)]),
        "pns_golongan": ("golongan", [("III/a", 9), ("IV/a", 6)]),
        "pns_jenis_kelamin": ("jenis_kelamin", [("Laki-laki", 8), ("Perempuan", 7)]),
    }
    rows: dict[str, list[dict]] = {}
    for table, (col, values) in staff.items():
        rows[table] = baris_komposisi(col, list(values), y)
    rows["pns_eselon"] = [
        {"no": 1, "eselon": "III.a", "jenis_baris": "rincian", f"jumlah_{y}": 1},
        {"no": 2, "eselon": "IV.a", "jenis_baris": "rincian", f"jumlah_{y}": 3},
        {"eselon": "JUMLAH", "jenis_baris": "jumlah", f"jumlah_{y}": 4},
    ]
    rows["tenaga_non_pns"] = [
        {"no": 1, "jenis_kelamin": "Laki-laki", "jenis_baris": "rincian", f"jumlah_{y}": 3},
        {"no": 2, "jenis_kelamin": "Perempuan", "jenis_baris": "rincian", f"jumlah_{y}": 2},
        {"jenis_kelamin": "JUMLAH", "jenis_baris": "jumlah", f"jumlah_{y}": 5},
    ]
    rows["sarana_prasarana"] = [
        {"no": 1, "nama_barang": "Komputer", "jumlah": 12, "satuan": "unit", "kondisi": "baik"}
    ]
    rows["renstra_target"] = [
        {
            "no": 1,
            "kode_tujuan": "T1",
            "tujuan": "Tujuan sintetis",
            "indikator_tujuan": "Indeks sintetis",
            "target_tujuan": 90,
            "satuan_tujuan": "indeks",
            "sasaran": "S1",
            "sasaran_teks": "Sasaran sintetis",
            "kode_iku": i.kode,
            "indikator": i.nama,
            "satuan": i.satuan,
            f"target_{y}": i.target,
        }
        for i in iku
    ]
    rows["pk_target"] = [
        {
            "revisi": revisi,
            "sumber_tabel": "PK",
            "sasaran": "S1",
            "kode_iku": i.kode,
            "indikator": i.nama,
            "satuan": i.satuan,
            "target": i.target,
        }
        for revisi in ("murni", "perubahan")
        for i in iku
    ]
    rows["pk_program_anggaran"] = [
        {
            "revisi": revisi,
            "sumber_tabel": "PK",
            "no": 1,
            "program": "Program Pelayanan Sintetis",
            "anggaran": amount,
            "keterangan": ket,
        }
        for revisi, amount, ket in (
            ("murni", 500000000, "APBD-MURNI"),
            ("perubahan", 450000000, "APBD-P"),
        )
    ]
    rows["realisasi_iku"] = [
        {
            "kode_iku": i.kode,
            "sasaran": "S1",
            "indikator": i.nama,
            "target_publikasi": i.target,
            "realisasi": i.realisasi,
            "capaian_publikasi": round(i.capaian, 2),
            "sumber_data": f"Laporan sintetis {i.kode}",
        }
        for i in iku
    ]
    btl, bl = (800000000, 700000000, 650000000), (500000000, 450000000, 405000000)
    rows["anggaran_belanja"] = [
        {"no": 1, "uraian": "BELANJA TIDAK LANGSUNG (BTL)", "jenis_baris": "rincian"}
        | dict(zip(("pagu_murni", "pagu_perubahan", "realisasi"), btl))
        | {"persen": _pct(btl[2], btl[1])},
        {"no": 2, "uraian": "BELANJA LANGSUNG (BL)", "jenis_baris": "rincian"}
        | dict(zip(("pagu_murni", "pagu_perubahan", "realisasi"), bl))
        | {"persen": _pct(bl[2], bl[1])},
        {"uraian": "TOTAL", "jenis_baris": "jumlah"}
        | {k: a + b for k, a, b in zip(("pagu_murni", "pagu_perubahan", "realisasi"), btl, bl)}
        | {"persen": _pct(btl[2] + bl[2], btl[1] + bl[1])},
    ]
    kegiatan = [
        ("01.001", "Kegiatan sintetis A", 250000000, 225000000, 100000000),
        ("01.002", "Kegiatan sintetis B", 200000000, 180000000, 80000000),
    ]
    program = "01"

    def belanja(kode, uraian, tingkat, jenis, ang, real, blp):
        return {
            "kode": kode,
            "uraian": uraian,
            "tingkat": tingkat,
            "kode_program": program if tingkat != "total" else "",
            "jenis_baris": jenis,
            "anggaran": ang,
            "realisasi": real,
            "persen": _pct(real, ang),
            "realisasi_blp": blp,
            "persen_blp": _pct(blp, ang),
            "realisasi_blnp": real - blp,
            "persen_blnp": round(_pct(real, ang) - _pct(blp, ang), 2),
        }

    tot = [sum(k[j] for k in kegiatan) for j in (2, 3, 4)]
    rows["realisasi_belanja"] = (
        [belanja(program, "Program Pelayanan Sintetis", "program", "jumlah", *tot)]
        + [belanja(k, u, "kegiatan", "rincian", a, r, b) for k, u, a, r, b in kegiatan]
        + [belanja("", "Total", "total", "jumlah", *tot)]
    )
    rows["kegiatan_sasaran"] = [
        {
            "kode": k,
            "kegiatan": u,
            "kode_program": program,
            "sasaran": "S1",
            "kode_iku": iku[n].kode,
            "sumber": "pemetaan sintetis",
        }
        for n, (k, u, *_rest) in enumerate(kegiatan)
    ]
    ps = []
    for n, i in enumerate(iku):
        ps.append(
            {
                "sasaran": "S1",
                "kode_iku": i.kode,
                "tingkat": "indikator",
                "sasaran_teks": "Sasaran sintetis",
                "indikator": i.nama,
                "target_kinerja": i.target,
                "satuan_target": i.satuan,
                "jenis_baris": "rincian",
            }
        )
        ps += [
            {
                "sasaran": "S1",
                "kode_iku": i.kode,
                "tingkat": "kegiatan",
                "program": "Program Pelayanan Sintetis",
                "kegiatan": u,
                "kode": k,
                "anggaran": a,
                "jenis_baris": "rincian",
            }
            for m, (k, u, a, *_rest) in enumerate(kegiatan)
            if m == n
        ]
    rows["program_sasaran"] = [{"baris": b} | r for b, r in enumerate(ps, start=1)]
    return rows


def isi_params(folder: Path, year: int, iku: list[IkuKecil]) -> None:
    """Fill the scaffolded params the way an analyst would."""
    path = folder / "params" / "agency.yaml"
    agency = yaml.safe_load(path.read_text(encoding="utf-8"))
    agency["instansi"] |= {
        "nama": NAMA,
        "singkatan": SINGKATAN,
        "pemerintah": "Pemerintah Kota Contoh",
        "wilayah": "Kota Contoh",
        "kota": "Contoh",
    }
    agency["instansi"]["kepala"] |= {
        "jabatan": f"Kepala {NAMA}",
        "nama": "Nama Kepala",
        "pangkat": "Pembina",
        "golongan": "IV/a",
    }
    agency["visi"] = "Visi sintetis"
    agency["misi"][0]["teks"] = "Misi sintetis"
    agency["tujuan"][0]["teks"] = "Tujuan sintetis"
    agency["sasaran"][0]["teks"] = "Sasaran sintetis"
    stubs = {s["kode"]: s for s in agency["iku"]}
    template = next(iter(stubs.values()))
    agency["iku"] = []
    for i in iku:
        entry = dict(stubs.get(i.kode, template))
        entry |= {"kode": i.kode, "nama": i.nama, "satuan": i.satuan, "polaritas": i.polaritas}
        entry["target_renstra"] = {y: i.target for y in entry["target_renstra"]}
        agency["iku"].append(entry)
    path.write_text(yaml.safe_dump(agency, allow_unicode=True, sort_keys=False), encoding="utf-8")
    path = folder / "params" / f"{year}.yaml"
    params = yaml.safe_load(path.read_text(encoding="utf-8"))
    params["laporan"] = {"tempat": "Contoh", "tanggal": f"{year + 1}-02-15"}
    pk = {i.kode: i.target for i in iku}
    params["perjanjian_kinerja"] = {"murni": pk, "perubahan": pk}
    path.write_text(yaml.safe_dump(params, allow_unicode=True, sort_keys=False), encoding="utf-8")


def isi_templat(folder: Path, year: int, iku: list[IkuKecil]) -> list[Path]:
    """Every template filled and saved as ``data/raw/<year>/<table>.csv`` (template header)."""
    raw = folder / "data" / "raw" / str(year)
    written = []
    for table, rows in _rows(year, iku).items():
        header = _header(raw / "templates" / f"{table}.xlsx")
        path = raw / f"{table}.csv"
        with open(path, "w", encoding="utf-8", newline="") as fh:
            out = csv.DictWriter(fh, fieldnames=header, extrasaction="ignore")
            out.writeheader()
            out.writerows(rows)
        written.append(path)
    return written


def isi_prosa(folder: Path) -> list[Path]:
    """Replace every ``[ISI: ...]`` stub of the prose and text files with a sentence.

    An analyst writes these; left as stubs they would print their placeholder
    names in the report.
    """
    changed = []
    for path in sorted((folder / "params").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        filled = re.sub(r"\[ISI: [^\]]*\]", "Teks sintetis yang ditulis analis.", text)
        if filled != text:
            path.write_text(filled, encoding="utf-8")
            changed.append(path)
    return changed


def tulis_agensi_kecil(folder: Path, year: int = 2024, jumlah_iku: int = 4) -> list[IkuKecil]:
    """Scaffold and fill a small agency in ``folder``; its IKUs are returned."""
    iku = IKU[:jumlah_iku]
    create_new_agency(folder, year, iku=len(iku), echo=None)
    isi_params(folder, year, iku)
    isi_templat(folder, year, iku)
    isi_prosa(folder)
    return iku
