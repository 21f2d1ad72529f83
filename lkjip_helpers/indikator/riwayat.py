"""Multi-year history: the processed data of every report year queried together.

Each report republishes part of the past (Tabel 1.2 of the 2017 report holds staff
counts 2012-2017, the 2018 report 2013-2018). :func:`riwayat` stacks the processed
tables of every year in ``data/processed/`` into one tidy table with

* ``tahun`` - the year a value describes (a table without a ``tahun`` column after
  tidying describes its report year, so ``tahun`` = ``tahun_laporan``);
* ``tahun_laporan`` - the report (the ``data/processed/<year>/`` folder) it came from;
* ``tabel`` - the processed table (a subject groups several tables).

When several reports give a value for the same (key, ``tahun``), the **newest
report wins** and every disagreement is listed by :func:`konflik_riwayat`. The key
is the tidy ``id`` columns plus ``tahun`` (or the catalogue ``key`` plus ``tahun``
for a table without ``tidy``). A report whose row has no value at all in the
compared columns does not count as giving one (an old year left empty in a later
table does not hide the figure published earlier). Compared columns are the tidy
stubs, or the numeric (int/float) columns of a table without ``tidy``; text columns
(e.g. ``sumber``) are carried along but not compared.

The combining functions are pure (frames in, frames out); only
:func:`muat_per_tahun` reads files.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from lkjip_helpers.core import config
from lkjip_helpers.core.exceptions import MissingDataError, ParamsError
from lkjip_helpers.data.catalogue import Catalogue, TableSpec, load_catalogue

KONFLIK_COLUMNS = [
    "tabel",
    "kunci",
    "tahun",
    "kolom",
    "nilai",
    "tahun_laporan",
    "nilai_lain",
    "tahun_laporan_lain",
]


# --------------------------------------------------------------------------- specs


def tabel_subjek(subject_or_table: str, catalogue: Catalogue | None = None) -> list[TableSpec]:
    """The catalogue tables named ``subject_or_table`` (a table name or a subject)."""
    catalogue = catalogue or load_catalogue()
    if subject_or_table in catalogue.tables:
        return [catalogue.tables[subject_or_table]]
    found = [spec for spec in catalogue if spec.subject == subject_or_table]
    if not found:
        subjects = sorted({spec.subject for spec in catalogue})
        raise ParamsError(
            f"{subject_or_table!r} is neither a table nor a subject of the catalogue "
            f"(subjects: {', '.join(subjects)})."
        )
    return found


def kolom_kunci(spec: TableSpec, columns: list[str]) -> list[str]:
    """Columns identifying a row of the processed table, ``tahun`` last."""
    if spec.tidy:
        stubs = set(spec.tidy.get("stubs") or [])
        ids = list(spec.tidy.get("id") or [c for c in columns if c not in stubs and c != "tahun"])
    else:
        ids = [k for k in spec.key if k != "tahun"]
    return [c for c in ids if c in columns] + ["tahun"]


def kolom_nilai(spec: TableSpec, columns: list[str], key: list[str]) -> list[str]:
    """Columns whose values are compared between reports."""
    if spec.tidy:
        stubs = list(spec.tidy.get("stubs") or [])
        return [c for c in stubs if c in columns]
    out = []
    for c in columns:
        cspec = spec.spec_for(c)
        if c not in key and cspec is not None and cspec.type in ("int", "float"):
            out.append(c)
    return out


# --------------------------------------------------------------------------- pure


def _same(a, b) -> bool:
    try:
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)), abs(float(b)))
    except (TypeError, ValueError):
        return str(a).strip() == str(b).strip()


def _label(row: pd.Series, key: list[str]) -> str:
    parts = [str(row[k]) for k in key if k != "tahun" and pd.notna(row[k])]
    return " / ".join(parts)


def gabung_riwayat(
    per_tahun: Mapping[int, pd.DataFrame],
    key: list[str],
    nilai: list[str],
    tabel: str = "",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Combine one table's frames of several reports; newest report wins.

    Parameters
    ----------
    per_tahun
        Report year -> processed frame of that report.
    key
        Columns identifying a value's row, including ``tahun`` (added from the report
        year when a frame has no ``tahun`` column).
    nilai
        Columns compared between reports (rows with all of them empty are ignored).
    tabel
        Table name written in the ``tabel`` column.

    Returns
    -------
    (combined, conflicts)
        ``combined``: one row per (key) from the newest report giving it, columns
        ``tabel``, the frame's columns, ``tahun_laporan``; rows in the newest
        report's order, then years ascending. ``conflicts``: one row per value an
        older report gives differently (columns :data:`KONFLIK_COLUMNS`).
    """
    parts = []
    for tahun_laporan in sorted(per_tahun, reverse=True):  # newest first
        frame = per_tahun[tahun_laporan].copy()
        if "tahun" not in frame.columns:
            frame["tahun"] = tahun_laporan
        frame["tahun"] = frame["tahun"].astype("Int64")
        frame["tahun_laporan"] = tahun_laporan
        present = [c for c in nilai if c in frame.columns]
        if present:
            frame = frame[frame[present].notna().any(axis=1)]
        parts.append(frame)
    if not parts:
        empty = pd.DataFrame(columns=["tabel", *key, "tahun_laporan"])
        return empty, pd.DataFrame(columns=KONFLIK_COLUMNS)
    stacked = pd.concat(parts, ignore_index=True)
    missing = [k for k in key if k not in stacked.columns]
    if missing:
        raise ParamsError(f"table {tabel!r}: key column(s) {missing} not in the processed data")
    ids = [k for k in key if k != "tahun"]
    # Rows keep the order of their key in the newest report that has it.
    by_key = stacked.groupby(ids, sort=False, dropna=False).ngroup() if ids else 0
    stacked = stacked.assign(_urutan_kunci=by_key, _urutan=range(len(stacked)))

    conflicts = []
    for _, group in stacked.groupby(key, sort=False, dropna=False):
        if len(group) < 2:
            continue
        newest = group.iloc[0]
        for _, older in group.iloc[1:].iterrows():
            for col in nilai:
                if col not in group.columns:
                    continue
                a, b = newest[col], older[col]
                if pd.isna(a) or pd.isna(b) or _same(a, b):
                    continue
                conflicts.append(
                    {
                        "tabel": tabel,
                        "kunci": _label(newest, key),
                        "tahun": int(newest["tahun"]),
                        "kolom": col,
                        "nilai": a,
                        "tahun_laporan": int(newest["tahun_laporan"]),
                        "nilai_lain": b,
                        "tahun_laporan_lain": int(older["tahun_laporan"]),
                    }
                )
    combined = stacked.drop_duplicates(subset=key, keep="first")
    combined = combined.sort_values(["_urutan_kunci", "tahun", "_urutan"], kind="stable")
    combined = combined.drop(columns=["_urutan_kunci", "_urutan"])
    first = [c for c in key if c != "tahun"] + ["tahun"]
    rest = [c for c in combined.columns if c not in first and c != "tahun_laporan"]
    combined = combined[first + rest + ["tahun_laporan"]].reset_index(drop=True)
    combined.insert(0, "tabel", tabel)
    conflicts_frame = pd.DataFrame(conflicts, columns=KONFLIK_COLUMNS)
    return combined, conflicts_frame


