"""The report's context: what every chapter notebook loads in one call.

``konteks(year)`` gathers the params, the processed tables, the realisasi of
every IKU (with where it comes from), the capaian table and the sasaran
averages. The ``tabel_*`` functions build the report's tables as frames of
formatted strings (ready for :func:`lkjip_helpers.laporan.display.show_table`); they are
pure functions of the context. ``prose``/``teks`` fill the analysts' Markdown
files with formatted values.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Annotated

import pandas as pd
from pydantic import Field

from lkjip_helpers.core import config, reads
from lkjip_helpers.core.exceptions import MissingDataError, ParamsError
from lkjip_helpers.core.schema import Skema, Teks, TeksOpsional, load
from lkjip_helpers.data.catalogue import load_catalogue
from lkjip_helpers.data.io import display_path
from lkjip_helpers.data.tables import TabelTahun
from lkjip_helpers.indikator.params import load_params
from lkjip_helpers.indikator.pengukuran import hitung
from lkjip_helpers.laporan import formatting as fmt
from lkjip_helpers.laporan.markdown import Markdown, isi_templat

ANGKA_TERBILANG = {
    1: "satu",
    2: "dua",
    3: "tiga",
    4: "empat",
    5: "lima",
    6: "enam",
    7: "tujuh",
    8: "delapan",
    9: "sembilan",
    10: "sepuluh",
}


@dataclass
class Konteks:
    """Everything a chapter needs for one report year."""

    tahun: int
    params: object
    tabel: Mapping[str, pd.DataFrame]
    realisasi: dict
    capaian: pd.DataFrame
    sasaran: pd.DataFrame
    riwayat: dict[int, Mapping[str, pd.DataFrame]] = field(default_factory=dict)

    @property
    def agency(self):
        return self.params.agency

    @property
    def tahun_params(self):
        return self.params.tahun

    def t(self, name: str) -> pd.DataFrame:
        """A processed table of the year (clear error when the year lacks it)."""
        if name not in self.tabel:
            raise MissingDataError(
                f"table {name!r} is not in data/processed/{self.tahun}/; "
                f"run `make data YEAR={self.tahun}`."
            )
        return self.tabel[name]

    def tanda_tangan(self) -> dict:
        """Arguments of ``report.show_signature``: place, date, head of agency."""
        k = self.agency.instansi.kepala
        lap = self.tahun_params.laporan
        return {
            "place": lap.tempat,
            "date_text": fmt.tanggal(lap.tanggal_wajib()),
            "jabatan": k.jabatan,
            "nama": k.nama,
            "pangkat": f"{k.pangkat} ({k.golongan})" if k.golongan else k.pangkat,
            "nip": k.nip,
        }

    # ---------------------------------------------------------------- values
    def nilai_teks(self) -> dict[str, object]:
        """Placeholder values for prose files (all formatted strings)."""
        a = self.agency
        inst = a.instansi
        n_sasaran = len(a.sasaran)
        n_iku = len(self.capaian)
        return {
            "tahun": fmt.tahun(self.tahun),
            "tahun_lalu": fmt.tahun(self.tahun - 1),
            "tahun_depan": fmt.tahun(self.tahun + 1),
            "instansi": f"{inst.nama} {inst.wilayah}",
            "instansi_singkat": inst.singkatan,
            "wilayah": inst.wilayah,
            "pemerintah": inst.pemerintah,
            "renstra_awal": fmt.tahun(a.renstra.periode_awal),
            "renstra_akhir": fmt.tahun(a.renstra.periode_akhir),
            "jumlah_sasaran": terbilang(n_sasaran),
            "jumlah_iku": terbilang(n_iku),
            "fakta": self.fakta(),
        }

    def fakta(self) -> dict[str, str]:
        """Facts quoted in prose (``fakta_narasi``), formatted with their unit."""
        if "fakta_narasi" not in self.tabel:
            return {}
        out = {}
        for row in self.tabel["fakta_narasi"].itertuples(index=False):
            out[str(row.id)] = fmt.nilai_satuan(row.nilai, str(row.satuan), ringkas=True)
        return out

    def prose(self, name: str, bagian: int | None = None, tambah: int = 1, **extra) -> Markdown:
        """A year-specific prose file, filled with values (``params/prose/<year>/``).

        ``tambah`` demotes the file's headings (a ``##`` in the file becomes
        ``###`` by default, since prose sits inside a section).
        """
        values = self.nilai_teks() | extra
        return isi_teks(config.prose_dir(self.tahun) / name, values, bagian, tambah)

    def seksi(self, name: str, teks: bool = False, **extra) -> Seksi:
        """The ``## `` sections of a prose (or, with ``teks``, an agency text) file.

        Returns heading -> filled body, in file order, so a notebook can place each
        section next to the table it comments on.
        """
        folder = config.teks_dir() if teks else config.prose_dir(self.tahun)
        path = folder / name
        filled = isi_teks(path, self.nilai_teks() | extra, tambah=0)
        return bagi_seksi(filled, display_path(path), path.read_text(encoding="utf-8"))

    def teks(self, name: str, tambah: int = 1, **extra) -> Markdown:
        """An agency text file (``params/teks/``), filled with values."""
        return isi_teks(config.teks_dir() / name, self.nilai_teks() | extra, tambah=tambah)


def terbilang(n: int) -> str:
    """'2 (dua)' as LKjIP writes small counts."""
    word = ANGKA_TERBILANG.get(int(n))
    return f"{fmt.angka(n, 0)} ({word})" if word else fmt.angka(n, 0)


def isi_teks(path: Path, values: dict, bagian: int | None = None, tambah: int = 1) -> Markdown:
    """Read a Markdown text file and fill its ``{placeholders}``.

    The file is trusted Markdown; every value is escaped (see
    :func:`lkjip_helpers.laporan.markdown.isi_templat`), so data can never inject
    markup. A file may hold several parts separated by ``<!-- name -->`` lines;
    ``bagian`` picks one. An unknown placeholder or ``{fakta[...]}`` key raises
    :class:`ParamsError` naming the file, the line and what exists.
    """
    path = Path(path)
    if not path.exists():
        raise MissingDataError(
            f"{display_path(path)}: prose file not found. Create it (copy last year's and edit)."
        )
    source = path.read_text(encoding="utf-8")
    text = source
    if bagian is not None:
        parts = _split_parts(source)
        if bagian >= len(parts):
            raise ParamsError(f"{display_path(path)}: has no part {bagian}")
        text = parts[bagian]
    filled = isi_templat(text, values, sumber=display_path(path), teks_sumber=source).strip()
    return turunkan_judul(filled, tambah)


class Seksi(Mapping):
    """The ``## `` sections of a prose file: heading -> filled Markdown, in file order.

    Asking for a heading the file does not have (renamed, misspelt) is an error
    naming the file and the headings it has, with their lines: a paragraph never
    disappears silently. ``name in seksi`` tests without failing.
    """

    def __init__(self, bagian: dict[str, Markdown], sumber: str = "", baris: dict | None = None):
        self._bagian = bagian
        self.sumber = sumber
        self.baris = baris or {}

    def __getitem__(self, judul: str) -> Markdown:
        if judul not in self._bagian:
            known = "; ".join(
                f"'## {k}'" + (f" (line {self.baris[k]})" if k in self.baris else "")
                for k in self._bagian
                if k
            )
            raise ParamsError(
                f"{self.sumber or 'prose'}: no section '## {judul}' (a notebook shows it); "
                f"the file has: {known or 'no ## headings'}. Rename the heading back or "
                "change the notebook."
            )
        return self._bagian[judul]

    def get(self, judul: str, default=None) -> Markdown:
        """Like ``self[judul]``: a section a notebook asks for must exist."""
        return self[judul]

    def __iter__(self):
        return iter(self._bagian)

    def __len__(self) -> int:
        return len(self._bagian)


def bagi_seksi(markdown: str, sumber: str = "", teks_sumber: str | None = None) -> Seksi:
    """Split Markdown at level-2 headings: {heading: body}; text before any is under ''.

    ``sumber`` and ``teks_sumber`` (the file's name and raw text) make a missing
    heading's error name the file and the lines of the headings it has.
    """
    out: dict[str, list[str]] = {"": []}
    current = ""
    for line in markdown.splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
            out[current] = []
        else:
            out[current].append(line)
    source = teks_sumber if teks_sumber is not None else str(markdown)
    baris = {}
    for number, line in enumerate(source.splitlines(), start=1):
        if line.startswith("## "):
            baris.setdefault(line[3:].strip(), number)
    body = {
        k: turunkan_judul(Markdown("\n".join(v).strip()), 1)
        for k, v in out.items()
        if k or "".join(v).strip()
    }
    return Seksi(body, sumber, baris)


def turunkan_judul(markdown: str, tambah: int) -> str:
    """Demote Markdown headings by ``tambah`` levels (prose sits inside a section).

    Keeps the type: :class:`Markdown` in, :class:`Markdown` out.
    """
    if tambah <= 0:
        return markdown
    out = []
    for line in markdown.splitlines():
        if line.startswith("#"):
            hashes = len(line) - len(line.lstrip("#"))
            if line[hashes : hashes + 1] == " ":
                line = "#" * min(6, hashes + tambah) + line[hashes:]
        out.append(line)
    text = "\n".join(out)
    if isinstance(markdown, Markdown):
        return Markdown(text, turunkan_judul(markdown.plain, tambah))
    return text


def _split_parts(text: str) -> list[str]:
    parts, current = [], []
    for line in text.splitlines():
        if line.strip().startswith("<!--") and line.strip().endswith("-->"):
            parts.append("\n".join(current))
            current = []
        else:
            current.append(line)
    parts.append("\n".join(current))
    return parts


# ------------------------------------------------------------------- params/report.yaml


class NotebookBab(Skema):
    """A notebook writing (part of) a chapter; ``per_iku`` runs it once per active IKU."""

    notebook: Teks
    per_iku: bool = False
    # prose files read (params/prose/<year>/), ``{kode_iku}`` filled per IKU
    prose: tuple[Teks, ...] = ()


class Bab(Skema):
    """A chapter of the book."""

    id: Teks
    judul: TeksOpsional = ""
    bernomor: bool = True
    notebooks: Annotated[tuple[NotebookBab, ...], Field(min_length=1)]


class SusunanLaporan(Skema):
    """Validated content of ``params/report.yaml``: the title and the chapters in order."""

    judul: Teks = "Laporan Kinerja Instansi Pemerintah (LKjIP)"
    chapters: Annotated[tuple[Bab, ...], Field(min_length=1)]


def load_susunan() -> SusunanLaporan:
    """Load and validate ``params/report.yaml``."""
    return load(SusunanLaporan, config.report_file())


# ------------------------------------------------------------------- loading


def tabel_tahun_lalu(year: int, catalogue=None):
    """The tables of an earlier year for comparisons, from that year's own data.

    A fully built year is read from ``data/processed``; a year of which the
    repository holds only part of the data (e.g. 2016, carried by the 2017 report)
    is validated and tidied from its raw files, table by table, when first used.
    """

    return TabelTahun(year, partial=True, catalogue=catalogue)


#: Set by the build in its kernels: a snapshot of the context computed once per build.
SNAPSHOT_ENV = "LKJIP_CONTEXT_FILE"
#: Bump when what a snapshot holds changes in a way its code key cannot see.
SNAPSHOT_FORMAT = 1


def tahun_laporan(year: int | None = None) -> int:
    """``year``; None (a notebook opened outside a build): the agency's latest report year.

    The latest year with both ``params/<year>.yaml`` and ``data/raw/<year>/``, so a
    notebook run from JupyterLab shows the agency's own year, not the example's.
    """
    if year is not None:
        return int(year)
    years = [y for y in config.tahun_di(config.params_dir()) if config.raw_dir(y).is_dir()]
    if not years:
        raise MissingDataError(
            "no report year: no params/<year>.yaml with a data/raw/<year>/ folder in "
            f"{config.agency_root()}; run `make new-year YEAR=...` first."
        )
    return years[-1]


@lru_cache(maxsize=4)
def konteks(year: int) -> Konteks:
    """The context of ``year`` (params, processed data, capaian).

    Inside a build the context was computed once by the build and handed to
    every notebook as a snapshot (:data:`SNAPSHOT_ENV`): loading it notes, for
    the build cache, the reads it was computed from, and each table it holds
    notes its own file when a notebook asks for it, as a computed context would.
    """
    snapshot = dari_snapshot(year)
    if snapshot is not None:
        return snapshot
    return hitung_konteks(year)


def snapshot_bytes(ctx: Konteks, base_reads: list) -> bytes:
    """``ctx`` and the reads computing it took (its tables keep their own), pickled."""
    payload = {
        "format": SNAPSHOT_FORMAT,
        "tahun": ctx.tahun,
        "reads": [list(e) for e in base_reads],
        "konteks": ctx,
    }
    return pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)


def baca_snapshot(path: Path) -> dict | None:
    """The snapshot in ``path``; None when it is missing, damaged or of another format."""
    try:
        payload = pickle.loads(Path(path).read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        return None
    if not isinstance(payload, dict) or payload.get("format") != SNAPSHOT_FORMAT:
        return None
    return payload


def dari_snapshot(year: int) -> Konteks | None:
    """The build's snapshot of ``year`` (None outside a build or for another year).

    Its recorded reads are noted as reads of the caller, with the fingerprints
    the snapshot was computed from.
    """
    path = os.environ.get(SNAPSHOT_ENV)
    if not path:
        return None
    payload = baca_snapshot(Path(path))
    if payload is None or payload.get("tahun") != year:
        return None
    reads.replay(payload["reads"])
    return payload["konteks"]


def hitung_konteks(year: int) -> Konteks:
    """Compute the context of ``year`` from params and data (what :func:`konteks` caches)."""

    params = load_params(year)
    catalogue = load_catalogue()
    tabel = TabelTahun(year, catalogue=catalogue)
    realisasi, capaian, sasaran = hitung(params, tabel, year)
    # earlier years with any data: processed, or raw only (a partial year); which
    # years exist is an input of the build cache, later years are not
    for base in (config.processed_dir(), config.raw_dir()):
        reads.record_years(base, before=year)
    riwayat = {
        y: tabel_tahun_lalu(y, catalogue)
        for y in config.tahun_di(config.processed_dir(), config.raw_dir(), sebelum=year)
    }
    return Konteks(
        tahun=year,
        params=params,
        tabel=tabel,
        realisasi=realisasi,
        capaian=capaian,
        sasaran=sasaran,
        riwayat=riwayat,
    )


def capaian_iku_table(year: int) -> pd.DataFrame:
    """``outputs/<year>/capaian_iku.csv``: the machine-readable heart of the report."""
    konteks.cache_clear()
    return konteks(year).capaian


def render_meta(year: int) -> dict:
    """What the cover page and the book metadata need."""

    p = load_params(year)
    inst = p.agency.instansi
    return {
        "judul": load_susunan().judul,
        "instansi": f"{inst.nama} {inst.wilayah}",
        "pemerintah": inst.pemerintah,
        "tahun": fmt.tahun(year),
        "tempat": p.tahun.laporan.tempat,
        "tanggal": fmt.tanggal(p.tahun.laporan.tanggal_wajib()),
    }
