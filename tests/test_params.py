"""Tests of lkjip_helpers.indikator.params: loading, validation messages, target_for."""

from __future__ import annotations

import copy
import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from lkjip_helpers.core.exceptions import ParamsError
from lkjip_helpers.indikator.params import load_agency, load_params, target_for
from tests.agensi_uji import DEFAULTS, TAHUN, params_file

REPO = Path(__file__).resolve().parent.parent

AGENCY = {
    "instansi": {
        "nama": "Badan Uji",
        "singkatan": "BU",
        "pemerintah": "Pemerintah Kota Uji",
        "wilayah": "Kota Uji",
        "kota": "Uji",
        "kepala": {
            "jabatan": "Kepala Badan Uji",
            "nama": "Nama Kepala",
            "pangkat": "Pembina",
            "golongan": "IV/a",
            "nip": "196704131986091002",
        },
    },
    "renstra": {"periode_awal": 2016, "periode_akhir": 2021},
    "visi": "Visi uji",
    "misi": [{"kode": "M1", "teks": "Misi satu"}, {"kode": "M2", "teks": "Misi dua"}],
    "tujuan": [
        {"kode": "T1", "misi": "M1", "teks": "Tujuan satu", "indikator": "Indeks", "target": 88},
        {"kode": "T2", "misi": "M2", "teks": "Tujuan dua"},
    ],
    "sasaran": [
        {"kode": "S1", "tujuan": "T1", "teks": "Sasaran satu"},
        {"kode": "S2", "tujuan": "T2", "teks": "Sasaran dua"},
    ],
    "pengukuran": {
        "skala": "ordinal_seed",
        "batas_capaian": 100,
        "rumus_polaritas_negatif": "dua_kali_target",
    },
    "iku": [
        {
            "kode": "IKU-1",
            "sasaran": "S1",
            "nama": "Persentase kompetensi",
            "satuan": "persen",
            "polaritas": "positif",
            "realisasi": {
                "cara": "input",
                "tabel": "realisasi_iku",
                "pembanding": {
                    "aturan": "kompetensi_dari_gap",
                    "tabel": "kesenjangan_kompetensi",
                    "opsi": {"kolom_gap": "gap"},
                },
            },
            "target_renstra": {2016: 95, 2017: 76, 2018: 77, 2019: 78, 2020: 79, 2021: 80},
        },
        {
            "kode": "IKU-2",
            "sasaran": "S1",
            "nama": "Persentase SKP baik",
            "satuan": "persen",
            "polaritas": "positif",
            "realisasi": {"cara": "input"},
            "target_renstra": {2016: None, 2017: 96, 2018: 96.5, 2019: 97, 2020: 97.5, 2021: 98},
        },
        {
            "kode": "IKU-3",
            "sasaran": "S1",
            "nama": "Persentase penurunan pelanggaran",
            "satuan": "persen",
            "polaritas": "positif",
            "realisasi": {
                "cara": "hitung",
                "aturan": "penurunan_kasus_disiplin",
                "tabel": "kasus_disiplin",
            },
            "target_renstra": {2016: None, 2017: 5, 2018: 6, 2019: 7, 2020: 8, 2021: 10},
        },
        {
            "kode": "IKU-4",
            "sasaran": "S2",
            "nama": "Skor IKM",
            "satuan": "skor",
            "polaritas": "positif",
            "realisasi": {"cara": "input"},
            "target_renstra": {2016: 76, 2017: 76, 2018: 77, 2019: 78, 2020: 79, 2021: 80},
        },
    ],
}

YEAR = {
    "tahun": 2017,
    "laporan": {"tempat": "Uji", "tanggal": dt.date(2018, 2, 28)},
    "perjanjian_kinerja": {
        "murni": {"IKU-1": 76, "IKU-2": 96, "IKU-3": 5, "IKU-4": 76},
        "perubahan": {"IKU-1": 77, "IKU-2": 96, "IKU-3": 5, "IKU-4": 76},
    },
}


@pytest.fixture
def root(tmp_path, monkeypatch):
    """A project root with params/agency.yaml, params/2017.yaml and params/scales.yaml."""
    (tmp_path / "params").mkdir()
    # the package's scales: this module's agency is its own, not the repository's
    shutil.copy(DEFAULTS / "scales.yaml", tmp_path / "params" / "scales.yaml")
    monkeypatch.setenv("LKJIP_ROOT", str(tmp_path))
    write(tmp_path, "agency", AGENCY)
    write(tmp_path, "2017", YEAR)
    return tmp_path


