"""Write plausible synthetic agency folders: a city's perangkat daerah without real data.

A city has about 40 perangkat daerah; a batch build and its benchmark need that
many agencies without anybody's real data. Each synthetic agency is an agency
folder (``params/`` and ``data/raw/``, the any-agency layout) made the way an
analyst makes a new one: the files of ``new-agency``
(:func:`~lkjip_helpers.tahun_baru.agensi_baru.stub_files`) filled in, and one CSV
per table of the base catalogue, with the columns its Excel template has. Drawn
from a seeded random generator, so a seed always writes the same bytes:

* its name, abbreviation and head; the city is the portfolio's;
* 3 to 6 IKUs (:data:`JUMLAH_IKU`) from a pool of plausible indicators, each agency
  at least one of each polarity, split over one or two sasaran; a target and a
  realisasi per IKU, better or worse than target, so the rule for negative
  polarity (the agency's ``rumus_polaritas_negatif``, ``dua_kali_target`` for most,
  ``target_per_realisasi`` for some) decides their capaian;
* its budget: Belanja Tidak Langsung and Belanja Langsung from a few hundred
  million to tens of billions of rupiah, one kegiatan per IKU, serapan around a
  level of its own; every total, percentage and the Perjanjian Kinerja's programme budget
  agree with the detail rows;
* its staff tables (one total across education, rank and sex);
* its prose: neutral sentences naming the agency, no figures (the report computes
  those).

The figures are consistent and the published capaian of ``realisasi_iku`` are those
of the agency's rule, except in about one agency in three, which publishes one IKU's
capaian wrongly (:func:`_salah_terbit`): its audit reports that one finding, the
others' audits find nothing. Agency-specific content is data: the report is built by
the package and notebooks unchanged.

``rusak`` agencies get a non-numeric realisasi (:data:`NILAI_RUSAK`) in
``realisasi_iku``: their data step fails with the validation message, which a
batch must report for that agency alone.
"""

from __future__ import annotations

import csv
import io
import math
import random
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from lkjip_helpers.core.exceptions import ParamsError
from lkjip_helpers.data.catalogue import load_catalogue
from lkjip_helpers.indikator.capaian import hitung_capaian
from lkjip_helpers.tahun_baru.agensi_baru import RENSTRA_YEARS, stub_files
from lkjip_helpers.tahun_baru.scaffold import template_columns

#: Realisasi written into a broken agency's table: a number in words, never a number.
NILAI_RUSAK = "sembilan puluh"
#: Report year of a synthetic portfolio unless asked otherwise.
TAHUN_BAWAAN = 2017
#: Fewest and most IKUs of one agency.
JUMLAH_IKU = (3, 6)
#: Units on a 0-100 scale: no target or realisasi above 100.
SKALA_100 = ("persen", "indeks", "nilai")
#: Rule for negative polarity and its weight among agencies.
RUMUS_NEGATIF = (("dua_kali_target", 3), ("target_per_realisasi", 1))

