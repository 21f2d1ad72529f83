"""`make new-year`: params, Excel templates and prose for a new year; importing them."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from lkjip_helpers.build import data_step
from lkjip_helpers.core.exceptions import LkjipError, MissingDataError, ParamsError, ValidationError
from lkjip_helpers.data.catalogue import TableSpec
from lkjip_helpers.tahun_baru import scaffold as newyear
from tests.agensi_kecil import tulis_agensi_kecil
from tests.agensi_uji import DEFAULTS

TESTS = Path(__file__).parent
REPO = TESTS.parent
MINI = TESTS / "fixtures" / "mini"


@pytest.fixture
def with_params(mini, tmp_path):
    """The tiny project plus an agency's params and some 2017 prose.

    The agency is the tests' own (:mod:`tests.agensi_kecil`, scaffolded for 2017,
    Renstra 2016-2021) with the package's scales, whatever agency the repository holds.
    """
    agency = tmp_path / "agensi"
    tulis_agensi_kecil(agency, 2017)
    params = mini / "params"
    params.mkdir()
    for name in ("agency.yaml", "2017.yaml"):
        shutil.copy(agency / "params" / name, params / name)
    shutil.copy(DEFAULTS / "scales.yaml", params / "scales.yaml")
    prose = params / "prose" / "2017"
    (prose / "iku").mkdir(parents=True)
    (prose / "pengantar.md").write_text("Pada tahun {tahun} ...\n", encoding="utf-8")
    (prose / "iku" / "IKU-1.md").write_text("Analisis IKU-1.\n", encoding="utf-8")
    return mini


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def header(ws) -> list[str]:
    return [c.value for c in ws[1] if c.value is not None]


def column_values(ws, name: str) -> list:
    j = header(ws).index(name) + 1
    return [ws.cell(row=i, column=j).value for i in range(2, ws.max_row + 1)]


def fill(template: Path, target: Path, values: dict[str, list]) -> None:
    """Fill columns of a template's 'data' sheet (row 2 onwards) and save it as target."""
    wb = openpyxl.load_workbook(template)
    ws = wb["data"]
    names = header(ws)
    for column, cells in values.items():
        j = names.index(column) + 1
        for i, value in enumerate(cells, start=2):
            ws.cell(row=i, column=j, value=value)
    wb.save(target)


# --------------------------------------------------------------------------- creating


def test_new_year_creates_params_templates_and_prose(with_params, capsys):
    root = with_params
    prose_2017 = snapshot(root / "params/prose/2017")
    result = newyear.create_new_year(2018)

    assert (root / "params/2018.yaml").exists()
    assert sorted(p.name for p in (root / "data/raw/2018/templates").iterdir()) == [
        "anggaran.xlsx",
        "pegawai.xlsx",
    ]
    assert snapshot(root / "params/prose/2018") == prose_2017  # copied...
    assert snapshot(root / "params/prose/2017") == prose_2017  # ...and left as it was
    assert set(result.templates) == {"pegawai", "anggaran"}
    out = capsys.readouterr().out
    assert "params/2018.yaml" in out and "Next steps" in out and "laporan.tanggal" in out

    params = yaml.safe_load((root / "params/2018.yaml").read_text(encoding="utf-8"))
    agency = yaml.safe_load((root / "params/agency.yaml").read_text(encoding="utf-8"))
    renstra_2018 = {
        i["kode"]: i["target_renstra"][2018]
        for i in agency["iku"]
        if i["target_renstra"].get(2018) is not None
    }
    assert params["tahun"] == 2018
    assert params["laporan"] == {"tempat": agency["instansi"]["kota"], "tanggal": None}
    assert params["perjanjian_kinerja"]["murni"] == renstra_2018
    assert params["perjanjian_kinerja"]["perubahan"] == renstra_2018
    text = (root / "params/2018.yaml").read_text(encoding="utf-8")
    assert "CONFIRM against the signed Perjanjian Kinerja" in text


