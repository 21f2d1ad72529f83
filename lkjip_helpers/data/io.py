"""All file input and output of the pipeline.

Raw tables are read as text (every cell a string) so that validation can say
exactly which cell is wrong; processed tables and outputs are written atomically
(to a temporary sibling first, then renamed) so that a failed build never leaves
a half-written folder or file behind.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import yaml

from lkjip_helpers.core.exceptions import DataFileError, ParamsError

RAW_EXTENSIONS = (".csv", ".xlsx")
# An .xlsx file is a zip archive; its first bytes say so whatever its name.
_ZIP_MAGIC = b"PK\x03\x04"
# Legacy binary Excel (.xls) and other OLE files: refused with a clear message.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


def display_path(path: Path) -> str:
    """Path as shown to users: relative to the project root when inside it."""
    from lkjip_helpers.core.config import project_root

    try:
        return str(Path(path).resolve().relative_to(project_root()))
    except ValueError:
        return str(path)


def find_raw_file(folder: Path, stem: str) -> Path | None:
    """Return the raw file for ``stem`` in ``folder`` (.csv or .xlsx), or None.

    Raises
    ------
    DataFileError
        If both a CSV and an XLSX version exist: which one is meant is ambiguous.
    """
    found = [
        folder / f"{stem}{ext}" for ext in RAW_EXTENSIONS if (folder / f"{stem}{ext}").exists()
    ]
    if len(found) > 1:
        names = " and ".join(display_path(p) for p in found)
        raise DataFileError(
            f"{names}: the same table is present twice. Keep one file (CSV or XLSX) and "
            "remove the other."
        )
    return found[0] if found else None


def read_raw_table(path: Path) -> pd.DataFrame:
    """Read a raw table as text: every cell a string, empty cells as ''.

    Parameters
    ----------
    path
        A ``.csv`` (UTF-8) or ``.xlsx`` file (first sheet, header in row 1).

    Raises
    ------
    DataFileError
        Missing file, a file that is not what its extension says, bad encoding.
    """
    path = Path(path)
    if not path.exists():
        raise DataFileError(f"{display_path(path)}: file not found.")
    head = path.read_bytes()[:8]
    suffix = path.suffix.lower()
    if suffix == ".csv":
        if head.startswith(_ZIP_MAGIC) or head.startswith(_OLE_MAGIC):
            raise DataFileError(
                f"{display_path(path)}: this is a spreadsheet file, not CSV text. Save it "
                "as CSV (UTF-8) or rename it to .xlsx."
            )
        return _read_csv_text(path)
    if suffix == ".xlsx":
        if not head.startswith(_ZIP_MAGIC):
            raise DataFileError(
                f"{display_path(path)}: not an Excel .xlsx workbook (the file content is "
                "not an Office Open XML archive). Save it from Excel as .xlsx, or as CSV."
            )
        return _read_xlsx_text(path)
    raise DataFileError(
        f"{display_path(path)}: unsupported file type '{suffix}'. Use .csv (UTF-8) or .xlsx."
    )


def _read_csv_text(path: Path) -> pd.DataFrame:
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise DataFileError(f"{display_path(path)}: binary content; expected CSV text.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataFileError(
            f"{display_path(path)}: not UTF-8 text (byte {exc.start}). Save the file as "
            "'CSV UTF-8'."
        ) from None
    delimiter = _delimiter(text)
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise DataFileError(f"{display_path(path)}: empty file; expected a header row.")
    header = [h.strip() for h in rows[0]]
    numbered = [(n, r) for n, r in enumerate(rows[1:], start=2) if any(c.strip() for c in r)]
    width = len(header)
    for n, r in numbered:
        if len(r) > width and any(cell.strip() for cell in r[width:]):
            raise DataFileError(
                f"{display_path(path)}, row {n}: {len(r)} cells but the header has {width} columns."
            )
    body = [(r + [""] * width)[:width] for _, r in numbered]
    frame = pd.DataFrame(body, columns=header, dtype=object)
    frame.attrs["rows"] = [n for n, _ in numbered]
    # Validation reads numbers by the file's convention (see validation.normalise_decimals).
    frame.attrs["delimiter"] = delimiter
    return frame


def _delimiter(text: str) -> str:
    """``;`` for a CSV saved by Excel in an Indonesian (or other decimal-comma) locale.

    Decided on the header row alone, which holds column names, never numbers: a
    header with semicolons and no commas is semicolon-separated; anything else is
    read as the standard comma-separated CSV.
    """
    header = next(csv.reader(io.StringIO(text.split("\n", 1)[0])), [])
    if len(header) == 1 and ";" in header[0]:
        return ";"
    return ","


def _read_xlsx_text(path: Path) -> pd.DataFrame:
    # openpyxl parses the XML parts with defusedxml when it is installed (it is a
    # dependency of this project), which disarms entity-expansion attacks.
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise DataFileError(f"{display_path(path)}: cannot read the workbook ({exc}).") from None
    try:
        ws = wb.worksheets[0]
        sheet = ws.title
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    if not rows:
        raise DataFileError(f"{display_path(path)}: the first sheet is empty.")
    header = ["" if h is None else str(h).strip() for h in rows[0]]
    while header and header[-1] == "":
        header.pop()
    width = len(header)
    body, numbers = [], []
    for n, r in enumerate(rows[1:], start=2):
        cells = [_xlsx_cell_text(v) for v in (list(r) + [None] * width)[:width]]
        if any(c.strip() for c in cells):
            body.append(cells)
            numbers.append(n)
    frame = pd.DataFrame(body, columns=header, dtype=object)
    # Validation messages name the sheet and the row as the spreadsheet numbers it
    # (empty rows are skipped; the workbook may hold other sheets, e.g. 'petunjuk').
    frame.attrs["sheet"] = sheet
    frame.attrs["rows"] = numbers
    return frame


def _xlsx_cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)


def read_yaml(path: Path) -> dict:
    """Read a YAML mapping; a syntax error becomes a ParamsError naming the file."""
    path = Path(path)
    if not path.exists():
        raise ParamsError(f"{display_path(path)}: file not found.")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ParamsError(f"{display_path(path)}: invalid YAML ({exc}).") from None
    if not isinstance(data, dict):
        raise ParamsError(f"{display_path(path)}: expected a mapping at the top level.")
    return data


def frame_to_csv_bytes(df: pd.DataFrame) -> bytes:
    """Serialise a frame deterministically (same frame, same bytes)."""
    return df.to_csv(index=False, lineterminator="\n").encode("utf-8")


def write_folder_atomically(dest: Path, files: Mapping[str, bytes]) -> None:
    """Replace folder ``dest`` by one holding exactly ``files``, all or nothing.

    The new content is written to a temporary sibling folder and swapped in by
    renames, so readers see either the old complete folder or the new one.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.tmp-", dir=dest.parent))
    try:
        for name, content in files.items():
            target = tmp / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        swap_in(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def swap_in(new: Path, dest: Path) -> None:
    """Replace folder ``dest`` by the complete folder ``new`` with two renames.

    Readers see either the old complete folder or the new one, never a mix.
    """
    new, dest = Path(new), Path(dest)
    old = None
    if dest.exists():
        old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
        if old.exists():
            shutil.rmtree(old)
        dest.rename(old)
    new.rename(dest)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_file_atomically(path: Path, content: bytes) -> None:
    """Write one file via a temporary sibling and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_processed_table(folder: Path, name: str) -> pd.DataFrame:
    """Read one processed table written by :func:`frame_to_csv_bytes`."""
    path = Path(folder) / f"{name}.csv"
    if not path.exists():
        raise DataFileError(
            f"{display_path(path)}: processed table not found. Run `make data` for this year."
        )
    return pd.read_csv(path, keep_default_na=True)
