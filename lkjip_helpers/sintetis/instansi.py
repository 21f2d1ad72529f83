"""Write plausible synthetic agency folders derived from the shipped example agency.

A city has about 40 perangkat daerah; a batch build and its benchmark need that
many agencies without anybody's real data. Each synthetic agency is the example
agency's ``params/`` and ``data/raw/`` (the agency folder of the any-agency
layout) with, drawn from a seeded random generator:

* its own name, abbreviation and head (``params/agency.yaml``);
* its own realisasi of the IKUs entered as input (``realisasi_iku``), with the
  published capaian recomputed by the package's own rule, so the figures agree;
* its own budget: every rupiah amount of the budget table scaled by one factor
  (pagu) and the realisasi of Belanja Tidak Langsung by another (serapan), with
  the printed percentages and the total row recomputed.

Only params and data change, never code, which is the product's promise for a new
agency. Tables that repeat the varied figures elsewhere (prose figures, history
tables) are left as the example published them, so the audit of a synthetic agency
reports those places as inconsistencies: realistic work for the audit, and the
reason audit counts differ between agencies.

``rusak`` agencies get a non-numeric realisasi (``"sembilan puluh"``) in
``realisasi_iku``: their data step fails with the validation message, which a
batch must report for that agency alone.
"""

from __future__ import annotations

import csv
import io
import random
import re
import shutil
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import yaml

from lkjip_helpers.core import config
from lkjip_helpers.core.exceptions import ParamsError
from lkjip_helpers.indikator.capaian import hitung_capaian

#: Realisasi written into a broken agency's table: a number in words, never a number.
NILAI_RUSAK = "sembilan puluh"

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

# Budget table of the example (Tabel 3.31): BTL and BL rows and their total.
TABEL_ANGGARAN = "anggaran_belanja"
TABEL_REALISASI_IKU = "realisasi_iku"


@dataclass(frozen=True)
class InstansiSintetis:
    """One written agency: its folder (relative to the output folder) and what was drawn."""

    folder: str
    nama: str
    singkatan: str
    rusak: bool


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _baca_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _tulis_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def _dua_desimal(x: Decimal) -> str:
    return str(x.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _nama_kepala(rng: random.Random) -> str:
    return f"{rng.choice(_NAMA_DEPAN)} {rng.choice(_NAMA_BELAKANG)}, {rng.choice(_GELAR)}"


def _nip(rng: random.Random) -> str:
    lahir = f"{rng.randint(1965, 1980)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    angkat = f"{rng.randint(1988, 2005)}{rng.randint(1, 12):02d}"
    return f"{lahir}{angkat}{rng.randint(1, 2)}{rng.randint(1, 999):03d}"


def _ubah_agency(path: Path, nama: str, singkatan: str, rng: random.Random, varied: set[str]):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    instansi = data["instansi"]
    wilayah = instansi.get("wilayah", "")
    instansi["nama"] = nama
    instansi["singkatan"] = singkatan
    kepala = instansi.setdefault("kepala", {})
    kepala["nama"] = _nama_kepala(rng)
    kepala["nip"] = _nip(rng)
    kepala["jabatan"] = f"Kepala {nama} {wilayah}".strip()
    for iku in data.get("iku", []):
        realisasi = iku.get("realisasi") or {}
        if iku.get("kode") in varied:
            # The example recomputes this IKU from its own evidence tables; a synthetic
            # realisasi has no such evidence, so there is nothing to compare it with.
            realisasi.pop("pembanding", None)
    path.write_text(
        "# Synthetic agency written by `python -m lkjip_helpers synth` from the example.\n"
        + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100),
        encoding="utf-8",
    )
    return data


def _input_iku(agency: dict) -> dict[str, dict]:
    """IKUs whose realisasi is entered in ``realisasi_iku`` (not computed by a rule)."""
    out = {}
    for iku in agency.get("iku", []):
        realisasi = iku.get("realisasi") or {}
        if realisasi.get("cara") == "input" and realisasi.get("tabel", TABEL_REALISASI_IKU) == (
            TABEL_REALISASI_IKU
        ):
            out[iku["kode"]] = iku
    return out


def _ubah_realisasi_iku(path: Path, ikus: dict[str, dict], rumus: str, rng, rusak: bool) -> None:
    header, rows = _baca_csv(path)
    for row in rows:
        iku = ikus.get(row["kode_iku"])
        if iku is None:
            continue
        target = Decimal(row["target_publikasi"])
        # Most agencies reach their targets, some fall short, a few exceed them widely.
        faktor = Decimal(str(round(rng.triangular(0.7, 1.35, 1.05), 3)))
        realisasi = (target * faktor).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if iku.get("satuan") == "persen":
            realisasi = min(realisasi, Decimal("100.00"))
        capaian = hitung_capaian(
            float(realisasi), float(target), iku.get("polaritas", "positif"), rumus
        ).mentah
        row["realisasi"] = _dua_desimal(realisasi)
        row["capaian_publikasi"] = _dua_desimal(Decimal(str(capaian)))
    if rusak:
        # The first varied IKU gets a realisasi written in words: validation must stop it.
        for row in rows:
            if row["kode_iku"] in ikus:
                row["realisasi"] = NILAI_RUSAK
                break
    _tulis_csv(path, header, rows)