def test_report_date_left_empty_gives_a_clear_error(with_params):
    from lkjip_helpers.indikator.params import load_agency, load_year

    newyear.create_new_year(2018, echo=None)
    agency = load_agency(scales_path=with_params / "params/scales.yaml")
    # the data step may run before the date is decided; the report needs it
    laporan = load_year(2018, agency).laporan
    assert laporan.tanggal is None
    with pytest.raises(ParamsError, match=r"params/2018.yaml: laporan.tanggal: not filled in"):
        laporan.tanggal_wajib()
    path = with_params / "params/2018.yaml"
    path.write_text(path.read_text().replace("tanggal: null", "tanggal: 2019-02-27"))
    year = load_year(2018, agency)
    assert year.laporan.tanggal == dt.date(2019, 2, 27)
    raw = yaml.safe_load((with_params / "params/agency.yaml").read_text(encoding="utf-8"))
    assert year.perjanjian_kinerja.murni["IKU-1"] == raw["iku"][0]["target_renstra"][2018]


def test_refuses_to_overwrite_an_existing_year(with_params):
    root = with_params
    newyear.create_new_year(2018, echo=None)
    before = snapshot(root)
    with pytest.raises(LkjipError, match=r"Year 2018 already exists: params/2018.yaml"):
        newyear.create_new_year(2018, echo=None)
    with pytest.raises(LkjipError, match=r"already exists: .*data/raw/2017/.*never overwrites"):
        newyear.create_new_year(2017, echo=None)
    assert snapshot(root) == before
    # a raw folder alone (no params file) is enough to refuse
    (root / "params/2018.yaml").unlink()
    with pytest.raises(LkjipError, match=r"data/raw/2018/"):
        newyear.create_new_year(2018, echo=None)
    assert not (root / "params/2018.yaml").exists()


def test_outside_the_renstra_period_creates_nothing(with_params):
    before = snapshot(with_params)
    with pytest.raises(ParamsError, match="outside the Renstra period"):
        newyear.create_new_year(2030, echo=None)
    assert snapshot(with_params) == before


def test_data_only_project_gets_templates_without_params(mini):
    result = newyear.create_new_year(2018, echo=None)
    assert result.params_file is None and not (mini / "params/2018.yaml").exists()
    assert (mini / "data/raw/2018/templates/pegawai.xlsx").exists()


# --------------------------------------------------------------------------- templates


def test_template_has_dropdowns_number_checks_and_previous_values(mini):
    newyear.create_new_year(2018, echo=None)
    wb = openpyxl.load_workbook(mini / "data/raw/2018/templates/pegawai.xlsx")
    assert wb.sheetnames[:2] == ["data", "petunjuk"]
    ws = wb["data"]
    # the year window slides: 2016-2017 in the 2017 file -> 2017-2018
    assert header(ws) == [
        "golongan",
        "jenis_baris",
        "jumlah_2017",
        "jumlah_2018",
        "persen_2017",
        "persen_2018",
    ]
    assert ws.freeze_panes == "A2"
    # previous figures pre-filled under their own year; the new year is empty
    assert column_values(ws, "golongan") == ["II/a", "III/a", "JUMLAH"]
    assert column_values(ws, "jumlah_2017") == [2, 1, 4]
    assert column_values(ws, "persen_2017") == [66.67, 33.33, 100]
    assert column_values(ws, "jumlah_2018") == [None, None, None]
    validations = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
    dropdown = validations["B2"]  # jenis_baris
    assert dropdown.type == "list" and dropdown.formula1 == '"rincian,jumlah"'
    count = validations["D2"]  # jumlah_2018
    assert (count.type, count.operator, count.formula1) == ("whole", "greaterThanOrEqual", "0")
    share = validations["F2"]  # persen_2018
    assert (share.type, share.operator, share.formula1, share.formula2) == (
        "decimal",
        "between",
        "0",
        "100",
    )
    assert ws.column_dimensions["A"].width >= len("golongan")

    guide = "\n".join(
        " | ".join(str(c) for c in row if c is not None)
        for row in wb["petunjuk"].iter_rows(values_only=True)
    )
    assert "Jumlah pegawai per golongan" in guide and "Tabel 1.2" in guide
    assert "data/raw/2018/pegawai.xlsx" in guide
    assert "jenis_baris | pilihan dari daftar (tarik-turun) | - | rincian, jumlah" in guide
    assert "jumlah_2018 | bilangan bulat" in guide and "| >= 0 | ya |" in guide
    assert "persen_2018" in guide and "0 sampai 100" in guide

    # a snapshot table (no year): row labels kept, figures left to fill in
    ws = openpyxl.load_workbook(mini / "data/raw/2018/templates/anggaran.xlsx")["data"]
    assert column_values(ws, "uraian") == ["BTL", "BL", "TOTAL"]
    assert column_values(ws, "jenis_baris") == ["rincian", "rincian", "jumlah"]
    assert column_values(ws, "pagu") == [None, None, None]