def write(root: Path, name: str, data: dict) -> Path:
    path = root / "params" / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_loads_typed_objects(root):
    p = load_params(2017)
    a = p.agency
    assert a.instansi.kepala.nip == "196704131986091002"
    assert a.instansi.kepala.golongan == "IV/a"
    assert a.renstra.tahun == (2016, 2017, 2018, 2019, 2020, 2021)
    assert [i.kode for i in a.iku] == ["IKU-1", "IKU-2", "IKU-3", "IKU-4"]
    assert a.iku[2].realisasi.cara == "hitung"
    assert a.iku[2].realisasi.aturan == "penurunan_kasus_disiplin"
    assert a.iku[1].realisasi.aturan == "input"
    assert a.iku[1].realisasi.tabel == "realisasi_iku"  # the rule's default table
    assert a.iku[0].realisasi.pembanding.opsi == {"kolom_gap": "gap"}
    assert a.iku[0].target_renstra[2017] == 76.0
    assert a.iku[1].target_renstra[2016] is None
    assert a.pengukuran.batas_capaian == 100.0
    assert p.tahun.laporan.tanggal == dt.date(2018, 2, 28)
    assert p.tahun.sumber == "params/2017.yaml"
    assert a.sumber == "params/agency.yaml"


def test_null_renstra_target_means_not_defined_that_year(root):
    a = load_agency()
    assert [i.kode for i in a.iku_aktif(2016)] == ["IKU-1", "IKU-4"]
    assert [i.kode for i in a.iku_aktif(2017)] == ["IKU-1", "IKU-2", "IKU-3", "IKU-4"]


def test_target_for_uses_last_revision(root):
    p = load_params(2017)
    assert target_for("IKU-1", p.tahun) == 77.0  # perubahan
    assert target_for(p.agency.iku[0], p.tahun) == 77.0
    data = copy.deepcopy(YEAR)
    data["perjanjian_kinerja"]["perubahan"] = None
    write(root, "2017", data)
    assert target_for("IKU-1", load_params(2017).tahun) == 76.0  # murni
    with pytest.raises(ParamsError, match=r"params/2017.yaml: perjanjian_kinerja.murni: no target"):
        target_for("IKU-9", load_params(2017).tahun)


def test_date_as_text_and_default_place(root):
    data = copy.deepcopy(YEAR)
    data["laporan"] = {"tanggal": "2018-02-28"}
    write(root, "2017", data)
    p = load_params(2017)
    assert p.tahun.laporan.tanggal == dt.date(2018, 2, 28)
    assert p.tahun.laporan.tempat == "Uji"  # instansi.kota


def test_fifth_iku_needs_no_code_change(root):
    data = copy.deepcopy(AGENCY)
    data["iku"].append(
        {
            "kode": "IKU-5",
            "sasaran": "S2",
            "nama": "Jumlah pelanggaran",
            "satuan": "kasus",
            "polaritas": "negatif",
            "realisasi": {"cara": "input"},
            "target_renstra": {y: 10 for y in range(2016, 2022)},
        }
    )
    write(root, "agency", data)
    with pytest.raises(ParamsError, match=r"perjanjian_kinerja.murni: missing target for IKU-5"):
        load_params(2017)
    year = copy.deepcopy(YEAR)
    year["perjanjian_kinerja"]["murni"]["IKU-5"] = 10
    year["perjanjian_kinerja"]["perubahan"]["IKU-5"] = 8
    write(root, "2017", year)
    p = load_params(2017)
    assert p.agency.iku[-1].polaritas == "negatif"
    assert target_for("IKU-5", p.tahun) == 8.0


def test_another_agency_other_period(root):
    data = copy.deepcopy(AGENCY)
    data["instansi"]["nama"] = "Dinas Lain"
    data["renstra"] = {"periode_awal": 2019, "periode_akhir": 2023}
    data["iku"] = [copy.deepcopy(AGENCY["iku"][3])]
    data["iku"][0]["target_renstra"] = {y: 80 for y in range(2019, 2024)}
    write(root, "agency", data)
    year = {
        "tahun": 2020,
        "laporan": {"tempat": "Lain", "tanggal": "2021-02-01"},
        "perjanjian_kinerja": {"murni": {"IKU-4": 80}},
    }
    write(root, "2020", year)
    p = load_params(2020)
    assert p.agency.instansi.nama == "Dinas Lain"
    assert target_for("IKU-4", p.tahun) == 80.0