def gabung_tabel(
    spec: TableSpec, per_tahun: Mapping[int, pd.DataFrame]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`gabung_riwayat` with the key and compared columns taken from the catalogue."""
    columns: list[str] = []
    for frame in per_tahun.values():
        columns += [c for c in frame.columns if c not in columns]
    if "tahun" not in columns:
        columns.append("tahun")
    key = kolom_kunci(spec, columns)
    return gabung_riwayat(per_tahun, key, kolom_nilai(spec, columns, key), tabel=spec.name)


# --------------------------------------------------------------------------- loading


def tahun_tersedia() -> list[int]:
    """Report years with processed data (``data/processed/<yyyy>/``), ascending."""
    base = config.processed_dir()
    if not base.is_dir():
        return []
    return sorted(
        int(p.name) for p in base.iterdir() if p.is_dir() and p.name.isdigit() and len(p.name) == 4
    )


def muat_per_tahun(table: str) -> dict[int, pd.DataFrame]:
    """Processed frames of ``table`` for every report year that has it."""
    from lkjip_helpers.data.tables import load_processed

    out = {}
    for year in tahun_tersedia():
        if (config.processed_dir(year) / f"{table}.csv").exists():
            out[year] = load_processed(year, [table])[table]
    return out


def _gabung(subject_or_table: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    catalogue = load_catalogue()
    specs = tabel_subjek(subject_or_table, catalogue)
    combined, conflicts = [], []
    for spec in specs:
        per_tahun = muat_per_tahun(spec.name)
        if not per_tahun:
            continue
        c, k = gabung_tabel(spec, per_tahun)
        combined.append(c)
        conflicts.append(k)
    if not combined:
        raise MissingDataError(
            f"No processed data for {subject_or_table!r} in data/processed/: run "
            "`make data YEAR=<year>` for the report years first."
        )
    frames = pd.concat(combined, ignore_index=True) if len(combined) > 1 else combined[0]
    if len(conflicts) > 1:
        conflicts_frame = pd.concat([k for k in conflicts if len(k)] or conflicts[:1])
    else:
        conflicts_frame = conflicts[0]
    return frames, conflicts_frame.reset_index(drop=True)


def riwayat(subject_or_table: str) -> pd.DataFrame:
    """Every year's processed data of a table (or of all tables of a subject).

    Parameters
    ----------
    subject_or_table
        A catalogue table name (``pns_golongan``) or subject (``pegawai``).

    Returns
    -------
    DataFrame
        Columns ``tabel``, the key columns, ``tahun``, the other columns and
        ``tahun_laporan``; one row per (table, key, tahun), from the newest report
        that gives it. Tables of a subject are stacked (their columns united).

    Raises
    ------
    ParamsError
        Unknown table or subject.
    MissingDataError
        No processed year holds the table(s).
    """
    return _gabung(subject_or_table)[0]


def konflik_riwayat(subject_or_table: str) -> pd.DataFrame:
    """Values on which reports disagree (the newest one is used by :func:`riwayat`).

    Returns
    -------
    DataFrame
        Columns ``tabel``, ``kunci`` (the key values joined by ' / '), ``tahun``,
        ``kolom``, ``nilai`` and ``tahun_laporan`` (the value used and its report),
        ``nilai_lain`` and ``tahun_laporan_lain`` (the older report's value).
    """
    return _gabung(subject_or_table)[1]
