"""The yearly cycle: a new year from templates to report with no code change.

In a copy of the repository: ``new-year 2018``, fill every 2018 template with
synthetic but plausible figures derived from the 2017 figures, save them as
``data/raw/2018/<table>.xlsx``, set the report date, build 2018, and check the
capaian, the comparison with 2017, that no code or notebook changed, and that
2017 still builds to the same capaian.
"""

from __future__ import annotations

import hashlib
import html as htmlmod
import random
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from tests.agensi_uji import TAHUN, contoh

pytestmark = pytest.mark.e2e

NEW, OLD = TAHUN + 1, TAHUN  # the agency's report year and the next
# Hand-chosen 2018 figures (the rest is derived from 2017 by +/- a few percent).
REALISASI_2018 = {"IKU-1": 85.12, "IKU-2": 98.5, "IKU-4": 84.1}
KASUS_2018 = {"jumlah_kasus": 15, "jumlah_sk": 13, "kasus_berlanjut": 2}
TANGGAL = "2019-02-27"
_OPERAND = re.compile(r"^\s*(\w+)\.(\w+)\s*(\[.*\])?\s*$")


def tree_hash(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts and ".ipynb_checkpoints" not in p.parts
    }


def _perturb(text: str, cspec, rng: random.Random):
    """A value a few percent away from ``text``, of the column's type and range."""
    value = float(text) * (1 + rng.uniform(-0.05, 0.05))
    if cspec.max is not None:
        value = min(value, cspec.max)
    if cspec.min is not None:
        value = max(value, cspec.min)
    if cspec.type == "int":
        return int(round(value))
    decimals = len(text.split(".", 1)[1]) if "." in text else 0
    return round(value, decimals) if decimals else float(round(value))


def _rows(ws) -> tuple[list[str], list[list]]:
    names = [c.value for c in ws[1] if c.value is not None]
    rows = [
        list(r[: len(names)])
        for r in ws.iter_rows(min_row=2, values_only=True)
        if any(v is not None for v in r)
    ]
    return names, rows


def _write_rows(ws, rows: list[list]) -> None:
    if ws.max_row > 1:
        ws.delete_rows(2, ws.max_row - 1)
    for i, row in enumerate(rows, start=2):
        for j, value in enumerate(row, start=1):
            ws.cell(row=i, column=j, value=value)


def fill_templates(root: Path, pk_2018: dict[str, float]) -> dict[str, float]:
    """Fill every 2018 template from the 2017 figures; return the 2018 IKU realisasi."""
    from lkjip_helpers.data.catalogue import load_catalogue
    from lkjip_helpers.data.io import find_raw_file, read_raw_table

    rng = random.Random(2018)
    catalogue = load_catalogue()
    raw = root / "data" / "raw"
    headers: dict[str, list[str]] = {}
    books = {}
    for spec in catalogue:
        template = raw / str(NEW) / "templates" / f"{spec.file}.xlsx"
        wb = openpyxl.load_workbook(template)
        ws = wb["data"]
        names, rows = _rows(ws)
        previous = read_raw_table(find_raw_file(raw / str(OLD), spec.file))
        before = [c for c in previous.columns if spec.spec_for(c) is not None]
        # optional columns a template offers though last year's file lacked them
        offered = {n for n in names if n not in previous.columns and spec.spec_for(n).di_templat}
        shifted = [n for n in names if n not in offered]
        assert len(before) == len(shifted), spec.name  # each template column comes from one
        assert len(rows) == len(previous), spec.name  # every 2017 row is in the template
        # Empty cells: the 2017 value of the column they were shifted from, a few % away.
        for i, row in enumerate(rows):
            for j, name in enumerate(names):
                if row[j] is not None or name in offered:
                    continue
                source = str(previous.iat[i, previous.columns.get_loc(before[shifted.index(name)])])
                source = source.strip()
                if not source:
                    continue
                cspec = spec.spec_for(name)
                row[j] = _perturb(source, cspec, rng) if cspec.type in ("int", "float") else source
        # A table with a tahun column gets the new year's rows.
        tahun = spec.spec_for("tahun") if "tahun" in names else None
        if tahun is not None and (tahun.max is None or tahun.max >= NEW):
            t = names.index("tahun")
            last = max(r[t] for r in rows)
            for row in [r for r in rows if r[t] == last]:
                new = list(row)
                new[t] = NEW
                for j, name in enumerate(names):
                    cspec = spec.spec_for(name)
                    if name != "tahun" and cspec.type in ("int", "float") and row[j] is not None:
                        new[j] = _perturb(str(row[j]), cspec, rng)
                rows.append(new)
        headers[spec.name] = names
        books[spec.name] = (wb, ws, names, rows)

    # Hand-set figures the checks below recompute.
    wb, ws, names, rows = books["kasus_disiplin"]
    row = next(r for r in rows if r[names.index("tahun")] == NEW)
    for col, value in KASUS_2018.items():
        row[names.index(col)] = value
    row[names.index("sumber")] = "Data sintetis untuk uji siklus tahunan"
    kasus_lalu = next(r for r in rows if r[names.index("tahun")] == OLD)[
        names.index("jumlah_kasus")
    ]
    realisasi = dict(REALISASI_2018)
    # IKU-3, penurunan kasus disiplin: (kasus tahun lalu - kasus tahun ini) / tahun lalu
    realisasi["IKU-3"] = (kasus_lalu - KASUS_2018["jumlah_kasus"]) / kasus_lalu * 100
    wb, ws, names, rows = books["realisasi_iku"]
    for row in rows:
        kode = row[names.index("kode_iku")]
        target = pk_2018[kode]
        row[names.index("target_publikasi")] = target
        row[names.index("realisasi")] = round(realisasi[kode], 2)
        row[names.index("capaian_publikasi")] = round(round(realisasi[kode], 2) / target * 100, 2)

    # Prose figures: keep those whose operands still exist in 2018 (an analyst lists
    # the figures of the new report's prose).
    wb, ws, names, rows = books["angka_publikasi"]

    def resolves(operand) -> bool:
        m = _OPERAND.match(str(operand or ""))
        return m is None or m.group(2) in headers.get(m.group(1), [])

    a, b = names.index("a"), names.index("b")
    books["angka_publikasi"] = (
        wb,
        ws,
        names,
        [r for r in rows if resolves(r[a]) and resolves(r[b])],
    )

    for name, (wb, ws, _names, rows) in books.items():
        _write_rows(ws, rows)
        wb.save(raw / str(NEW) / f"{catalogue[name].file}.xlsx")
    return realisasi