def spec_of(columns: dict, **extra):
    entry = {"source": "Tabel X", "columns": columns, **extra}
    return TableSpec(name="t", **entry)


def test_template_year_columns_slide_or_stay():
    spec = spec_of(
        {
            "indikator": {"type": "str"},
            "target_{tahun}": {"type": "int", "required": False},
            "realisasi_{tahun}": {"type": "int", "required": False},
            "target_kumulatif_{tahun}": {"type": "int", "required": False},
        }
    )
    before = ["indikator", "target_2017", "realisasi_2017", "target_2018", "target_kumulatif_2021"]
    cols = newyear.template_columns(spec, before, 2017, 2018, renstra_end=2021)
    assert [c.name for c in cols] == [
        "indikator",
        "target_2018",
        "realisasi_2018",
        "target_2019",
        "target_kumulatif_2021",
    ]
    assert [c.prefill for c in cols] == [True, True, False, False, True]
    assert [c.peran for c in cols] == [
        "tetap",
        "tahun_baru",
        "tahun_baru",
        "tahun_depan",
        "tahun_renstra",
    ]
    # Renstra targets: every year of the period stays
    renstra = ["indikator"] + [f"target_{y}" for y in range(2017, 2022)]
    cols = newyear.template_columns(spec, renstra, 2017, 2018, renstra_end=2021)
    assert [c.name for c in cols] == renstra
    # a history ending the year before slides; two years later slides by two
    history = ["indikator", "realisasi_2015", "realisasi_2016"]
    cols = newyear.template_columns(spec, history, 2017, 2019, renstra_end=2021)
    assert [c.name for c in cols] == ["indikator", "realisasi_2017", "realisasi_2018"]
    # no earlier file: every pattern once, for the new year
    cols = newyear.template_columns(spec, None, None, 2018)
    assert [c.name for c in cols] == [
        "indikator",
        "target_2018",
        "realisasi_2018",
        "target_kumulatif_2018",
    ]
    # the catalogue can override the rule
    fixed = spec_of(spec_columns(spec), template={"tahun_tetap": ["realisasi_{tahun}"]})
    cols = newyear.template_columns(fixed, history, 2017, 2018, renstra_end=2021)
    assert [c.name for c in cols] == history


def spec_columns(spec) -> dict:
    return {c.name: {"type": c.type, "required": c.required} for c in spec.columns}


def test_long_table_keeps_every_previous_row():
    spec = spec_of(
        {"tahun": {"type": "int"}, "jumlah_kasus": {"type": "int"}, "sumber": {"type": "str"}},
        key=["tahun"],
    )
    previous = pd.DataFrame(
        {"tahun": ["2016", "2017"], "jumlah_kasus": ["21", "17"], "sumber": ["a", "b"]}
    )
    cols = newyear.template_columns(spec, list(previous.columns), 2017, 2018)
    assert newyear.table_kind(spec, cols) == "panjang"
    assert newyear.prefill_rows(spec, cols, previous) == [["2016", "21", "a"], ["2017", "17", "b"]]


# --------------------------------------------------------------------------- importing


