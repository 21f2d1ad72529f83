"""Start a new agency folder: params, prose stubs, an empty catalogue, Excel templates.

``make new-agency DIR=../dinas-x YEAR=2024`` runs :func:`create_new_agency`. It
never overwrites anything: it refuses a folder that exists and is not empty. It
creates

* ``params/agency.yaml`` - the agency, its Renstra period, visi/misi/tujuan/sasaran
  and four IKU stubs (``cara: input``, realisasi from ``realisasi_iku``), every
  value to fill in marked ``ISI``; the scales, sentence templates and chapters
  come from the package's defaults until the agency copies them to ``params/``;
* ``params/<year>.yaml`` - place and date of the report, the Perjanjian Kinerja
  (targets to fill in);
* ``params/teks/*.md`` and ``params/prose/<year>/...`` - the agency's texts and the
  year's analysis, one stub per file a chapter reads, with the headings the
  chapters look for;
* ``data/raw/catalogue.yaml`` - empty: it extends the base catalogue
  (``lkjip_helpers/data/katalog_dasar.yaml``); the agency adds its own tables;
* ``data/raw/<year>/templates/<table>.xlsx`` - an Excel template for every table
  of the base catalogue (as ``make new-year`` writes them).

Then ``make report AGENCY=<folder> YEAR=<year>`` builds it once the templates are
filled in and saved as ``data/raw/<year>/<table>.xlsx`` (or ``.csv``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lkjip_helpers.core import config
from lkjip_helpers.core.exceptions import LkjipError
from lkjip_helpers.data.catalogue import load_catalogue
from lkjip_helpers.data.tables import TEMPLATE_FOLDER
from lkjip_helpers.tahun_baru.scaffold import template_for

#: IKU stubs written for a new agency.
IKU_STUBS = 4
#: Renstra period of the stub: the report year is its second year (five years).
RENSTRA_YEARS = 5
FILL = "ISI"

TEKS_FILES = {
    "latar_belakang.md": "Latar belakang penyusunan LKjIP {instansi}.",
    "maksud_tujuan.md": "Maksud dan tujuan penyusunan laporan.",
    "landasan_hukum.md": "Peraturan yang menjadi landasan penyusunan laporan.",
    "tugas_fungsi.md": "Tugas pokok dan fungsi {instansi}.",
    "struktur_organisasi.md": "Struktur organisasi {instansi}.",
    "jenis_pelayanan.md": "Jenis pelayanan yang diberikan {instansi}.",
    "lingkungan_strategis.md": "Kekuatan, kelemahan, peluang dan tantangan.",
    "sistematika.md": "Sistematika penyajian laporan.",
    "visi_misi.md": "Penjelasan visi dan misi.",
    "penjelasan_iku.md": "Penjelasan indikator kinerja utama.",
}
# Files with sections (``## heading``) the chapters look up by heading.
TEKS_SECTIONS = {
    "metode_pengukuran.md": [
        "Ketentuan",
        "Progres positif",
        "Progres negatif, rumus berorientasi",
        "Progres negatif, skala terbalik",
    ],
}
PROSE_SECTIONS = {
    "pendahuluan.md": [
        "Potensi sumber daya manusia",
        "Pendidikan",
        "Pangkat/golongan",
        "Eselon",
        "Jenis kelamin",
        "Tenaga non-PNS",
        "Sarana dan prasarana",
    ],
    "perencanaan.md": [
        "Rencana Strategis",
        "Tujuan, sasaran dan indikator jangka menengah",
        "Perjanjian Kinerja",
        "Revisi Perjanjian Kinerja",
    ],
    "akuntabilitas.md": ["Pengantar", "Evaluasi dan analisis"],
    "anggaran.md": ["Sumber anggaran", "Kendala penyerapan", "Upaya percepatan penyerapan"],
}
# Files in parts (``<!-- name -->`` lines) picked by number.
PROSE_PARTS = {
    "pengantar.md": ["", "ikhtisar", "permasalahan", "tindak_lanjut"],
    "penutup.md": ["", "langkah", "penutup"],
}
IKU_PROSE = {
    "iku": ["Analisis", "Tindak lanjut"],
    "simpulan": ["Penyebab utama", "Permasalahan", "Tindak lanjut"],
}


@dataclass
class NewAgency:
    """What :func:`create_new_agency` created."""

    folder: Path
    year: int
    files: list[Path] = field(default_factory=list)
    templates: dict[str, Path] = field(default_factory=dict)


def _stub(what: str) -> str:
    return f"[{FILL}: {what}]"


def agency_text(year: int, iku: int = IKU_STUBS) -> str:
    """The text of ``params/agency.yaml`` for a new agency with ``iku`` IKU stubs."""
    start = year - 1
    end = start + RENSTRA_YEARS - 1
    targets = "{" + ", ".join(f"{y}: null" for y in range(start, end + 1)) + "}"
    lines = [
        "# The agency: everything here is its content, not code (docs/architecture.md).",
        f"# Created by `make new-agency`: replace every {FILL} and every null.",
        "instansi:",
        f"  nama: {FILL} nama perangkat daerah",
        f"  singkatan: {FILL}",
        f"  pemerintah: {FILL} Pemerintah Kota/Kabupaten",
        f"  wilayah: {FILL}",
        f"  kota: {FILL}                 # place printed above the signature",
        "  kepala:",
        f"    jabatan: {FILL}",
        f"    nama: {FILL}",
        f"    pangkat: {FILL}",
        f"    golongan: {FILL}",
        '    nip: "000000000000000000"',
        "renstra:",
        f"  periode_awal: {start}",
        f"  periode_akhir: {end}",
        f"visi: {FILL} visi",
        "misi:",
        f"  - {{kode: M1, teks: {FILL} misi}}",
        "tujuan:",
        f"  - {{kode: T1, misi: M1, teks: {FILL} tujuan}}",
        "sasaran:",
        f"  - {{kode: S1, tujuan: T1, teks: {FILL} sasaran}}",
        "pengukuran:",
        "  skala: ordinal_seed          # params/scales.yaml (package default until copied)",
        "  batas_capaian: 100",
        "  rumus_polaritas_negatif: dua_kali_target",
        "# Indikator Kinerja Utama, in the order of their sections in Bab III.",
        "iku:",
    ]
    for n in range(1, iku + 1):
        lines += [
            f"  - kode: IKU-{n}",
            "    sasaran: S1",
            f"    nama: {FILL} nama indikator {n}",
            "    satuan: persen",
            "    polaritas: positif          # or negatif (lower is better)",
            "    realisasi: {cara: input, tabel: realisasi_iku}",
            f"    target_renstra: {targets}",
        ]
    return "\n".join(lines) + "\n"


def year_text(year: int, iku: int = IKU_STUBS) -> str:
    """The text of ``params/<year>.yaml`` for a new agency."""
    pk = "{" + ", ".join(f"IKU-{n}: null" for n in range(1, iku + 1)) + "}"
    return (
        "\n".join(
            [
                "# What changes by year (docs/architecture.md).",
                f"tahun: {year}",
                "laporan:",
                f"  tempat: {FILL}",
                "  tanggal: null                # the date the report is signed, YYYY-MM-DD",
                "# Perjanjian Kinerja: targets signed (murni) and after the budget revision.",
                "perjanjian_kinerja:",
                f"  murni:     {pk}",
                f"  perubahan: {pk}",
            ]
        )
        + "\n"
    )


CATALOGUE_TEXT = """\
# The agency's raw tables. The tables every LKjIP has come from the base catalogue
# (lkjip_helpers/data/katalog_dasar.yaml); list here only this agency's own
# supporting tables and what it changes in a base entry (docs/architecture.md).
extends: dasar
tables: {}
"""


def _sections(headings: list[str]) -> str:
    return "\n".join(f"## {h}\n\n{_stub(h.lower())}\n" for h in headings)


def _parts(names: list[str]) -> str:
    chunks = []
    for name in names:
        head = f"<!-- {name} -->\n\n" if name else ""
        chunks.append(head + _stub(name or "pembuka") + "\n")
    return "\n".join(chunks)


def stub_files(year: int, iku: int = IKU_STUBS) -> dict[str, str]:
    """Every file of a new agency but the templates: path (relative) -> text."""
    files = {
        "params/agency.yaml": agency_text(year, iku),
        f"params/{year}.yaml": year_text(year, iku),
        "data/raw/catalogue.yaml": CATALOGUE_TEXT,
    }
    for name, what in TEKS_FILES.items():
        files[f"params/teks/{name}"] = _stub(what) + "\n"
    for name, headings in TEKS_SECTIONS.items():
        files[f"params/teks/{name}"] = _sections(headings)
    prose = f"params/prose/{year}"
    for name, headings in PROSE_SECTIONS.items():
        files[f"{prose}/{name}"] = _sections(headings)
    for name, parts in PROSE_PARTS.items():
        files[f"{prose}/{name}"] = _parts(parts)
    for folder, headings in IKU_PROSE.items():
        for n in range(1, iku + 1):
            files[f"{prose}/{folder}/IKU-{n}.md"] = _sections(headings)
    return files


def create_new_agency(
    folder: Path | str,
    year: int,
    *,
    iku: int = IKU_STUBS,
    echo: Callable[[str], None] | None = print,
) -> NewAgency:
    """Create a new agency folder for report year ``year`` (nothing is overwritten).

    Raises
    ------
    LkjipError
        The folder exists and is not empty, or ``year`` is not a report year.
    """
    folder = Path(folder).expanduser().resolve()
    if not 1900 <= year <= 2200:
        raise LkjipError(f"{year} is not a report year.")
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise LkjipError(
            f"{folder} already exists and is not empty: `new-agency` never overwrites "
            "anything. Choose a new folder."
        )
    result = NewAgency(folder=folder, year=year)
    created_root = not folder.exists()
    saved = os.environ.get(config.AGENCY_ENV)
    try:
        for rel, text in stub_files(year, iku).items():
            path = folder / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "x", encoding="utf-8") as fh:
                fh.write(text)
            result.files.append(path)
        # The templates are those of the agency's own (merged) catalogue.
        os.environ[config.AGENCY_ENV] = str(folder)
        templates = folder / "data" / "raw" / str(year) / TEMPLATE_FOLDER
        templates.mkdir(parents=True)
        end = year - 1 + RENSTRA_YEARS - 1
        for spec in load_catalogue():
            content, _ = template_for(spec, year, end)
            path = templates / f"{spec.file}.xlsx"
            with open(path, "xb") as fh:
                fh.write(content)
            result.templates[spec.name] = path
    except BaseException:
        if created_root:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            for child in list(folder.iterdir()):
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        raise
    finally:
        if saved is None:
            os.environ.pop(config.AGENCY_ENV, None)
        else:
            os.environ[config.AGENCY_ENV] = saved
    if echo is not None:
        echo(summary(result))
    return result


def summary(result: NewAgency) -> str:
    """What was created and what to do next."""
    y = result.year
    return "\n".join(
        [
            f"new agency in {result.folder}: {len(result.files)} params and prose files, "
            f"{len(result.templates)} Excel templates in data/raw/{y}/{TEMPLATE_FOLDER}/",
            "next:",
            f"  1. replace every {FILL} and null in params/agency.yaml and params/{y}.yaml",
            f"  2. fill the templates, save each as data/raw/{y}/<table>.xlsx (or .csv)",
            f"  3. write the prose in params/prose/{y}/ and params/teks/",
            f"  4. make report AGENCY={result.folder} YEAR={y}",
        ]
    )