def test_repository_params_are_valid():
    """The committed params/agency.yaml and params/<year>.yaml load, as written."""
    year_path = REPO / "params" / f"{TAHUN}.yaml"
    p = load_params(
        TAHUN,
        agency_path=REPO / "params" / "agency.yaml",
        year_path=year_path,
        scales_path=params_file("scales.yaml"),
    )
    # what the YAML says, read without the package
    agency = yaml.safe_load((REPO / "params" / "agency.yaml").read_text(encoding="utf-8"))
    pk = yaml.safe_load(year_path.read_text(encoding="utf-8"))["perjanjian_kinerja"]
    active = [
        i["kode"]
        for i in agency["iku"]
        if (i.get("target_renstra") or {}).get(
            TAHUN, (i.get("target_renstra") or {}).get(str(TAHUN))
        )
        is not None
    ]
    assert [i.kode for i in p.agency.iku_aktif(TAHUN)] == active
    last = pk.get("perubahan") or pk["murni"]
    assert [target_for(k, p.tahun) for k in active] == [float(last[k]) for k in active]


def _set(data: dict, path: str, value) -> None:
    """Set data[a][b][0][c] from 'a.b.0.c'; value DELETE removes the key."""
    keys = [int(k) if k.isdigit() else k for k in path.split(".")]
    node = data
    for k in keys[:-1]:
        node = node[k]
    if value is DELETE:
        del node[keys[-1]]
    else:
        node[keys[-1]] = value


DELETE = object()

AGENCY_ERRORS = [
    ("iku.2.polaritas", "naik", "iku[2].polaritas: 'naik' is not one of positif, negatif"),
    ("iku.0.target_renstra.2017", 0, "iku[0].target_renstra.2017: a target of 0 is invalid"),
    ("iku.0.target_renstra.2017", -3, "iku[0].target_renstra.2017: a target must be positive"),
    ("iku.0.target_renstra.2017", "76%", "iku[0].target_renstra.2017: expected a number"),
    ("iku.0.target_renstra.2019", DELETE, "iku[0].target_renstra: missing year(s) 2019"),
    ("iku.0.target_renstra.2030", 5, "iku[0].target_renstra.2030: 2030 is outside the Renstra"),
    ("iku.1.sasaran", "S9", "iku[1].sasaran: 'S9' is not a known sasaran (S1, S2)"),
    ("iku.1.kode", "IKU-1", "iku[1].kode: duplicate kode 'IKU-1'"),
    ("iku.1.nama", DELETE, "iku[1].nama: missing (required)"),
    ("iku.0.polaritass", "positif", "iku[0]: unknown key(s) polaritass"),
    ("iku.2.realisasi.aturan", "tebak", "iku[2].realisasi.aturan: 'tebak' is not a known"),
    ("iku.2.realisasi.aturan", DELETE, "iku[2].realisasi.aturan: missing (required when cara"),
    ("iku.1.realisasi.cara", "manual", "iku[1].realisasi.cara: 'manual' is not one of input"),
    ("iku.1.realisasi.aturan", "penurunan_kasus_disiplin", "iku[1].realisasi.aturan: cara: input"),
    ("iku.0.realisasi.pembanding.opsi.kolom_x", "x", "iku[0].realisasi.pembanding.opsi.kolom_x"),
    ("iku.0.realisasi.pembanding.aturan", "tebak", "iku[0].realisasi.pembanding.aturan"),
    ("pengukuran.skala", "likert", "pengukuran.skala: 'likert' is not one of ordinal_seed"),
    ("pengukuran.rumus_polaritas_negatif", "x", "pengukuran.rumus_polaritas_negatif: 'x' is not"),
    ("pengukuran.batas_capaian", 0, "pengukuran.batas_capaian: a target of 0"),
    ("sasaran.1.tujuan", "T7", "sasaran[1].tujuan: 'T7' is not a known tujuan"),
    ("tujuan.0.misi", "M3", "tujuan[0].misi: 'M3' is not a known misi"),
    ("instansi.kepala.nip", 196704131986091002, "instansi.kepala.nip: expected an 18-digit NIP"),
    ("instansi.kota", DELETE, "instansi.kota: missing (required)"),
    ("renstra.periode_akhir", 2015, "renstra.periode_akhir: 2015 is before periode_awal 2016"),
    ("iku", DELETE, "iku: missing (required)"),
    ("misi", [], "misi: expected a non-empty list"),
]


@pytest.mark.parametrize(("path", "value", "message"), AGENCY_ERRORS)
def test_agency_errors_name_file_and_key(root, path, value, message):
    data = copy.deepcopy(AGENCY)
    _set(data, path, value)
    write(root, "agency", data)
    with pytest.raises(ParamsError) as exc:
        load_agency()
    text = str(exc.value)
    assert text.startswith("params/agency.yaml: "), text
    assert message in text, text


