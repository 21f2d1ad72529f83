"""The report's context: what every chapter notebook loads in one call.

``konteks(year)`` gathers the params, the processed tables, the realisasi of
every IKU (with where it comes from), the capaian table and the sasaran
averages. The ``tabel_*`` functions build the report's tables as frames of
formatted strings (ready for :func:`lkjip_helpers.laporan.display.show_table`); they are
pure functions of the context. ``prose``/``teks`` fill the analysts' Markdown
files with formatted values.
"""

from __future__ import annotations

import string
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

    def prose(self, name: str, bagian: int | None = None, tambah: int = 1, **extra) -> str:
        """A year-specific prose file, filled with values (``params/prose/<year>/``).

        ``tambah`` demotes the file's headings (a ``##`` in the file becomes
        ``###`` by default, since prose sits inside a section).
        """
        values = self.nilai_teks() | extra
        return isi_teks(config.prose_dir(self.tahun) / name, values, bagian, tambah)

    def seksi(self, name: str, teks: bool = False, **extra) -> dict[str, str]:
        """The ``## `` sections of a prose (or, with ``teks``, an agency text) file.

        Returns heading -> filled body, in file order, so a notebook can place each
        section next to the table it comments on.
        """
        folder = config.teks_dir() if teks else config.prose_dir(self.tahun)
        filled = isi_teks(folder / name, self.nilai_teks() | extra, tambah=0)
        return bagi_seksi(filled)

    def teks(self, name: str, tambah: int = 1, **extra) -> str:
        """An agency text file (``params/teks/``), filled with values."""
        return isi_teks(config.teks_dir() / name, self.nilai_teks() | extra, tambah=tambah)


def terbilang(n: int) -> str:
    """'2 (dua)' as LKjIP writes small counts."""
    word = ANGKA_TERBILANG.get(int(n))
    return f"{fmt.angka(n, 0)} ({word})" if word else fmt.angka(n, 0)


class _Formatter(string.Formatter):
    def __init__(self, path: Path):
        self.path = path

    def get_value(self, key, args, kwargs):
        if key not in kwargs:
            raise ParamsError(
                f"{display_path(self.path)}: unknown placeholder {{{key}}}; known: "
                f"{', '.join(sorted(kwargs))}."
            )
        return kwargs[key]

    def get_field(self, field_name, args, kwargs):
        try:
            return super().get_field(field_name, args, kwargs)
        except (KeyError, IndexError):
            raise ParamsError(
                f"{display_path(self.path)}: placeholder {{{field_name}}} has no value "
                "(a fakta id missing from fakta_narasi?)."
            ) from None


def isi_teks(path: Path, values: dict, bagian: int | None = None, tambah: int = 1) -> str:
    """Read a Markdown text file and fill its ``{placeholders}``.

    Values are escaped for Markdown, so data can never inject markup. A file may
    hold several parts separated by ``<!-- name -->`` lines; ``bagian`` picks one.
    """
    from lkjip_helpers.laporan.display import escape_markdown

    path = Path(path)
    if not path.exists():
        raise MissingDataError(
            f"{display_path(path)}: prose file not found. Create it (copy last year's and edit)."
        )
    text = path.read_text(encoding="utf-8")
    if bagian is not None:
        parts = [p for p in _split_parts(text)]
        if bagian >= len(parts):
            raise ParamsError(f"{display_path(path)}: has no part {bagian}")
        text = parts[bagian]

    def esc(v):
        if isinstance(v, dict):
            return {k: escape_markdown(x) for k, x in v.items()}
        return escape_markdown(v)

    escaped = {k: esc(v) for k, v in values.items()}
    filled = _Formatter(path).vformat(text, (), escaped).strip()
    return turunkan_judul(filled, tambah)


def bagi_seksi(markdown: str) -> dict[str, str]:
    """Split Markdown at level-2 headings: {heading: body}; text before any is under ''."""
    out: dict[str, list[str]] = {"": []}
    current = ""
    for line in markdown.splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
            out[current] = []
        else:
            out[current].append(line)
    return {
        k: turunkan_judul("\n".join(v).strip(), 1)
        for k, v in out.items()
        if k or "".join(v).strip()
    }


def turunkan_judul(markdown: str, tambah: int) -> str:
    """Demote Markdown headings by ``tambah`` levels (prose sits inside a section)."""
    if tambah <= 0:
        return markdown
    out = []
    for line in markdown.splitlines():
        if line.startswith("#"):
            hashes = len(line) - len(line.lstrip("#"))
            if line[hashes : hashes + 1] == " ":
                line = "#" * min(6, hashes + tambah) + line[hashes:]
        out.append(line)
    return "\n".join(out)


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


@lru_cache(maxsize=4)
def konteks(year: int) -> Konteks:
    """Load the context of ``year`` (params, processed data, capaian)."""

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
