"""Tests of lkjip_helpers.core.schema: every YAML file kind reports file, key, found, expected.

For each kind of YAML file the project reads (agency, year, scales, narrative,
report, catalogue, and the ``pendukung`` entries of agency.yaml) one value is
broken in a copy of the repository's own file, four ways: a bad value, a wrong
type, an unknown key and a missing required key.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from lkjip_helpers.core.exceptions import ParamsError
from lkjip_helpers.core.schema import Skema, Tahun, jalur, read_yaml, validate
from lkjip_helpers.data.catalogue import load_catalogue
from lkjip_helpers.indikator.params import load_agency, load_params
from lkjip_helpers.indikator.scales import load_scales
from lkjip_helpers.laporan.context import load_susunan
from lkjip_helpers.laporan.sentences import load_templat
from tests.agensi_uji import AGENCY, DEFAULT_PARAMS, IKU, TAHUN, own_params_file

ROOT = Path(__file__).resolve().parent.parent
DELETE = object()

#: An agency table and an IKU supporting entry of the tests' own, added to the copy's
#: catalogue and agency.yaml: the cases break them whatever the agency lists.
TABEL_UJI = {
    "source": "Tabel uji",
    "columns": {"nama_opd": {"type": "str"}, "jumlah": {"type": "int", "min": 0}},
}
PENDUKUNG_UJI = {"tabel": ["tabel_uji"], "tampil": "tabel", "judul": "Tabel uji", "y": "jumlah"}
N_PENDUKUNG = len(AGENCY["iku"][0].get("pendukung") or [])

FILES = {
    "agency": ("params/agency.yaml", load_agency),
    "year": (f"params/{TAHUN}.yaml", lambda: load_params(TAHUN)),
    "scales": ("params/scales.yaml", load_scales),
    "narrative": ("params/narrative.yaml", load_templat),
    "report": ("params/report.yaml", load_susunan),
    "catalogue": ("data/raw/catalogue.yaml", load_catalogue),
    "pendukung": ("params/agency.yaml", load_agency),
}

P = f"iku.0.pendukung.{N_PENDUKUNG}"
PT = f"iku[0].pendukung[{N_PENDUKUNG}]"
CASES = [
    # kind, key path, value, expected text after "<file>: "
    (
        "agency",
        "iku.0.polaritas",
        "naik",
        "iku[0].polaritas: 'naik' is not one of positif, negatif",
    ),
    ("agency", "renstra.periode_awal", "2016", "renstra.periode_awal: expected a year, got '2016'"),
    (
        "agency",
        "instansi.alamat",
        "Jl. Jend. Sudirman",
        "instansi: unknown key(s) alamat; allowed: kepala, kota, nama, pemerintah, singkatan, "
        "wilayah",
    ),
    ("agency", "visi", DELETE, "visi: missing (required)"),
    (
        "year",
        f"perjanjian_kinerja.murni.{IKU[0]}",
        0,
        f"perjanjian_kinerja.murni.{IKU[0]}: a target of 0 is invalid",
    ),
    ("year", "laporan.tanggal", 12, "laporan.tanggal: expected a date YYYY-MM-DD, got 12"),
    ("year", "laporan.kota", "X", "laporan: unknown key(s) kota; allowed: tanggal, tempat"),
    ("year", "tahun", DELETE, "tahun: missing (required)"),
    (
        "scales",
        "skala.ordinal_seed.positif.1.dari",
        90,
        "skala.ordinal_seed.positif[1].dari: bands must be listed from high to low",
    ),
    (
        "scales",
        "skala.ordinal_seed.pembulatan",
        "dua",
        "skala.ordinal_seed.pembulatan: expected a whole number >= 0, got 'dua'",
    ),
    (
        "scales",
        "skala.ordinal_seed.positif.0.warna",
        "hijau",
        "skala.ordinal_seed.positif[0]: unknown key(s) warna; allowed: dari, kategori, skor",
    ),
    ("scales", "skala.ordinal_seed.judul", DELETE, "skala.ordinal_seed.judul: missing (required)"),
    ("narrative", "desimal", 9, "desimal: expected a whole number 0-6, got 9."),
    (
        "narrative",
        "target_ringkas",
        "kadang",
        "target_ringkas: expected true or false, got 'kadang'",
    ),
    (
        "narrative",
        "warna",
        "biru",
        "unknown key(s) warna; allowed: arah, desimal, kalimat, satuan_perubahan, target_ringkas",
    ),
    ("narrative", "arah", DELETE, "arah: missing (required)"),
    (
        "report",
        "chapters.0.notebooks",
        [],
        "chapters[0].notebooks: expected a non-empty list, got []",
    ),
    (
        "report",
        "chapters.0.bernomor",
        "tidak",
        "chapters[0].bernomor: expected true or false, got 'tidak'",
    ),
    (
        "report",
        "chapters.1.notebooks.0.inputs",
        ["pns_golongan"],
        "chapters[1].notebooks[0]: unknown key(s) inputs; allowed: notebook, per_iku, prose",
    ),
    ("report", "chapters.0.id", DELETE, "chapters[0].id: missing (required)"),
    (
        "catalogue",
        "tables.tabel_uji.columns.nama_opd.type",
        "teks",
        "tables.tabel_uji.columns.nama_opd.type: 'teks' is not one of category, date, "
        "float, int, str",
    ),
    (
        "catalogue",
        "tables.tabel_uji.key",
        "opd",
        "tables.tabel_uji.key: expected a list, got 'opd'",
    ),
    (
        "catalogue",
        "tables.tabel_uji.sumber",
        "Tabel 1.1",
        "tables.tabel_uji: unknown key(s) sumber; allowed: checks, columns, corrections, ",
    ),
    (
        "catalogue",
        "tables.tabel_uji.source",
        DELETE,
        "tables.tabel_uji.source: missing (required)",
    ),
    (
        "pendukung",
        f"{P}.tampil",
        "peta",
        f"{PT}.tampil: 'peta' is not one of grafik, tabel",
    ),
    (
        "pendukung",
        f"{P}.desimal",
        "dua",
        f"{PT}.desimal: expected a whole number >= 0, got 'dua'",
    ),
    ("pendukung", f"{P}.warna", "merah", f"{PT}: unknown key(s) warna; allowed: "),
    ("pendukung", f"{P}.judul", DELETE, f"{PT}.judul: missing (required)"),
]


@pytest.fixture
def params_copy(tmp_path, monkeypatch):
    """params/ and the catalogue copied to a temporary project root.

    The params files the agency takes from the package are copied in as its own
    (to be broken), and the test's own table and supporting entry are added.
    """
    shutil.copytree(ROOT / "params", tmp_path / "params")
    for name in DEFAULT_PARAMS:
        own_params_file(name, tmp_path)
    (tmp_path / "data" / "raw").mkdir(parents=True)
    catalogue = yaml.safe_load((ROOT / "data/raw/catalogue.yaml").read_text(encoding="utf-8"))
    catalogue["tables"] = (catalogue.get("tables") or {}) | {"tabel_uji": TABEL_UJI}
    _dump(tmp_path / "data/raw/catalogue.yaml", catalogue)
    agency = yaml.safe_load((tmp_path / "params/agency.yaml").read_text(encoding="utf-8"))
    agency["iku"][0]["pendukung"] = [*(agency["iku"][0].get("pendukung") or []), PENDUKUNG_UJI]
    _dump(tmp_path / "params/agency.yaml", agency)
    monkeypatch.setenv("LKJIP_ROOT", str(tmp_path))
    return tmp_path


def _dump(path: Path, data: dict) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _set(data: dict, path: str, value) -> None:
    keys = [int(k) if k.isdigit() else k for k in path.split(".")]
    node = data
    for k in keys[:-1]:
        node = node[k]
    if value is DELETE:
        del node[keys[-1]]
    else:
        node[keys[-1]] = value


@pytest.mark.parametrize(("kind", "path", "value", "message"), CASES)
def test_every_file_kind_names_file_key_found_and_expected(params_copy, kind, path, value, message):
    name, loader = FILES[kind]
    file = params_copy / name
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    _set(data, path, value)
    file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ParamsError) as info:
        loader()
    text = str(info.value)
    assert text.startswith(f"{name}: {message}"), text


@pytest.mark.parametrize("kind", sorted(FILES))
def test_the_repository_files_are_valid(params_copy, kind):
    FILES[kind][1]()


def test_every_kind_is_covered_four_ways():
    for kind in FILES:
        assert sum(c[0] == kind for c in CASES) == 4, kind


class _Renstra(Skema):
    periode_awal: Tahun
    target: dict[int, float]
    iku: tuple[dict[str, int], ...] = ()


def test_all_problems_are_listed_one_per_line():
    with pytest.raises(ParamsError) as info:
        validate(_Renstra, {"periode_awal": "x", "target": {2017: "y"}}, "f.yaml")
    assert str(info.value).splitlines() == [
        "f.yaml: periode_awal: expected a year, got 'x'",
        "f.yaml: target.2017: expected a number, got 'y'",
    ]


def test_key_path_follows_the_data():
    data = {"iku": [{"target": {2017: 1}}, {"target": {"2018": 2}}]}
    assert jalur(("iku", 1, "target", 2018), data) == "iku[1].target.2018"
    assert jalur(("iku", 0, "target", 2017), data) == "iku[0].target.2017"
    # a year used as a mapping key is not a list index
    assert jalur(("target", 2017), {"target": {2017: 1}}) == "target.2017"
    assert jalur(("target", "x", "[key]"), {"target": {"x": 1}}) == "target.x"


def test_read_yaml_ok(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("a: 1\nb: [x, y]\n", encoding="utf-8")
    assert read_yaml(path) == {"a": 1, "b": ["x", "y"]}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("a: [1, 2\n", "invalid YAML"),
        ("- 1\n- 2\n", "expected a mapping at the top level"),
        ("", "expected a mapping at the top level"),
    ],
)
def test_read_yaml_errors_name_the_file(tmp_path, monkeypatch, content, message):
    monkeypatch.setenv("LKJIP_ROOT", str(tmp_path))
    (tmp_path / "bad.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(ParamsError, match=r"^bad.yaml: " + message):
        read_yaml(tmp_path / "bad.yaml")


def test_read_yaml_missing_file(tmp_path, monkeypatch):
    monkeypatch.setenv("LKJIP_ROOT", str(tmp_path))
    with pytest.raises(ParamsError, match=r"^missing.yaml: file not found"):
        read_yaml(tmp_path / "missing.yaml")
