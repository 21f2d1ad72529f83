"""Start a new report year: params, Excel templates and prose, from the previous year.

``make new-year YEAR=2018`` runs :func:`create_new_year`. It never overwrites
anything: it refuses when ``params/<year>.yaml`` or ``data/raw/<year>/`` already
exists (or ``params/prose/<year>/`` holds files). It creates

* ``params/<year>.yaml`` - the place of signature from ``params/agency.yaml``, the
  report date left ``null`` (the analyst fills it in; loading the params fails with
  a message naming ``laporan.tanggal`` until then), the Perjanjian Kinerja
  (``murni`` and ``perubahan``) pre-filled with the Renstra targets of the year, to
  be confirmed against the signed document.
* ``data/raw/<year>/templates/<table>.xlsx`` for every table of the catalogue:
  sheet ``data`` (header row as the schema needs it, previous figures as a guide,
  drop-down lists for category columns, number checks, frozen header) and sheet
  ``petunjuk`` (what each column holds, in Indonesian). The analyst fills a template
  and saves it as ``data/raw/<year>/<table>.xlsx``; ``make data`` reads the first
  sheet and ignores the others and empty rows.
* ``params/prose/<year>/`` - a copy of the previous year's prose files.

How year columns map to the new year
------------------------------------
A template starts from the newest earlier year that has a file for the table
(usually the previous year, ``d = year - that year``). For each year pattern of the
catalogue (``jumlah_{tahun}``...), the years the previous file had are either

* **shifted** by ``d`` (the default): a window of years ending at the report year
  slides so that the newest is the new year (``jumlah_2012..2017`` in the 2017
  report -> ``jumlah_2013..2018``); columns relative to the report year keep their
  role (``target_2017, realisasi_2017, target_2018`` = this year and next year ->
  ``target_2018, realisasi_2018, target_2019``); a history ending the year before
  (``realisasi_2012..2016``) -> ``2013..2017``; or
* **kept** when they are Renstra-period years: the pattern's newest year is the
  last year of the Renstra period (``renstra.periode_akhir`` in
  ``params/agency.yaml``) and lies after the previous report year
  (``target_kumulatif_2021``, the Renstra targets ``target_2017..2021``).

A table can override this in the catalogue with ``template: {tahun_tetap:
[patterns], tahun_geser: [patterns]}``. A table whose columns carry no year keeps
its columns. Without any earlier file, every pattern is instantiated for the new
year once.

Pre-filled values (a guide, to be checked and completed):

* a table with year columns: every row; the columns without a year as they were;
  a year column holds the previous file's value of the *same* year (so the 2016
  value stays under 2016); columns of years the previous file did not have (the
  new year) are empty;
* a table with a ``tahun`` column (already long): every previous row (add the new
  year's rows);
* any other table (one year's snapshot): only the row labels (key columns, ``no``,
  text and category columns); the figures are left empty.
"""

from __future__ import annotations

import io as _io
import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from lkjip_helpers.core import config
from lkjip_helpers.core.exceptions import LkjipError, ParamsError
from lkjip_helpers.data.catalogue import (
    YEAR_TOKEN,
    Catalogue,
    ColumnSpec,
    TableSpec,
    load_catalogue,
)
from lkjip_helpers.data.io import display_path, find_raw_file, read_raw_table
from lkjip_helpers.data.tables import TEMPLATE_FOLDER
from lkjip_helpers.indikator.params import AgencyParams, load_agency

DATA_SHEET = "data"
GUIDE_SHEET = "petunjuk"
CHOICES_SHEET = "pilihan"
# Rows below the pre-filled ones that still get the drop-down and number checks.
EXTRA_ROWS = 200
TIPE_ID = {
    "int": "bilangan bulat (tanpa pemisah ribuan, tanpa satuan)",
    "float": "angka; titik sebagai pemisah desimal (tanpa pemisah ribuan, tanpa satuan)",
    "str": "teks",
    "category": "pilihan dari daftar (tarik-turun)",
    "date": "tanggal, format YYYY-MM-DD",
}