def test_filled_templates_load_through_build_data(mini):
    newyear.create_new_year(2018, echo=None)
    raw = mini / "data/raw/2018"
    templates = raw / "templates"
    with pytest.raises(MissingDataError) as err:
        data_step.build_data(2018)
    message = str(err.value)
    assert "pegawai.csv (or .xlsx)" in message
    assert "template not filled in: data/raw/2018/templates/pegawai.xlsx" in message
    assert "template not filled in: data/raw/2018/templates/anggaran.xlsx" in message

    fill(
        templates / "pegawai.xlsx",
        raw / "pegawai.xlsx",
        {"jumlah_2018": [3, 1, 4], "persen_2018": [75, 25, 100]},
    )
    with pytest.raises(MissingDataError) as err:
        data_step.build_data(2018)
    assert "templates/pegawai.xlsx" not in str(err.value)
    assert "templates/anggaran.xlsx" in str(err.value)

    fill(
        templates / "anggaran.xlsx",
        raw / "anggaran.xlsx",
        {
            "pagu": [4000.0, 6000.0, 10000.0],
            "realisasi": [3000.0, 5000.0, 8000.0],
            "persen": [75, 83.33, 80],
        },
    )
    result = data_step.build_data(2018)
    pegawai = pd.read_csv(mini / "data/processed/2018/pegawai.csv")
    assert list(pegawai.columns) == ["golongan", "jenis_baris", "tahun", "jumlah", "persen"]
    got = pegawai.set_index(["golongan", "tahun"])["jumlah"].to_dict()
    assert got == {
        ("II/a", 2017): 2,
        ("II/a", 2018): 3,
        ("III/a", 2017): 1,
        ("III/a", 2018): 1,
        ("JUMLAH", 2017): 4,
        ("JUMLAH", 2018): 4,
    }
    assert result.processed["anggaran"]["pagu"].tolist() == [4000.0, 6000.0, 10000.0]


def test_wrong_value_in_a_workbook_names_sheet_row_and_column(mini):
    newyear.create_new_year(2018, echo=None)
    raw = mini / "data/raw/2018"
    fill(
        raw / "templates/anggaran.xlsx",
        raw / "anggaran.xlsx",
        {"pagu": [1.0, 2.0, 3.0], "realisasi": [1.0, 1.0, 2.0], "persen": [100, 50, 66.67]},
    )
    fill(
        raw / "templates/pegawai.xlsx",
        raw / "pegawai.xlsx",
        {"jumlah_2018": [3, "tiga", 4], "persen_2018": [75, 25, 100]},
    )
    with pytest.raises(ValidationError) as err:
        data_step.build_data(2018)
    message = str(err.value)
    assert "data/raw/2018/pegawai.xlsx, sheet 'data'" in message
    assert "sheet 'data', row 3, column 'jumlah_2018': found 'tiga'" in message
    assert "whole number" in message

    # rows are numbered as in the sheet, even after an empty row
    wb = openpyxl.load_workbook(raw / "pegawai.xlsx")
    ws = wb["data"]
    ws.cell(row=3, column=4, value=1)
    for j, value in enumerate(["IV/a", "rincian", None, -2, None, None], start=1):
        ws.cell(row=7, column=j, value=value)
    wb.save(raw / "pegawai.xlsx")
    with pytest.raises(ValidationError) as err:
        data_step.build_data(2018)
    assert "sheet 'data', row 7, column 'jumlah_2018': found '-2'" in str(err.value)
    assert "row 3" not in str(err.value)


def test_template_offers_an_optional_column_marked_di_templat():
    spec = spec_of(
        {
            "kode_iku": {"type": "str"},
            "realisasi": {"type": "float", "nullable": True},
            "alasan_tidak_tersedia": {
                "type": "str",
                "nullable": True,
                "required": False,
                "di_templat": True,
            },
            "catatan": {"type": "str", "nullable": True, "required": False},
        }
    )
    cols = newyear.template_columns(spec, ["kode_iku", "realisasi"], 2017, 2018)
    # offered although last year's file did not have it; a plain optional one is not
    assert [c.name for c in cols] == ["kode_iku", "realisasi", "alasan_tidak_tersedia"]