# (name, abbreviation) of perangkat daerah every Indonesian city has.
PERANGKAT_DAERAH = [
    ("Dinas Pendidikan dan Kebudayaan", "Disdikbud"),
    ("Dinas Kesehatan", "Dinkes"),
    ("Dinas Pekerjaan Umum dan Penataan Ruang", "DPUPR"),
    ("Dinas Perhubungan", "Dishub"),
    ("Dinas Sosial", "Dinsos"),
    ("Dinas Lingkungan Hidup", "DLH"),
    ("Dinas Kependudukan dan Pencatatan Sipil", "Disdukcapil"),
    ("Dinas Komunikasi dan Informatika", "Diskominfo"),
    ("Dinas Perdagangan", "Disdag"),
    ("Dinas Tenaga Kerja", "Disnaker"),
    ("Dinas Pariwisata", "Dispar"),
    ("Dinas Pemuda dan Olahraga", "Dispora"),
    ("Dinas Koperasi, Usaha Mikro, Kecil dan Menengah", "DKUMKM"),
    ("Dinas Pertanian dan Pangan", "DPP"),
    ("Dinas Perumahan dan Permukiman", "Disperkim"),
    ("Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "DPMPTSP"),
    ("Dinas Perpustakaan dan Kearsipan", "Dispusip"),
    ("Badan Perencanaan Pembangunan Daerah", "Bappeda"),
    ("Badan Pengelolaan Keuangan dan Aset Daerah", "BPKAD"),
    ("Badan Pendapatan Daerah", "Bapenda"),
    ("Badan Penanggulangan Bencana Daerah", "BPBD"),
    ("Badan Kesatuan Bangsa dan Politik", "Kesbangpol"),
    ("Satuan Polisi Pamong Praja", "Satpol PP"),
    ("Inspektorat Daerah", "Inspektorat"),
]
#: Invented city names (no real city's data is implied).
KOTA = ["Sukamaju", "Tirtamulya", "Wanasari", "Karangjati", "Sumberrejo", "Mekarsari"]
_NAMA_DEPAN = [
    "Agus",
    "Budi",
    "Dewi",
    "Eko",
    "Fitri",
    "Hendra",
    "Indah",
    "Joko",
    "Kartika",
    "Lestari",
    "Muhammad",
    "Nur",
    "Rina",
    "Sri",
    "Taufik",
    "Wahyu",
    "Yuliana",
]
_NAMA_BELAKANG = [
    "Santoso",
    "Wibowo",
    "Hidayat",
    "Rahmawati",
    "Saputra",
    "Kurniawan",
    "Pratama",
    "Siregar",
    "Nasution",
    "Harahap",
    "Wijaya",
    "Setiawan",
]
_GELAR = [
    "S.Sos.",
    "S.E., M.M.",
    "S.T., M.T.",
    "S.H., M.H.",
    "Dr.",
    "S.Kom., M.Si.",
    "S.Pd., M.Pd.",
]
_PANGKAT = [("Pembina", "IV/a"), ("Pembina Tingkat I", "IV/b"), ("Pembina Utama Muda", "IV/c")]


@dataclass(frozen=True)
class ContohIku:
    """An indicator of the pool: name, unit, polarity, target range, whole numbers only."""

    nama: str
    satuan: str
    polaritas: str
    target: tuple[float, float]
    bulat: bool = False


#: Indicators a perangkat daerah plausibly has; agencies draw theirs from here.
POOL_IKU = [
    ContohIku("Persentase layanan yang diselesaikan tepat waktu", "persen", "positif", (80, 95)),
    ContohIku("Indeks kepuasan masyarakat terhadap layanan", "indeks", "positif", (75, 88)),
    ContohIku("Persentase dokumen perencanaan tepat waktu", "persen", "positif", (85, 98)),
    ContohIku("Persentase program yang mencapai target kinerja", "persen", "positif", (70, 90)),
    ContohIku("Nilai evaluasi akuntabilitas kinerja", "nilai", "positif", (60, 75)),
    ContohIku("Persentase aset yang tercatat dan terverifikasi", "persen", "positif", (80, 95)),
    ContohIku("Jumlah inovasi pelayanan publik", "inovasi", "positif", (3, 10), bulat=True),
    ContohIku("Jumlah pengaduan masyarakat atas layanan", "pengaduan", "negatif", (10, 60), True),
    ContohIku("Rata-rata waktu penyelesaian layanan", "hari", "negatif", (3, 14)),
    ContohIku("Persentase temuan pemeriksaan yang berulang", "persen", "negatif", (5, 20)),
    ContohIku("Jumlah pelanggaran disiplin pegawai", "kasus", "negatif", (5, 25), bulat=True),
    ContohIku("Persentase berkas layanan yang dikembalikan", "persen", "negatif", (4, 15)),
]


@dataclass(frozen=True)
class IkuSintetis:
    """One IKU of a synthetic agency, as written (realisasi None: broken on purpose)."""

    kode: str
    sasaran: str
    nama: str
    satuan: str
    polaritas: str
    target: float
    realisasi: float


@dataclass(frozen=True)
class InstansiSintetis:
    """One written agency: its folder (relative to the output folder) and what was drawn."""

    folder: str
    nama: str
    singkatan: str
    rusak: bool
    rumus: str = "dua_kali_target"
    iku: tuple[IkuSintetis, ...] = ()
    #: Pagu (perubahan) of the whole budget, rupiah.
    pagu: int = 0
    #: IKU whose published capaian is wrong on purpose (the audit must find it), or "".
    salah_terbit: str = ""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _angka(x: float) -> int | float:
    """A figure as written in a CSV: whole numbers without decimals."""
    return int(x) if float(x).is_integer() else round(x, 2)


def _pct(a: float, b: float) -> float:
    return round(a / b * 100, 2)


def baris_komposisi(col: str, values: list[tuple[str, int]], y: int) -> list[dict]:
    """Rows of a staff-composition table (``pns_*``): one per category, then JUMLAH."""
    total = sum(v for _, v in values)
    return [
        {
            "no": i + 1,
            col: label,
            "pangkat_golongan": label,
            "jenis_baris": "rincian",
            f"jumlah_{y}": v,
            f"persen_{y}": _pct(v, total),
        }
        for i, (label, v) in enumerate(values)
    ] + [
        {
            col: "JUMLAH",
            "pangkat_golongan": "JUMLAH",
            "jenis_baris": "jumlah",
            f"jumlah_{y}": total,
            f"persen_{y}": 100,
        }
    ]


def _nama_kepala(rng: random.Random) -> str:
    return f"{rng.choice(_NAMA_DEPAN)} {rng.choice(_NAMA_BELAKANG)}, {rng.choice(_GELAR)}"


def _nip(rng: random.Random) -> str:
    lahir = f"{rng.randint(1965, 1980)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    angkat = f"{rng.randint(1988, 2005)}{rng.randint(1, 12):02d}"
    return f"{lahir}{angkat}{rng.randint(1, 2)}{rng.randint(1, 999):03d}"


def _rupiah(rng: random.Random, low: float, high: float) -> int:
    """An amount between ``low`` and ``high`` (log-uniform), in whole thousands."""
    return round(10 ** rng.uniform(math.log10(low), math.log10(high)) / 1000) * 1000


# ------------------------------------------------------------------ drawing an agency


def pilih_iku(rng: random.Random) -> list[IkuSintetis]:
    """Draw an agency's IKUs: 3 to 6, at least one of each polarity, one or two sasaran."""
    jumlah = rng.randint(*JUMLAH_IKU)
    positif = [c for c in POOL_IKU if c.polaritas == "positif"]
    negatif = [c for c in POOL_IKU if c.polaritas == "negatif"]
    n_negatif = rng.randint(1, max(1, jumlah // 2))
    pilihan = rng.sample(positif, jumlah - n_negatif) + rng.sample(negatif, n_negatif)
    rng.shuffle(pilihan)
    dua_sasaran = jumlah >= 4 and rng.random() < 0.6
    out = []
    for n, contoh in enumerate(pilihan, start=1):
        sasaran = "S2" if dua_sasaran and n > jumlah // 2 else "S1"
        lo, hi = contoh.target
        target = float(rng.randint(int(lo), int(hi)))
        if contoh.polaritas == "positif":
            # Most reach their targets, some fall short, a few exceed them.
            faktor = rng.triangular(0.75, 1.25, 1.02)
        else:
            # Lower is better: some well under target, some over it.
            faktor = rng.triangular(0.6, 1.45, 1.0)
        realisasi = target * faktor
        realisasi = max(1.0, float(round(realisasi))) if contoh.bulat else round(realisasi, 2)
        if contoh.satuan in SKALA_100:
            realisasi = min(realisasi, 100.0)
        out.append(
            IkuSintetis(
                kode=f"IKU-{n}",
                sasaran=sasaran,
                nama=contoh.nama,
                satuan=contoh.satuan,
                polaritas=contoh.polaritas,
                target=target,
                realisasi=realisasi,
            )
        )
    return out


def _capaian_publikasi(iku: IkuSintetis, rumus: str) -> float:
    return round(hitung_capaian(iku.realisasi, iku.target, iku.polaritas, rumus).mentah, 2)


def _target_renstra(iku: IkuSintetis, tahun: int, years: range) -> dict[int, int | float]:
    """Renstra targets: the PK target in the report year, a small step a year."""
    langkah = max(1.0, iku.target * 0.02) if iku.polaritas == "positif" else iku.target * 0.03
    arah = 1 if iku.polaritas == "positif" else -1
    out = {}
    for y in years:
        t = iku.target + arah * (y - tahun) * langkah
        if iku.satuan in SKALA_100:
            t = min(t, 100.0)
        out[y] = _angka(round(t) if float(iku.target).is_integer() else round(t, 2))
    return out


def _salah_terbit(rng: random.Random, iku: list[IkuSintetis], rumus: str, rows: list[dict]) -> str:
    """Publish one IKU's capaian wrongly, as agencies do; returns its code.

    A negative IKU off target gets the positive formula (realisasi / target), the
    usual slip; otherwise a typo in the tens digit. The audit reports either.
    """
    i = rng.randrange(len(iku))
    item, row = iku[i], rows[i]
    if item.polaritas == "negatif" and item.realisasi != item.target:
        row["capaian_publikasi"] = round(item.realisasi / item.target * 100, 2)
    else:
        row["capaian_publikasi"] = round(_capaian_publikasi(item, rumus) + 10, 2)
    return item.kode


# ------------------------------------------------------------------ tables


def _pecah(rng: random.Random, total: int, bagian: int) -> list[int]:
    """``total`` split into ``bagian`` positive whole parts."""
    cuts = sorted(rng.sample(range(1, total), bagian - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def _staf(rng: random.Random, tahun: int) -> dict[str, list[dict]]:
    y = str(tahun)
    total = rng.randint(25, 240)
    kategori = {
        "pns_pendidikan": ("pendidikan", ["S2", "S1", "D3", "SMA"]),
        "pns_golongan": ("golongan", ["IV", "III", "II", "I"]),
        "pns_jenis_kelamin": ("jenis_kelamin", ["Laki-laki", "Perempuan"]),
    }
    rows: dict[str, list[dict]] = {}
    for table, (col, labels) in kategori.items():
        parts = _pecah(rng, total, len(labels))
        rows[table] = baris_komposisi(col, list(zip(labels, parts, strict=True)), y)
    eselon = [("II.b", 1), ("III.a", rng.randint(1, 2)), ("III.b", rng.randint(2, 4))]
    eselon.append(("IV.a", rng.randint(4, 12)))
    rows["pns_eselon"] = [
        {"no": i + 1, "eselon": e, "jenis_baris": "rincian", f"jumlah_{y}": v}
        for i, (e, v) in enumerate(eselon)
    ] + [{"eselon": "JUMLAH", "jenis_baris": "jumlah", f"jumlah_{y}": sum(v for _, v in eselon)}]
    non_pns = [rng.randint(1, 30), rng.randint(1, 30)]
    rows["tenaga_non_pns"] = [
        {"no": i + 1, "jenis_kelamin": jk, "jenis_baris": "rincian", f"jumlah_{y}": v}
        for i, (jk, v) in enumerate(zip(["Laki-laki", "Perempuan"], non_pns, strict=True))
    ] + [{"jenis_kelamin": "JUMLAH", "jenis_baris": "jumlah", f"jumlah_{y}": sum(non_pns)}]
    barang = [("Komputer", "unit"), ("Kendaraan dinas", "unit"), ("Gedung kantor", "unit")]
    rows["sarana_prasarana"] = [
        {
            "no": i + 1,
            "nama_barang": b,
            "jumlah": rng.randint(1, 60),
            "satuan": s,
            "kondisi": "baik",
        }
        for i, (b, s) in enumerate(barang)
    ]
    return rows


def _kinerja(
    iku: list[IkuSintetis], tahun: int, rumus: str, teks_sasaran: dict[str, str]
) -> dict[str, list[dict]]:
    y = str(tahun)
    rows: dict[str, list[dict]] = {}
    rows["renstra_target"] = [
        {
            "no": n,
            "kode_tujuan": "T1",
            "tujuan": "Meningkatkan kualitas pelayanan dan akuntabilitas kinerja",
            "indikator_tujuan": "Indeks kepuasan masyarakat",
            "target_tujuan": 80,
            "satuan_tujuan": "indeks",
            "sasaran": i.sasaran,
            "sasaran_teks": teks_sasaran[i.sasaran],
            "kode_iku": i.kode,
            "indikator": i.nama,
            "satuan": i.satuan,
            f"target_{y}": _angka(i.target),
        }
        for n, i in enumerate(iku, start=1)
    ]
    rows["pk_target"] = [
        {
            "revisi": revisi,
            "sumber_tabel": "PK",
            "sasaran": i.sasaran,
            "kode_iku": i.kode,
            "indikator": i.nama,
            "satuan": i.satuan,
            "target": _angka(i.target),
        }
        for revisi in ("murni", "perubahan")
        for i in iku
    ]
    rows["realisasi_iku"] = [
        {
            "kode_iku": i.kode,
            "sasaran": i.sasaran,
            "indikator": i.nama,
            "target_publikasi": _angka(i.target),
            "realisasi": _angka(i.realisasi),
            "capaian_publikasi": _capaian_publikasi(i, rumus),
            "sumber_data": f"Rekapitulasi {i.nama.lower()} tahun {tahun}",
        }
        for i in iku
    ]
    return rows


def _anggaran(
    rng: random.Random, iku: list[IkuSintetis], singkatan: str, teks_sasaran: dict[str, str]
) -> dict[str, list[dict]]:
    """Budget tables; every total and percentage agrees with the detail rows."""
    program = {
        s: (f"{n:02d}", f"Program Sasaran {s} {singkatan}")
        for n, s in enumerate(sorted(teks_sasaran), start=1)
    }
    # The agency's serapan: each kegiatan near it, some agencies absorb far less.
    pusat = rng.uniform(0.62, 0.97)
    kegiatan = []  # (kode, uraian, kode_program, iku, anggaran, realisasi, blp)
    nomor: dict[str, int] = {}
    for i in iku:
        kode_program = program[i.sasaran][0]
        nomor[kode_program] = nomor.get(kode_program, 0) + 1
        anggaran = _rupiah(rng, 1.5e8, 4e9)
        serap = min(0.995, max(0.4, rng.gauss(pusat, 0.06)))
        realisasi = round(anggaran * serap / 1000) * 1000
        blp = round(realisasi * rng.uniform(0.3, 0.6) / 1000) * 1000
        kegiatan.append(
            (
                f"{kode_program}.{nomor[kode_program]:03d}",
                f"Kegiatan penunjang {i.nama.lower()}",
                kode_program,
                i,
                anggaran,
                realisasi,
                blp,
            )
        )

    def belanja(kode, uraian, tingkat, kode_program, jenis, ang, real, blp):
        return {
            "kode": kode,
            "uraian": uraian,
            "tingkat": tingkat,
            "kode_program": kode_program,
            "jenis_baris": jenis,
            "anggaran": ang,
            "realisasi": real,
            "persen": _pct(real, ang),
            "realisasi_blp": blp,
            "persen_blp": _pct(blp, ang),
            "realisasi_blnp": real - blp,
            "persen_blnp": _pct(real - blp, ang),
        }

    def jumlah(items):
        return [sum(k[j] for k in items) for j in (4, 5, 6)]

    rows: dict[str, list[dict]] = {"realisasi_belanja": []}
    pk = []
    for sasaran in sorted(program):
        kode_program, nama_program = program[sasaran]
        own = [k for k in kegiatan if k[2] == kode_program]
        rows["realisasi_belanja"].append(
            belanja(kode_program, nama_program, "program", kode_program, "jumlah", *jumlah(own))
        )
        rows["realisasi_belanja"] += [
            belanja(k[0], k[1], "kegiatan", kode_program, "rincian", *k[4:]) for k in own
        ]
        perubahan = jumlah(own)[0]
        murni = round(perubahan * rng.uniform(0.95, 1.12) / 1000) * 1000
        pk.append((nama_program, murni, perubahan))
    rows["realisasi_belanja"].append(belanja("", "Total", "total", "", "jumlah", *jumlah(kegiatan)))
    rows["pk_program_anggaran"] = [
        {
            "revisi": revisi,
            "sumber_tabel": "PK",
            "no": n,
            "program": nama,
            "anggaran": murni if revisi == "murni" else perubahan,
            "keterangan": "APBD-MURNI" if revisi == "murni" else "APBD-P",
        }
        for revisi in ("murni", "perubahan")
        for n, (nama, murni, perubahan) in enumerate(pk, start=1)
    ]
    bl = (sum(p[1] for p in pk), jumlah(kegiatan)[0], jumlah(kegiatan)[1])
    btl_perubahan = round(bl[1] * rng.uniform(0.6, 3.0) / 1000) * 1000
    btl = (
        round(btl_perubahan * rng.uniform(0.95, 1.1) / 1000) * 1000,
        btl_perubahan,
        round(btl_perubahan * min(0.99, max(0.6, rng.gauss(pusat + 0.04, 0.03))) / 1000) * 1000,
    )
    kolom = ("pagu_murni", "pagu_perubahan", "realisasi")
    rows["anggaran_belanja"] = [
        {"no": 1, "uraian": "BELANJA TIDAK LANGSUNG (BTL)", "jenis_baris": "rincian"}
        | dict(zip(kolom, btl, strict=True))
        | {"persen": _pct(btl[2], btl[1])},
        {"no": 2, "uraian": "BELANJA LANGSUNG (BL)", "jenis_baris": "rincian"}
        | dict(zip(kolom, bl, strict=True))
        | {"persen": _pct(bl[2], bl[1])},
        {"uraian": "TOTAL", "jenis_baris": "jumlah"}
        | {k: a + b for k, a, b in zip(kolom, btl, bl, strict=True)}
        | {"persen": _pct(btl[2] + bl[2], btl[1] + bl[1])},
    ]
    rows["kegiatan_sasaran"] = [
        {
            "kode": k[0],
            "kegiatan": k[1],
            "kode_program": k[2],
            "sasaran": k[3].sasaran,
            "kode_iku": k[3].kode,
            "sumber": "Dokumen pelaksanaan anggaran",
        }
        for k in kegiatan
    ]
    ps = []
    for k in kegiatan:
        i = k[3]
        ps.append(
            {
                "sasaran": i.sasaran,
                "kode_iku": i.kode,
                "tingkat": "indikator",
                "sasaran_teks": teks_sasaran[i.sasaran],
                "indikator": i.nama,
                "target_kinerja": _angka(i.target),
                "satuan_target": i.satuan,
                "jenis_baris": "rincian",
            }
        )
        ps.append(
            {
                "sasaran": i.sasaran,
                "kode_iku": i.kode,
                "tingkat": "kegiatan",
                "program": program[i.sasaran][1],
                "kegiatan": k[1],
                "kode": k[0],
                "anggaran": k[4],
                "jenis_baris": "rincian",
            }
        )
    rows["program_sasaran"] = [{"baris": b} | r for b, r in enumerate(ps, start=1)]
    return rows


# ------------------------------------------------------------------ params and prose


def _kalimat(apa: str, nama: str, tahun: int) -> str:
    """A neutral sentence for one prose section: names the agency, states no figure."""
    return (
        f"Bagian ini menguraikan {apa} pada {nama} tahun {tahun}. "
        "Uraian disusun dari data sintetis untuk pengujian dan tidak menggambarkan "
        "perangkat daerah yang sebenarnya."
    )


def _prosa(teks: str, nama: str, tahun: int) -> str:
    """A ``new-agency`` stub with its ``[ISI: ...]`` markers filled in."""

    def isi(m: re.Match) -> str:
        apa = m[1].strip()
        if apa.endswith("."):  # the stub is already a sentence ({instansi} is filled later)
            return apa
        return _kalimat(apa.lower(), nama, tahun)

    return re.sub(r"\[ISI: ([^\]]*)\]", isi, teks)


def _params(
    agency_text: str,
    year_text: str,
    *,
    nama: str,
    singkatan: str,
    kota: str,
    tahun: int,
    rumus: str,
    iku: list[IkuSintetis],
    teks_sasaran: dict[str, str],
    rng: random.Random,
) -> tuple[dict, dict]:
    agency = yaml.safe_load(agency_text)
    pangkat, golongan = rng.choice(_PANGKAT)
    agency["instansi"] = {
        "nama": nama,
        "singkatan": singkatan,
        "pemerintah": f"Pemerintah Kota {kota}",
        "wilayah": f"Kota {kota}",
        "kota": kota,
        "kepala": {
            "jabatan": f"Kepala {nama} Kota {kota}",
            "nama": _nama_kepala(rng),
            "pangkat": pangkat,
            "golongan": golongan,
            "nip": _nip(rng),
        },
    }
    agency["visi"] = f"Terwujudnya pelayanan {nama} yang profesional dan akuntabel"
    agency["misi"] = [{"kode": "M1", "teks": "Meningkatkan kualitas dan kecepatan pelayanan"}]
    agency["tujuan"] = [
        {
            "kode": "T1",
            "misi": "M1",
            "teks": "Meningkatkan kualitas pelayanan dan akuntabilitas kinerja",
        }
    ]
    agency["sasaran"] = [
        {"kode": s, "tujuan": "T1", "teks": teks} for s, teks in sorted(teks_sasaran.items())
    ]
    agency["pengukuran"]["rumus_polaritas_negatif"] = rumus
    stub = agency["iku"][0]
    years = range(agency["renstra"]["periode_awal"], agency["renstra"]["periode_akhir"] + 1)
    agency["iku"] = [
        {
            **stub,
            "kode": i.kode,
            "sasaran": i.sasaran,
            "nama": i.nama,
            "satuan": i.satuan,
            "polaritas": i.polaritas,
            "realisasi": dict(stub["realisasi"]),
            "target_renstra": _target_renstra(i, tahun, years),
        }
        for i in iku
    ]
    params = yaml.safe_load(year_text)
    params["laporan"] = {"tempat": kota, "tanggal": f"{tahun + 1}-02-{rng.randint(10, 28)}"}
    pk = {i.kode: _angka(i.target) for i in iku}
    params["perjanjian_kinerja"] = {"murni": pk, "perubahan": dict(pk)}
    return agency, params


def _tulis_csv(path: Path, header: list[str], rows: list[dict]) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def _tulis_yaml(path: Path, data: dict) -> None:
    path.write_text(
        "# Synthetic agency written by `python -m lkjip_helpers synth`.\n"
        + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100),
        encoding="utf-8",
    )


def buat_instansi(
    target: Path,
    nama: str,
    singkatan: str,
    seed: int,
    rusak: bool = False,
    *,
    tahun: int = TAHUN_BAWAAN,
    kota: str = KOTA[0],
) -> InstansiSintetis:
    """Write one synthetic agency folder (``params/`` + ``data/raw/``) at ``target``."""
    target = Path(target)
    rng = random.Random(seed)
    iku = pilih_iku(rng)
    rumus = rng.choices([r for r, _ in RUMUS_NEGATIF], [w for _, w in RUMUS_NEGATIF])[0]
    teks_sasaran = {
        s: f"Meningkatnya kinerja {'pelayanan' if s == 'S1' else 'tata kelola'} {nama}"
        for s in sorted({i.sasaran for i in iku})
    }
    files = stub_files(tahun, len(iku))
    agency, params = _params(
        files.pop("params/agency.yaml"),
        files.pop(f"params/{tahun}.yaml"),
        nama=nama,
        singkatan=singkatan,
        kota=kota,
        tahun=tahun,
        rumus=rumus,
        iku=iku,
        teks_sasaran=teks_sasaran,
        rng=rng,
    )
    for rel, text in files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text if rel.endswith(".yaml") else _prosa(text, nama, tahun), "utf-8")
    _tulis_yaml(target / "params" / "agency.yaml", agency)
    _tulis_yaml(target / "params" / f"{tahun}.yaml", params)

    rows = _staf(rng, tahun) | _kinerja(iku, tahun, rumus, teks_sasaran)
    rows |= _anggaran(rng, iku, singkatan, teks_sasaran)
    salah = _salah_terbit(rng, iku, rumus, rows["realisasi_iku"]) if rng.random() < 0.3 else ""
    if rusak:
        # The first IKU's realisasi written in words: validation must stop it.
        rows["realisasi_iku"][0]["realisasi"] = NILAI_RUSAK
    raw = target / "data" / "raw" / str(tahun)
    raw.mkdir(parents=True, exist_ok=True)
    end = tahun - 1 + RENSTRA_YEARS - 1
    for spec in load_catalogue(target / "data" / "raw" / "catalogue.yaml"):
        if spec.name in rows:
            header = [c.name for c in template_columns(spec, None, None, tahun, end)]
            _tulis_csv(raw / f"{spec.file}.csv", header, rows[spec.name])
    pagu = next(r["pagu_perubahan"] for r in rows["anggaran_belanja"] if r["uraian"] == "TOTAL")
    return InstansiSintetis(
        folder=target.name,
        nama=nama,
        singkatan=singkatan,
        rusak=rusak,
        rumus=rumus,
        iku=tuple(iku),
        pagu=pagu,
        salah_terbit=salah,
    )


def buat_portofolio(
    out: Path, jumlah: int, seed: int, rusak: int = 0, tahun: int = TAHUN_BAWAAN
) -> list[InstansiSintetis]:
    """Write ``jumlah`` synthetic agencies under ``out/`` and ``out/portfolio.yaml``.

    The last ``rusak`` agencies are broken. Refuses to write into a folder that
    already holds agencies, so nothing is overwritten.
    """
    out = Path(out)
    if jumlah < 1:
        raise ParamsError(f"synth: --agencies must be at least 1, got {jumlah}.")
    if not 0 <= rusak <= jumlah:
        raise ParamsError(f"synth: --broken must be between 0 and {jumlah}, got {rusak}.")
    if (out / "portfolio.yaml").exists():
        raise ParamsError(
            f"synth: {out / 'portfolio.yaml'} already exists; choose an empty --out folder."
        )
    rng = random.Random(seed)
    kota = rng.choice(KOTA)
    urutan = rng.sample(PERANGKAT_DAERAH, len(PERANGKAT_DAERAH))
    made: list[InstansiSintetis] = []
    for i in range(jumlah):
        nama, singkatan = urutan[i % len(urutan)]
        putaran = i // len(urutan)
        if putaran:
            # More agencies than names: a province's regencies each have the same dinas.
            nama, singkatan = f"{nama} Wilayah {putaran + 1}", f"{singkatan}-{putaran + 1}"
        folder = f"{i + 1:03d}-{_slug(singkatan)}"
        broken = i >= jumlah - rusak
        if (out / folder).exists():
            raise ParamsError(
                f"synth: {out / folder} already exists; choose an empty --out folder."
            )
        made.append(
            buat_instansi(
                out / folder,
                nama,
                singkatan,
                rng.randrange(2**32),
                broken,
                tahun=tahun,
                kota=kota,
            )
        )
    portfolio = {
        "nama": f"Pemerintah Kota {kota} (sintetis: {jumlah} perangkat daerah, seed {seed})",
        "tahun": [tahun],
        "instansi": [{"folder": m.folder} for m in made],
    }
    (out / "portfolio.yaml").write_text(
        "# Written by `python -m lkjip_helpers synth`; agency folders are relative to this file.\n"
        + yaml.safe_dump(portfolio, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    return made