# --------------------------------------------------------------------------- columns


@dataclass(frozen=True)
class TemplateColumn:
    """One column of a template.

    ``tahun`` is the year of a year column (None otherwise); ``prefill`` says whether
    the previous file's column of the same name pre-fills it; ``peran`` is the role
    shown in the guide: ``tetap`` (no year), ``tahun_baru`` (the new year),
    ``tahun_lalu`` (an earlier year, pre-filled), ``tahun_renstra`` (a kept
    Renstra-period year) or ``tahun_depan`` (a year after the new year).
    """

    name: str
    spec: ColumnSpec
    tahun: int | None = None
    prefill: bool = False
    peran: str = "tetap"


def _year_of(spec: ColumnSpec, column: str) -> int | None:
    if not spec.is_pattern:
        return None
    m = spec.regex().match(column)
    return int(m.group("tahun")) if m else None


def _instantiate(spec: ColumnSpec, year: int) -> str:
    return spec.name.replace(YEAR_TOKEN, str(year))


def _kept_patterns(spec: TableSpec) -> tuple[set[str], set[str]]:
    if spec.template is None:
        return set(), set()
    return set(spec.template.tahun_tetap), set(spec.template.tahun_geser)


def is_fixed_pattern(
    spec: TableSpec,
    pattern: ColumnSpec,
    years: list[int],
    previous_year: int,
    renstra_end: int | None,
) -> bool:
    """True when the years of ``pattern`` are Renstra-period years kept as they are."""
    fixed, shifted = _kept_patterns(spec)
    if pattern.name in fixed:
        return True
    if pattern.name in shifted:
        return False
    return (
        renstra_end is not None
        and bool(years)
        and max(years) == renstra_end
        and renstra_end > previous_year
    )


def template_columns(
    spec: TableSpec,
    previous_columns: list[str] | None,
    previous_year: int | None,
    year: int,
    renstra_end: int | None = None,
) -> list[TemplateColumn]:
    """The columns of the ``year`` template (see the module docstring for the rule).

    Parameters
    ----------
    spec
        The catalogue entry.
    previous_columns, previous_year
        Header of the newest earlier file of the table and its report year; None
        when there is no earlier file.
    year
        The new report year.
    renstra_end
        Last year of the Renstra period (years kept as they are), if known.
    """
    out: list[TemplateColumn] = []
    seen: set[str] = set()

    def add(column: TemplateColumn) -> None:
        if column.name not in seen:
            seen.add(column.name)
            out.append(column)

    if previous_columns is None or previous_year is None:
        for c in spec.columns:
            if c.is_pattern:
                add(TemplateColumn(_instantiate(c, year), c, year, False, "tahun_baru"))
            else:
                add(TemplateColumn(c.name, c))
        return out

    shift = year - previous_year
    years_by_pattern: dict[str, list[int]] = {}
    for col in previous_columns:
        c = spec.spec_for(col)
        if c is not None and c.is_pattern:
            years_by_pattern.setdefault(c.name, []).append(_year_of(c, col))
    fixed = {
        name: is_fixed_pattern(spec, _pattern(spec, name), ys, previous_year, renstra_end)
        for name, ys in years_by_pattern.items()
    }
    previous = set(previous_columns)
    for col in previous_columns:
        c = spec.spec_for(col)
        if c is None:
            continue  # not a column of the table: dropped
        if not c.is_pattern:
            add(TemplateColumn(col, c, None, True, "tetap"))
            continue
        old = _year_of(c, col)
        new = old if fixed[c.name] else old + shift
        name = _instantiate(c, new)
        if fixed[c.name]:
            role = "tahun_renstra"
        elif new == year:
            role = "tahun_baru"
        elif new > year:
            role = "tahun_depan"
        else:
            role = "tahun_lalu"
        add(TemplateColumn(name, c, new, name in previous, role))
    for c in spec.columns:
        if not c.required and not c.di_templat:
            continue
        if c.is_pattern and c.name not in years_by_pattern:
            add(TemplateColumn(_instantiate(c, year), c, year, False, "tahun_baru"))
        elif not c.is_pattern and c.name not in seen:
            add(TemplateColumn(c.name, c))
    return out