def _table_rows(html: str, table_id: str) -> list[list[str]]:
    m = re.search(rf'<table id="{table_id}".*?</table>', html, flags=re.S)
    assert m, f"table {table_id} not in the report"
    rows = []
    for tr in re.findall(r"<tr>(.*?)</tr>", m.group(0), flags=re.S):
        cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", tr, flags=re.S)
        rows.append([htmlmod.unescape(re.sub(r"<[^>]+>|\s+", " ", c)).strip() for c in cells])
    return rows


def _persen(value: float) -> str:
    text = f"{value:.2f}".replace(".", ",")
    return (text[:-3] if text.endswith(",00") else text) + "%"


@contoh
def test_new_year_from_templates_to_report_without_code_change(built_2017, repo_copy):
    from lkjip_helpers.build.data_step import build_data
    from lkjip_helpers.build.pipeline import build_report
    from lkjip_helpers.laporan import context as laporan
    from lkjip_helpers.tahun_baru.scaffold import create_new_year

    root = repo_copy
    code_before = {part: tree_hash(root / part) for part in ("notebooks", "lkjip_helpers")}
    capaian_2017 = (built_2017 / f"outputs/{OLD}/capaian_iku.csv").read_bytes()
    build_data(OLD)  # 2017's processed data: what 2018 compares with
    realisasi_2017 = pd.read_csv(root / f"data/processed/{OLD}/realisasi_iku.csv").set_index(
        "kode_iku"
    )

    create_new_year(NEW, echo=None)
    params_file = root / "params" / f"{NEW}.yaml"
    pk = yaml.safe_load(params_file.read_text(encoding="utf-8"))["perjanjian_kinerja"]
    realisasi = fill_templates(root, pk["perubahan"])
    params_file.write_text(
        params_file.read_text(encoding="utf-8").replace("tanggal: null", f"tanggal: {TANGGAL}"),
        encoding="utf-8",
    )
    assert not list((root / "data/raw/2018").glob("*.csv"))  # everything came from Excel

    laporan.konteks.cache_clear()
    build_report(NEW, progress=False)

    # capaian computed by hand from the synthetic inputs
    capaian = pd.read_csv(root / "outputs/2018/capaian_iku.csv").set_index("kode")
    assert capaian.at["IKU-1", "target"] == pytest.approx(77)
    assert capaian.at["IKU-1", "realisasi"] == pytest.approx(85.12)
    assert capaian.at["IKU-1", "capaian"] == pytest.approx(85.12 / 77 * 100)
    # IKU-3 is computed by its rule from the 2018 kasus_disiplin rows
    assert capaian.at["IKU-3", "realisasi"] == pytest.approx(realisasi["IKU-3"], abs=1e-6)
    assert capaian.at["IKU-3", "capaian"] == pytest.approx(realisasi["IKU-3"] / 6 * 100, abs=1e-6)

    # the 2018 report compares with 2017, from 2017's processed data
    html = (root / "outputs/2018/lkjip-2018.html").read_text(encoding="utf-8")
    rows = {r[0]: r for r in _table_rows(html, "tbl-riwayat-iku-1") if r and r[0].isdigit()}
    old = realisasi_2017.loc["IKU-1"]
    assert rows[str(OLD)][1:3] == [_persen(old.target_publikasi), _persen(old.realisasi)]
    assert rows["2018"][1:3] == [_persen(77), _persen(85.12)]

    # no code or notebook changed for the new year
    assert {part: tree_hash(root / part) for part in code_before} == code_before

    # 2017 still builds to the same capaian as before 2018 existed
    laporan.konteks.cache_clear()
    build_report(OLD, progress=False)
    assert (root / f"outputs/{OLD}/capaian_iku.csv").read_bytes() == capaian_2017