def test_every_year_null_is_an_error(root):
    data = copy.deepcopy(AGENCY)
    data["iku"][0]["target_renstra"] = {y: None for y in range(2016, 2022)}
    write(root, "agency", data)
    with pytest.raises(ParamsError, match=r"iku\[0\].target_renstra: every year is null"):
        load_agency()


def test_mirrored_formula_needs_mirrored_scale(root):
    data = copy.deepcopy(AGENCY)
    data["pengukuran"]["skala"] = "permendagri_86_2017"
    data["pengukuran"]["rumus_polaritas_negatif"] = "realisasi_per_target"
    data["iku"][2]["polaritas"] = "negatif"
    write(root, "agency", data)
    with pytest.raises(ParamsError, match=r"params/agency.yaml: pengukuran.skala: .*no mirrored"):
        load_agency()
    data["pengukuran"]["skala"] = "ordinal_seed"
    write(root, "agency", data)
    assert load_agency().pengukuran.rumus_polaritas_negatif == "realisasi_per_target"


YEAR_ERRORS = [
    ("perjanjian_kinerja.murni.IKU-9", 5, "perjanjian_kinerja.murni.IKU-9: unknown IKU"),
    (
        "perjanjian_kinerja.murni.IKU-3",
        DELETE,
        "perjanjian_kinerja.murni: missing target for IKU-3",
    ),
    ("perjanjian_kinerja.perubahan.IKU-1", 0, "perjanjian_kinerja.perubahan.IKU-1: a target of 0"),
    ("perjanjian_kinerja.perubahan.IKU-1", None, "perjanjian_kinerja.perubahan.IKU-1: expected a"),
    ("perjanjian_kinerja.murni", DELETE, "perjanjian_kinerja.murni: missing (required)"),
    ("perjanjian_kinerja.revisi", {}, "perjanjian_kinerja: unknown key(s) revisi"),
    ("tahun", 2018, "tahun: 2018 does not match the requested year 2017"),
    ("laporan.tanggal", "28-02-2018", "laporan.tanggal: expected a date YYYY-MM-DD"),
    ("laporan", DELETE, "laporan: missing (required)"),
    ("laporan", "Balikpapan", "laporan: expected a mapping, got 'Balikpapan'"),
]


@pytest.mark.parametrize(("path", "value", "message"), YEAR_ERRORS)
def test_year_errors_name_file_and_key(root, path, value, message):
    data = copy.deepcopy(YEAR)
    _set(data, path, value)
    write(root, "2017", data)
    with pytest.raises(ParamsError) as exc:
        load_params(2017)
    text = str(exc.value)
    assert text.startswith("params/2017.yaml: "), text
    assert message in text, text


def test_pk_target_for_iku_not_defined_that_year(root):
    year = {
        "tahun": 2016,
        "laporan": {"tempat": "Uji", "tanggal": "2017-02-28"},
        "perjanjian_kinerja": {"murni": {"IKU-1": 95, "IKU-2": 90, "IKU-4": 76}},
    }
    write(root, "2016", year)
    with pytest.raises(ParamsError, match=r"params/2016.yaml: perjanjian_kinerja.murni.IKU-2: .*"):
        load_params(2016)
    del year["perjanjian_kinerja"]["murni"]["IKU-2"]
    write(root, "2016", year)
    assert set(load_params(2016).tahun.perjanjian_kinerja.murni) == {"IKU-1", "IKU-4"}


def test_year_outside_renstra(root):
    write(root, "2025", {**YEAR, "tahun": 2025})
    with pytest.raises(ParamsError, match=r"params/2025.yaml: tahun: 2025 is outside the Renstra"):
        load_params(2025)


def test_missing_file_and_bad_yaml(root):
    with pytest.raises(ParamsError, match=r"params/2019.yaml: file not found"):
        load_params(2019)
    (root / "params" / "agency.yaml").write_text("iku: [unclosed\n", encoding="utf-8")
    with pytest.raises(ParamsError, match=r"params/agency.yaml: invalid YAML"):
        load_agency()


def test_unknown_top_level_keys_are_errors(root):
    # Nothing reads an unknown key, so it is a typo or a misplaced section.
    data = copy.deepcopy(YEAR)
    data["sumber_bukti"] = {"IKU-2": "rekap SKP"}
    write(root, "2017", data)
    with pytest.raises(ParamsError, match=r"^params/2017.yaml: unknown key\(s\) sumber_bukti; "):
        load_params(2017)