def _pattern(spec: TableSpec, name: str) -> ColumnSpec:
    return next(c for c in spec.columns if c.name == name)


def table_kind(spec: TableSpec, columns: list[TemplateColumn]) -> str:
    """``lebar`` (year columns), ``panjang`` (a ``tahun`` column) or ``potret`` (neither)."""
    if any(c.spec.is_pattern for c in columns):
        return "lebar"
    if any(c.name == "tahun" for c in columns):
        return "panjang"
    return "potret"


def _is_label(spec: TableSpec, column: TemplateColumn) -> bool:
    ids = set(spec.key) | set((spec.tidy or {}).get("id") or [])
    return (
        column.name in ids or column.name == "no" or column.spec.type in ("str", "category", "date")
    )


def prefill_rows(
    spec: TableSpec, columns: list[TemplateColumn], previous: pd.DataFrame | None
) -> list[list[str]]:
    """Cell texts pre-filled from the previous file (see the module docstring)."""
    if previous is None or previous.empty:
        return []
    kind = table_kind(spec, columns)
    rows = []
    for _, record in previous.iterrows():
        row = []
        for c in columns:
            keep = c.prefill and c.name in previous.columns
            if kind == "potret" and not _is_label(spec, c):
                keep = False
            row.append(str(record[c.name]) if keep else "")
        rows.append(row)
    return rows


# --------------------------------------------------------------------------- workbook


def _cell_value(text: str, spec: ColumnSpec):
    """(value, number_format) for a pre-filled cell: numbers as numbers."""
    value = text.strip()
    if value == "":
        return None, None
    if spec.type in ("int", "float"):
        try:
            number = float(value)
        except ValueError:
            return value, None
        decimals = len(value.split(".", 1)[1]) if "." in value and "e" not in value.lower() else 0
        if spec.type == "int" or (decimals == 0 and number.is_integer()):
            return int(number), "0"
        return number, "0." + "0" * decimals
    return value, None


def _unit_of(spec: TableSpec, column: TemplateColumn) -> str:
    if column.spec.type not in ("int", "float"):
        return "-"
    stem = column.spec.name.replace(YEAR_TOKEN, "").strip("_")
    if stem in ("no", "tahun"):
        return "-"
    if any(w in stem for w in ("persen", "capaian")):
        return "persen"
    return spec.unit or "-"


def _range_text(c: ColumnSpec) -> str:
    def num(v):
        return f"{v:g}" if isinstance(v, float) else str(v)

    if c.min is not None and c.max is not None:
        return f"{num(c.min)} sampai {num(c.max)}"
    if c.min is not None:
        return f">= {num(c.min)}"
    if c.max is not None:
        return f"<= {num(c.max)}"
    return "-"


PERAN_ID = {
    "tetap": "",
    "tahun_baru": "nilai tahun {tahun} (tahun laporan baru): isi",
    "tahun_lalu": "nilai tahun {tahun}: diisi dari laporan sebelumnya sebagai panduan; periksa",
    "tahun_renstra": "tahun periode Renstra ({tahun}): diisi dari laporan sebelumnya; periksa",
    "tahun_depan": "nilai untuk tahun {tahun} (rencana/target tahun berikutnya): isi",
}


def _column_note(column: TemplateColumn) -> str:
    note = PERAN_ID[column.peran].format(tahun=column.tahun)
    if column.prefill and column.peran == "tahun_lalu":
        return note
    if column.peran == "tahun_lalu":
        return f"nilai tahun {column.tahun}: tidak ada di laporan sebelumnya; isi bila ada"
    return note


