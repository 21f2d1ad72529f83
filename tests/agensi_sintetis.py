"""A small synthetic agency written over a copy of the repository, for product tests.

The product's tests must not depend on the Balikpapan example's figures. This
module turns a copy of the repository (``build.workspace.copy_repo``) into
another agency by rewriting only agency data: ``params/agency.yaml``,
``params/<year>.yaml``, the IKU prose files and the realisasi table. Nothing
under ``lkjip_helpers/`` or ``notebooks/`` changes.

The agency has five IKU, chosen to exercise every branch of the capaian rules
(``dua_kali_target`` for negative polarity, a cap of 100%):

========  =========  ======  =========  =================================
IKU       polaritas  target  realisasi  what it exercises
========  =========  ======  =========  =================================
IKU-1     positif    80      60         below target: 75%
IKU-2     positif    80      96         above target: 120%, capped 100%
IKU-3     negatif    10      8          better than target: 120% -> 100%
IKU-4     negatif    6       7          worse than target: 83,33%
IKU-5     positif    70      (none)     not available, with a reason
========  =========  ======  =========  =================================

IKU-1..IKU-3 serve sasaran S1, IKU-4 and IKU-5 sasaran S2. The earlier year
(2016) has a realisasi for IKU-1 and IKU-4 only, although IKU-2 had a Renstra
target then: its history shows the year as "data tidak tersedia". The budget
line Belanja Tidak Langsung has no realisasi (with a reason, :data:`ALASAN_BTL`).

Use :func:`tulis_agensi` on a fresh base from :func:`salin_dasar` (see the
``sintetis`` fixture of ``tests/test_agensi_sintetis.py``); :data:`IKU` and
:func:`capaian_harapan` give the expected figures, computed by hand here (not by
the package).

The base is not the repository's own agency: it is the repository's code with the
tests' small agency (:mod:`tests.agensi_kecil`, written from ``new-agency``'s
scaffold for 2017) as its params and data, so these tests run the same whatever
agency the repository holds (the example, or another one's: ``tools/travel_check.py``).
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import yaml

from lkjip_helpers.build.workspace import CODE_PARTS
from tests.agensi_kecil import tulis_agensi_kecil

TAHUN = 2017
ALASAN_IKU5 = (
    "Survei kepuasan pegawai tidak dilaksanakan pada tahun 2017 karena refocusing anggaran"
)

#: (kode, sasaran, nama, satuan, polaritas, target PK, realisasi or None, 2016 realisasi or None)
IKU = [
    ("IKU-1", "S1", "Persentase Pegawai Bersertifikat Kompetensi", "persen", "positif", 80, 60, 55),
    ("IKU-2", "S1", "Persentase Layanan Selesai Tepat Waktu", "persen", "positif", 80, 96, None),
    ("IKU-3", "S1", "Jumlah Pengaduan Layanan", "pengaduan", "negatif", 10, 8, None),
    ("IKU-4", "S2", "Rata-rata Waktu Proses Layanan", "jam", "negatif", 6, 7, 8),
    ("IKU-5", "S2", "Indeks Kepuasan Pegawai", "skor", "positif", 70, None, None),
]
#: Renstra targets 2016-2021 per IKU (the report year's is the PK target above).
RENSTRA = {
    "IKU-1": {2016: 75, 2017: 80, 2018: 82, 2019: 84, 2020: 86, 2021: 90},
    "IKU-2": {2016: 75, 2017: 80, 2018: 82, 2019: 84, 2020: 86, 2021: 90},
    "IKU-3": {2016: None, 2017: 10, 2018: 9, 2019: 8, 2020: 7, 2021: 6},
    "IKU-4": {2016: 7, 2017: 6, 2018: 6, 2019: 5.5, 2020: 5.5, 2021: 5},
    "IKU-5": {2016: None, 2017: 70, 2018: 72, 2019: 74, 2020: 76, 2021: 78},
}
BATAS = 100.0
ROOT = Path(__file__).resolve().parent.parent
#: Budget of the base (tests/agensi_kecil.py): Belanja Langsung after the revision and
#: its realisasi, so its serapan is 405 / 450 = 90%.
BL_PAGU, BL_REALISASI = 450_000_000, 405_000_000
ALASAN_BTL = "Laporan realisasi belanja pegawai belum diterima dari BPKAD"


def capaian_tangan(
    polaritas: str, target: float, realisasi: float, rumus: str = "dua_kali_target"
) -> float:
    """The raw capaian written out by hand (independent of the package's code)."""
    if polaritas == "positif" or rumus == "realisasi_per_target":
        return realisasi / target * 100
    if rumus == "dua_kali_target":
        return (2 * target - realisasi) / target * 100
    return target / realisasi * 100


def capaian_harapan(kode: str, rumus: str = "dua_kali_target") -> tuple[float | None, float | None]:
    """(raw, capped) capaian of an IKU of this agency in the report year, by hand."""
    row = next(r for r in IKU if r[0] == kode)
    _, _, _, _, polaritas, target, realisasi, _ = row
    if realisasi is None:
        return None, None
    mentah = capaian_tangan(polaritas, target, realisasi, rumus)
    return mentah, min(mentah, BATAS)


def _tulis_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for r in rows:
            w.writerow(["" if v is None else v for v in r])


def salin_dasar(target: Path) -> Path:
    """The repository's code and the tests' small agency of 2017 at ``target``: the base."""
    target = Path(target)
    tulis_agensi_kecil(target, TAHUN, jumlah_iku=len(IKU))  # new-agency: an empty folder
    for part in CODE_PARTS:
        shutil.copytree(ROOT / part, target / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.rmtree(target / "data" / "raw" / str(TAHUN) / "templates", ignore_errors=True)
    (target / "data" / "processed").mkdir(parents=True, exist_ok=True)
    (target / "outputs").mkdir(exist_ok=True)
    return target


def _agency(root: Path, rumus: str) -> None:
    path = root / "params" / "agency.yaml"
    agency = yaml.safe_load(path.read_text(encoding="utf-8"))
    years = sorted(y for targets in RENSTRA.values() for y in targets)
    agency["renstra"] = {"periode_awal": years[0], "periode_akhir": years[-1]}
    sasaran = {r[1] for r in IKU}
    known = {s["kode"] for s in agency["sasaran"]}
    first = agency["sasaran"][0]
    agency["sasaran"] += [
        {**first, "kode": kode, "teks": f"Sasaran sintetis {kode}"}
        for kode in sorted(sasaran - known)
    ]
    agency["instansi"]["nama"] = "Dinas Layanan Sintetis"
    agency["instansi"]["singkatan"] = "DLS"
    agency["pengukuran"] = {
        "skala": agency["pengukuran"]["skala"],
        "batas_capaian": BATAS,
        "rumus_polaritas_negatif": rumus,
    }
    agency["iku"] = [
        {
            "kode": kode,
            "sasaran": sasaran,
            "nama": nama,
            "satuan": satuan,
            "polaritas": polaritas,
            # the formula is optional: the fifth IKU gives none
            "rumus": "" if kode == "IKU-5" else f"Rumus {nama.lower()}",
            "realisasi": {"cara": "input", "tabel": "realisasi_iku"},
            "target_renstra": RENSTRA[kode],
        }
        for kode, sasaran, nama, satuan, polaritas, *_ in IKU
    ]
    path.write_text(yaml.safe_dump(agency, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _tahun(root: Path) -> None:
    path = root / "params" / f"{TAHUN}.yaml"
    params = yaml.safe_load(path.read_text(encoding="utf-8"))
    pk = {r[0]: r[5] for r in IKU}
    params["perjanjian_kinerja"] = {"murni": pk, "perubahan": pk}
    # the example's map of its published tables names tables of IKU this agency lacks
    params.pop("tabel_terbitan", None)
    path.write_text(yaml.safe_dump(params, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _realisasi(root: Path, rumus: str) -> None:
    header = [
        "kode_iku",
        "sasaran",
        "indikator",
        "target_publikasi",
        "realisasi",
        "capaian_publikasi",
        "sumber_data",
        "alasan_tidak_tersedia",
    ]
    rows = []
    for kode, sasaran, nama, _, _, target, realisasi, _ in IKU:
        mentah, _ = capaian_harapan(kode, rumus)
        rows.append(
            [
                kode,
                sasaran,
                nama,
                target,
                realisasi,
                None if mentah is None else round(mentah, 2),
                None if realisasi is None else f"Rekapitulasi {nama.lower()}",
                ALASAN_IKU5 if realisasi is None else None,
            ]
        )
    _tulis_csv(root / "data" / "raw" / str(TAHUN) / "realisasi_iku.csv", header, rows)
    lalu = []
    for kode, sasaran, nama, _, _, _, _, dulu in IKU:
        if dulu is not None:
            lalu.append([kode, sasaran, nama, RENSTRA[kode][TAHUN - 1], dulu, None, "Arsip"])
    (root / "data" / "raw" / str(TAHUN - 1)).mkdir(parents=True, exist_ok=True)
    _tulis_csv(root / "data" / "raw" / str(TAHUN - 1) / "realisasi_iku.csv", header[:-1], lalu)


def _anggaran(root: Path) -> None:
    """Belanja Tidak Langsung without realisasi; the printed total has none either."""
    path = root / "data" / "raw" / str(TAHUN) / "anggaran_belanja.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        btl = "TIDAK LANGSUNG" in r["uraian"]
        r["alasan_tidak_tersedia"] = ALASAN_BTL if btl else ""
        if btl or r["jenis_baris"] == "jumlah":
            r["realisasi"] = r["persen"] = ""
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def _katalog(root: Path) -> None:
    """Let the agency's realisasi table accept its fifth IKU code."""
    path = root / "data" / "raw" / "catalogue.yaml"
    cat = yaml.safe_load(path.read_text(encoding="utf-8"))
    spec = (cat.get("tables") or {}).get("realisasi_iku") or {}
    kolom = (spec.get("columns") or {}).get("kode_iku") or {}
    if "allowed" in kolom:
        kolom["allowed"] = [r[0] for r in IKU]
        path.write_text(yaml.safe_dump(cat, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _prosa(root: Path) -> None:
    prosa = root / "params" / "prose" / str(TAHUN)
    for folder in ("iku", "simpulan"):
        for f in (prosa / folder).glob("*.md"):
            f.unlink()
    for kode, *_ in IKU:
        (prosa / "iku" / f"{kode}.md").write_text(
            "## Analisis\n\nAnalisis indikator {iku_nama} tahun {tahun}.\n", encoding="utf-8"
        )
        (prosa / "simpulan" / f"{kode}.md").write_text(
            "## Penyebab utama\n\nPenyebab utama indikator {iku_nama}.\n\n"
            "## Permasalahan\n\nPermasalahan indikator {iku_nama}.\n\n"
            "## Tindak lanjut\n\nTindak lanjut indikator {iku_nama}.\n",
            encoding="utf-8",
        )


def _tabel_terbitan(root: Path, rumus: str) -> None:
    """Drop the example's printed figures about its own IKU (they describe Balikpapan)."""
    raw = root / "data" / "raw" / str(TAHUN)
    for name in (
        "capaian_sasaran_1_publikasi.csv",
        "perbandingan_capaian_sasaran_1.csv",
        "perbandingan_capaian_sasaran_2.csv",
        "audit_harapan.yaml",
    ):
        (raw / name).unlink(missing_ok=True)
    publikasi = raw / "angka_publikasi.csv"
    if publikasi.exists():
        with publikasi.open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        header = rows[0]
        keep = [r for r in rows[1:] if "realisasi_iku" not in ",".join(r)]
        keep = [r for r in keep if "anggaran_belanja.realisasi" not in ",".join(r)]
        # the capaian of the negative IKU-4 quoted in prose, checked with the agency's rule
        iku4 = 'realisasi_iku.{}[kode_iku == "IKU-4"]'
        dikutip = dict.fromkeys(header, "")
        dikutip.update(
            id="S01",
            lokasi="Ikhtisar Eksekutif",
            uraian="Capaian IKU-4",
            nilai_publikasi=str(round(capaian_harapan("IKU-4", rumus)[0], 2)),
            satuan="persen",
            rumus="capaian",
            a=iku4.format("realisasi"),
            b=iku4.format("target_publikasi"),
        )
        with publikasi.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow([*header, "kode_iku"])
            w.writerows([*r, ""] for r in keep)
            w.writerow([*(dikutip[h] for h in header), "IKU-4"])


def tulis_agensi(root: Path, rumus: str = "dua_kali_target") -> Path:
    """Turn the repository copy at ``root`` into the synthetic agency; returns ``root``.

    ``rumus`` is the agency's ``pengukuran.rumus_polaritas_negatif``; the
    published capaian of ``realisasi_iku`` are written with it (so the audit has
    nothing to find in them).
    """
    root = Path(root)
    _agency(root, rumus)
    _tahun(root)
    _realisasi(root, rumus)
    _anggaran(root)
    _katalog(root)
    _prosa(root)
    _tabel_terbitan(root, rumus)
    return root