def _ubah_anggaran(path: Path, rng: random.Random) -> None:
    """Scale every amount by one factor (pagu) and BTL realisasi by another (serapan)."""
    header, rows = _baca_csv(path)
    uang = [c for c in ("pagu_murni", "pagu_perubahan", "realisasi") if c in header]
    if not uang or "jenis_baris" not in header:
        return
    skala = Decimal(str(round(rng.uniform(0.3, 4.0), 2)))
    rincian = [r for r in rows if r["jenis_baris"] == "rincian"]
    for row in rincian:
        for col in uang:
            if row[col]:
                row[col] = _dua_desimal(Decimal(row[col]) * skala)
    if rincian and rincian[0]["realisasi"] and rincian[0]["pagu_perubahan"]:
        # Serapan of the first row (BTL) between 75% and 99%.
        pagu = Decimal(rincian[0]["pagu_perubahan"])
        rincian[0]["realisasi"] = _dua_desimal(
            pagu * Decimal(str(round(rng.uniform(0.75, 0.99), 4)))
        )
    for row in rows:
        if row["jenis_baris"] == "jumlah":
            for col in uang:
                row[col] = _dua_desimal(sum(Decimal(r[col] or "0") for r in rincian))
    if "persen" in header:
        for row in rows:
            if row["realisasi"] and row["pagu_perubahan"] and Decimal(row["pagu_perubahan"]):
                persen = Decimal(row["realisasi"]) / Decimal(row["pagu_perubahan"]) * 100
                row["persen"] = _dua_desimal(persen)
    _tulis_csv(path, header, rows)


def buat_instansi(
    target: Path,
    nama: str,
    singkatan: str,
    seed: int,
    rusak: bool = False,
    source: Path | None = None,
) -> None:
    """Write one synthetic agency folder (``params/`` + ``data/raw/``) at ``target``."""
    source = Path(source) if source is not None else config.project_root()
    rng = random.Random(seed)
    for part in ("params", "data/raw"):
        if not (source / part).is_dir():
            raise ParamsError(f"synth: the example agency has no {part}/ in {source}.")
        shutil.copytree(
            source / part,
            target / part,
            # The example's expected audit findings belong to the example only.
            ignore=shutil.ignore_patterns("__pycache__", "audit_harapan.yaml", "templates"),
        )
    agency_file = target / "params" / "agency.yaml"
    plain = yaml.safe_load(agency_file.read_text(encoding="utf-8"))
    varied = set(_input_iku(plain))
    agency = _ubah_agency(agency_file, nama, singkatan, rng, varied)
    rumus = (agency.get("pengukuran") or {}).get("rumus_polaritas_negatif", "dua_kali_target")
    for year_dir in sorted((target / "data" / "raw").iterdir()):
        if not (year_dir.is_dir() and re.fullmatch(r"\d{4}", year_dir.name)):
            continue
        realisasi = year_dir / f"{TABEL_REALISASI_IKU}.csv"
        # Only the report years (those with params/<year>.yaml) vary; an earlier
        # year's realisasi is history the example published.
        if not (target / "params" / f"{year_dir.name}.yaml").exists():
            continue
        if realisasi.exists():
            _ubah_realisasi_iku(realisasi, _input_iku(agency), rumus, rng, rusak)
        anggaran = year_dir / f"{TABEL_ANGGARAN}.csv"
        if anggaran.exists():
            _ubah_anggaran(anggaran, rng)


def buat_portofolio(
    out: Path, jumlah: int, seed: int, rusak: int = 0, source: Path | None = None
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
    source = Path(source) if source is not None else config.project_root()
    years = sorted(int(p.stem) for p in (source / "params").glob("[0-9][0-9][0-9][0-9].yaml"))
    if not years:
        raise ParamsError(f"synth: the example agency in {source} has no params/<year>.yaml.")
    rng = random.Random(seed)
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
        buat_instansi(out / folder, nama, singkatan, rng.randrange(2**32), broken, source)
        made.append(InstansiSintetis(folder=folder, nama=nama, singkatan=singkatan, rusak=broken))
    portfolio = {
        "nama": f"Portofolio sintetis ({jumlah} perangkat daerah, seed {seed})",
        "tahun": years,
        "instansi": [{"folder": m.folder} for m in made],
    }
    (out / "portfolio.yaml").write_text(
        "# Written by `python -m lkjip_helpers synth`; agency folders are relative to this file.\n"
        + yaml.safe_dump(portfolio, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    return made