def _list_formula(values: tuple[str, ...]) -> str | None:
    text = ",".join(values)
    if any("," in v or '"' in v for v in values) or len(text) > 250:
        return None
    return f'"{text}"'


def build_template(
    spec: TableSpec,
    columns: list[TemplateColumn],
    rows: list[list[str]],
    year: int,
    previous_year: int | None,
) -> bytes:
    """The ``.xlsx`` bytes of one template (sheets ``data``, ``petunjuk``, hidden ``pilihan``)."""
    # openpyxl is imported here, where a template is written: only `make new-year` needs it.
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    new_fill = PatternFill("solid", fgColor="FFF2CC")
    for j, c in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=j, value=c.name)
        cell.font = header_font
        cell.fill = new_fill if c.peran in ("tahun_baru", "tahun_depan") else header_fill
    widths = [len(c.name) for c in columns]
    for i, row in enumerate(rows, start=2):
        for j, (text, c) in enumerate(zip(row, columns, strict=True), start=1):
            value, number_format = _cell_value(text, c.spec)
            if value is None:
                continue
            cell = ws.cell(row=i, column=j, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, even when it starts with '='
            if number_format:
                cell.number_format = number_format
            widths[j - 1] = max(widths[j - 1], len(text))
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 8), 60)
    ws.freeze_panes = "A2"

    last_row = len(rows) + 1 + EXTRA_ROWS
    choices = None
    for j, c in enumerate(columns, start=1):
        letter = get_column_letter(j)
        area = f"{letter}2:{letter}{last_row}"
        s = c.spec
        if s.type == "category" and s.allowed:
            formula = _list_formula(s.allowed)
            if formula is None:
                if choices is None:
                    choices = wb.create_sheet(CHOICES_SHEET)
                    choices.sheet_state = "hidden"
                col = choices.max_column + (1 if choices.max_row > 1 or choices["A1"].value else 0)
                for k, v in enumerate(s.allowed, start=1):
                    choices.cell(row=k, column=col, value=v).data_type = "s"
                cl = get_column_letter(col)
                formula = f"'{CHOICES_SHEET}'!${cl}$1:${cl}${len(s.allowed)}"
            dv = DataValidation(type="list", formula1=formula, allow_blank=s.nullable)
            dv.error = f"Pilih salah satu: {', '.join(s.allowed)}"[:255]
        elif s.type in ("int", "float"):
            kind = "whole" if s.type == "int" else "decimal"
            if s.min is not None and s.max is not None:
                dv = DataValidation(
                    type=kind, operator="between", formula1=str(s.min), formula2=str(s.max)
                )
            elif s.min is not None:
                dv = DataValidation(type=kind, operator="greaterThanOrEqual", formula1=str(s.min))
            elif s.max is not None:
                dv = DataValidation(type=kind, operator="lessThanOrEqual", formula1=str(s.max))
            else:
                dv = DataValidation(
                    type=kind, operator="between", formula1="-1E+15", formula2="1E+15"
                )
            dv.allow_blank = s.nullable
            dv.error = f"{TIPE_ID[s.type]}; rentang: {_range_text(s)}"[:255]
        else:
            continue
        dv.errorTitle = f"Kolom {c.name}"[:32]
        dv.showErrorMessage = True
        dv.promptTitle = c.name[:32]
        dv.prompt = (_column_note(c) or TIPE_ID[s.type])[:255]
        dv.showInputMessage = True
        ws.add_data_validation(dv)
        dv.add(area)

    guide = wb.create_sheet(GUIDE_SHEET, 1)
    info = [
        f"Petunjuk pengisian: {spec.title}",
        f"Sumber: {spec.source} (laporan tahun {year}); tabel data '{spec.name}'",
        f"Simpan berkas yang sudah diisi sebagai data/raw/{year}/{spec.file}.xlsx "
        f"(lembar pertama '{DATA_SHEET}' yang dibaca; lembar ini diabaikan).",
        "Baris 1 lembar 'data' adalah judul kolom: jangan diubah. Baris kosong diabaikan.",
        "Angka ditulis apa adanya seperti dicetak: tanpa pemisah ribuan dan tanpa satuan; "
        "sel kosong = tidak dipublikasikan.",
    ]
    if spec.key:
        info.append(f"Kunci unik (tidak boleh ganda): {', '.join(spec.key)}")
    if any(c.name == "jenis_baris" for c in columns):
        info.append(
            "Baris jumlah/subtotal yang dicetak tetap ditulis, dengan jenis_baris = jumlah "
            "(baris rincian: rincian)."
        )
    if previous_year is not None and rows:
        info.append(
            f"Isian awal diambil dari data/raw/{previous_year}/ sebagai panduan: periksa, "
            f"perbarui, dan lengkapi kolom tahun {year} (berwarna kuning pada judul)."
        )
    if spec.required:
        info.append(f"Tabel ini wajib ada untuk membangun laporan tahun {year}.")
    bold = Font(bold=True)
    for i, line in enumerate(info, start=1):
        guide.cell(row=i, column=1, value=line).font = bold if i == 1 else Font()
    heads = [
        "Kolom",
        "Tipe",
        "Satuan",
        "Nilai yang diizinkan",
        "Rentang",
        "Boleh kosong",
        "Keterangan",
    ]
    top = len(info) + 2
    for j, h in enumerate(heads, start=1):
        cell = guide.cell(row=top, column=j, value=h)
        cell.font = bold
        cell.fill = header_fill
    for i, c in enumerate(columns, start=top + 1):
        s = c.spec
        values = [
            c.name,
            TIPE_ID[s.type],
            _unit_of(spec, c),
            ", ".join(s.allowed) if s.allowed else "-",
            _range_text(s),
            "ya" if s.nullable else "tidak",
            _column_note(c) or "-",
        ]
        for j, v in enumerate(values, start=1):
            cell = guide.cell(row=i, column=j, value=v)
            cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for j, width in enumerate([28, 40, 10, 40, 16, 12, 60], start=1):
        guide.column_dimensions[get_column_letter(j)].width = width
    guide.freeze_panes = guide.cell(row=top + 1, column=1)

    buffer = _io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- params


def _agency(path: Path) -> AgencyParams | None:
    """The validated agency params, or None for a data-only project (no agency.yaml)."""
    return load_agency(path) if path.exists() else None


def renstra_end(agency: AgencyParams | None) -> int | None:
    return agency.renstra.periode_akhir if agency is not None else None


def renstra_targets(agency: AgencyParams, year: int) -> dict[str, float]:
    """Renstra target of every IKU defined in ``year`` (``target_renstra`` not null)."""
    r = agency.renstra
    if year not in r.tahun:
        raise ParamsError(
            f"{agency.sumber}: renstra: {year} is outside the Renstra period "
            f"{r.periode_awal}-{r.periode_akhir}. Add the new Renstra (period and "
            "target_renstra of every IKU) before creating the year."
        )
    return {i.kode: i.target_renstra[year] for i in agency.iku_aktif(year)}


def _yaml_text(value: str) -> str:
    return value if re.fullmatch(r"[A-Za-z][\w .,-]*", value) else json.dumps(value)


def _number(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def year_params_text(year: int, agency: AgencyParams, previous_name: str | None) -> str:
    """The text of ``params/<year>.yaml`` (with comments for the analyst)."""
    tempat = agency.instansi.kota
    targets = renstra_targets(agency, year)
    pk = "{" + ", ".join(f"{k}: {_number(v)}" for k, v in targets.items()) + "}"
    source = f"{previous_name} and params/agency.yaml" if previous_name else "params/agency.yaml"
    lines = [
        "# What changes by year.",
        f"# Created for {year} by `make new-year` from {source}.",
        f"tahun: {year}",
        "laporan:",
        f"  tempat: {_yaml_text(str(tempat))}",
        "  # TO FILL IN before `make report`: the date the report is signed, as YYYY-MM-DD",
        "  # (WAJIB DIISI: tanggal penandatanganan laporan). While it is null, building the",
        "  # report stops with an error naming laporan.tanggal.",
        "  tanggal: null",
        "# Perjanjian Kinerja: the targets signed for the year (murni) and after the",
        "# budget revision (perubahan). Capaian is measured against the last revision.",
        f"# PRE-FILLED with the Renstra targets for {year} from params/agency.yaml:",
        "# CONFIRM against the signed Perjanjian Kinerja (and its revision); remove the",
        "# perubahan line if there was no revision. (Periksa dengan dokumen PK yang",
        "# ditandatangani.)",
        "perjanjian_kinerja:",
        f"  murni:     {pk}",
        f"  perubahan: {pk}",
    ]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- plan


def previous_file(spec: TableSpec, year: int) -> tuple[int, Path] | None:
    """The newest earlier raw file of a table: (its report year, path)."""
    for y in reversed(config.tahun_di(config.raw_dir(), sebelum=year)):
        path = find_raw_file(config.raw_dir(y), spec.file)
        if path is not None:
            return y, path
    return None


@dataclass
class NewYear:
    """What :func:`create_new_year` created."""

    year: int
    params_file: Path | None = None
    previous_params: Path | None = None
    templates: dict[str, Path] = field(default_factory=dict)
    template_sources: dict[str, int | None] = field(default_factory=dict)
    prose_dir: Path | None = None
    prose_source: Path | None = None
    prose_files: list[Path] = field(default_factory=list)


def _refuse_existing(year: int) -> None:
    existing = []
    if config.year_params_file(year).exists():
        existing.append(display_path(config.year_params_file(year)))
    if config.raw_dir(year).exists():
        existing.append(display_path(config.raw_dir(year)) + "/")
    prose = config.prose_dir(year)
    if prose.exists() and any(prose.iterdir()):
        existing.append(display_path(prose) + "/")
    if existing:
        raise LkjipError(
            f"Year {year} already exists: {', '.join(existing)}. `make new-year` never "
            "overwrites anything. To start the year again, move or delete these yourself "
            "(keep a copy of any data already entered)."
        )


def template_for(
    spec: TableSpec, year: int, renstra_end_year: int | None
) -> tuple[bytes, int | None]:
    """The template bytes of one table and the report year it was derived from."""
    found = previous_file(spec, year)
    previous = None
    previous_year = None
    if found is not None:
        previous_year, path = found
        previous = read_raw_table(path)
    columns = template_columns(
        spec,
        list(previous.columns) if previous is not None else None,
        previous_year,
        year,
        renstra_end_year,
    )
    rows = prefill_rows(spec, columns, previous)
    return build_template(spec, columns, rows, year, previous_year), previous_year


def create_new_year(
    year: int,
    *,
    catalogue: Catalogue | None = None,
    echo: Callable[[str], None] | None = print,
) -> NewYear:
    """Create params, Excel templates and prose for report year ``year``.

    Parameters
    ----------
    year
        The new report year.
    catalogue
        Defaults to ``data/raw/catalogue.yaml``.
    echo
        Where the summary and next steps are printed (None: silent).

    Returns
    -------
    NewYear
        The files created.

    Raises
    ------
    LkjipError
        The year already exists (nothing is changed), the year is outside the
        Renstra period, or a params/catalogue file is invalid.
    """
    if not 1900 <= year <= 2200:
        raise LkjipError(f"{year} is not a report year.")
    _refuse_existing(year)
    catalogue = catalogue or load_catalogue()
    result = NewYear(year=year)

    # Everything is prepared in memory first: a problem leaves no file behind.
    agency = _agency(config.agency_file())
    params_text = None
    if agency is not None:
        earlier = config.tahun_di(config.params_dir(), sebelum=year)[::-1]
        prev_params = next(
            (config.year_params_file(y) for y in earlier if config.year_params_file(y).exists()),
            None,
        )
        result.previous_params = prev_params
        params_text = year_params_text(
            year, agency, display_path(prev_params) if prev_params else None
        )
    end = renstra_end(agency)
    templates = {}
    for spec in catalogue:
        templates[spec.file], result.template_sources[spec.name] = template_for(spec, year, end)
    prose_source = next(
        (
            config.prose_dir(y)
            for y in reversed(config.tahun_di(config.params_dir() / "prose", sebelum=year))
            if config.prose_dir(y).is_dir()
        ),
        None,
    )

    created: list[Path] = []
    try:
        raw = config.raw_dir(year)
        raw.mkdir(parents=True, exist_ok=False)
        created.append(raw)
        folder = raw / TEMPLATE_FOLDER
        folder.mkdir()
        for stem, content in templates.items():
            path = folder / f"{stem}.xlsx"
            with open(path, "xb") as fh:
                fh.write(content)
            result.templates[stem] = path
        if params_text is not None:
            target = config.year_params_file(year)
            with open(target, "x", encoding="utf-8") as fh:
                created.append(target)
                fh.write(params_text)
            result.params_file = target
        prose = config.prose_dir(year)
        if not prose.exists():
            prose.mkdir(parents=True)
            created.append(prose)
        result.prose_dir = prose
        if prose_source is not None:
            result.prose_source = prose_source
            for src in sorted(prose_source.rglob("*")):
                dst = prose / src.relative_to(prose_source)
                if src.is_dir():
                    dst.mkdir()
                    created.append(dst)
                elif src.is_file():
                    with open(src, "rb") as fin, open(dst, "xb") as fout:
                        created.append(dst)
                        shutil.copyfileobj(fin, fout)
                    shutil.copystat(src, dst)
                    result.prose_files.append(dst)
    except BaseException:
        for path in reversed(created):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        raise
    if echo is not None:
        echo(summary(result))
    return result


def summary(result: NewYear) -> str:
    """What was created and what the analyst does next."""
    y = result.year
    raw = display_path(config.raw_dir(y))
    lines = [f"new-year {y}: created"]
    if result.params_file is not None:
        src = display_path(result.previous_params) if result.previous_params else "-"
        lines.append(
            f"  {display_path(result.params_file)}  (from {src} and params/agency.yaml; "
            "PK targets = Renstra targets, report date empty)"
        )
    else:
        lines.append("  (no params/agency.yaml: no params file written)")
    from_years = sorted({v for v in result.template_sources.values() if v is not None})
    lines.append(
        f"  {raw}/{TEMPLATE_FOLDER}/  {len(result.templates)} Excel templates"
        + (f" (pre-filled from {', '.join(map(str, from_years))})" if from_years else "")
    )
    if result.prose_dir is not None:
        if result.prose_source is not None:
            lines.append(
                f"  {display_path(result.prose_dir)}/  {len(result.prose_files)} prose files "
                f"copied from {display_path(result.prose_source)}/"
            )
        else:
            lines.append(f"  {display_path(result.prose_dir)}/  (empty: no earlier prose)")
    lines += [
        "Next steps:",
        f"  1. Fill in each template of {raw}/{TEMPLATE_FOLDER}/ (sheet 'petunjuk' explains "
        f"every column) and save it as {raw}/<table>.xlsx (or export it as <table>.csv).",
    ]
    if result.params_file is not None:
        lines.append(
            f"  2. Edit {display_path(result.params_file)}: set laporan.tanggal and confirm the "
            "Perjanjian Kinerja targets against the signed document."
        )
    else:
        lines.append(f"  2. Write params/{y}.yaml (report date, Perjanjian Kinerja).")
    if result.prose_dir is not None:
        lines.append(f"  3. Update the analysis prose in {display_path(result.prose_dir)}/.")
    lines += [
        f"  4. make data YEAR={y}   (lists the tables still missing; fix what it reports)",
        f"  5. make report YEAR={y}",
    ]
    return "\n".join(lines)
