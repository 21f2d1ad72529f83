"""Tests of lkjip_helpers.indikator.scales and params/scales.yaml."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from lkjip_helpers.core.exceptions import CalculationError, ParamsError
from lkjip_helpers.core.numbers import bulatkan
from lkjip_helpers.indikator.scales import get_scale, kategorikan, load_scales
from tests.agensi_uji import ROOT, params_file

# the agency's scales, or the package's default when it has none of its own
SCALES = params_file("scales.yaml")


@pytest.fixture(autouse=True)
def _repo_scales(monkeypatch):
    monkeypatch.setenv("LKJIP_ROOT", str(ROOT))


@pytest.mark.parametrize(
    ("nilai", "skor", "kategori"),
    [
        (110.33, 4, "Sangat Baik"),  # the seed calls 110,33% Sangat Baik
        (100.01, 4, "Sangat Baik"),
        (100, 4, "Sangat Baik"),
        (85, 4, "Sangat Baik"),
        (84.995, 4, "Sangat Baik"),  # prints 85,00: category follows the printed value
        (84.994, 3, "Baik"),  # prints 84,99
        (84.99, 3, "Baik"),  # the gap between 84 and 85 belongs to Baik
        (84.5, 3, "Baik"),
        (70, 3, "Baik"),
        (69.99, 2, "Cukup Baik"),
        (55, 2, "Cukup Baik"),
        (54.99, 1, "Kurang"),
        (0, 1, "Kurang"),
        (-40, 1, "Kurang"),
    ],
)
def test_ordinal_seed_positive_edges(nilai, skor, kategori):
    band = kategorikan(nilai, "ordinal_seed")
    assert (band.skor, band.kategori) == (skor, kategori)


@pytest.mark.parametrize(
    ("nilai", "kategori", "skor"),
    [
        (162, "Kurang", 1),  # the seed 2016: 0,32% vs target 0,20% -> "kurang"
        (100.01, "Kurang", 1),
        (85, "Kurang", 1),
        (84.99, "Cukup Baik", 2),
        (70, "Cukup Baik", 2),
        (69.99, "Baik", 3),
        (55, "Baik", 3),
        (54.99, "Sangat Baik", 4),
        (0, "Sangat Baik", 4),
    ],
)
def test_ordinal_seed_mirrored_edges(nilai, kategori, skor):
    band = kategorikan(nilai, "ordinal_seed", "negatif")
    assert (band.kategori, band.skor) == (kategori, skor)


@pytest.mark.parametrize(
    ("nilai", "kategori", "skor"),
    [
        (100.01, "Sangat Tinggi", 5),
        (100, "Sangat Tinggi", 5),
        (91, "Sangat Tinggi", 5),
        (90.99, "Tinggi", 4),
        (90.5, "Tinggi", 4),
        (76, "Tinggi", 4),
        (75.99, "Sedang", 3),
        (66, "Sedang", 3),
        (65.99, "Rendah", 2),
        (51, "Rendah", 2),
        (50.99, "Sangat Rendah", 1),
        (50, "Sangat Rendah", 1),
        (-1, "Sangat Rendah", 1),
    ],
)
def test_permendagri_86_2017_edges(nilai, kategori, skor):
    band = kategorikan(nilai, "permendagri_86_2017")
    assert (band.kategori, band.skor) == (kategori, skor)


def test_unknown_scale_is_params_error():
    with pytest.raises(
        ParamsError, match=r"(params|bawaan)/scales.yaml: skala.likert: unknown scale; known"
    ):
        get_scale("likert")


def test_scale_without_mirror():
    with pytest.raises(ParamsError, match=r"skala.permendagri_86_2017.negatif"):
        kategorikan(50, "permendagri_86_2017", "negatif")


@pytest.mark.parametrize("bad", [float("nan"), None, float("inf")])
def test_non_finite_value_is_calculation_error(bad):
    with pytest.raises(CalculationError, match="not a finite number"):
        kategorikan(bad, "ordinal_seed")


FINITE = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)


@given(FINITE)
def test_every_value_has_exactly_one_category(x):
    katalog = load_scales()
    for skala in katalog.skala.values():
        for arah in ("positif", "negatif"):
            if arah == "negatif" and skala.negatif is None:
                continue
            rounded = float(bulatkan(x, skala.pembulatan))
            hits = [p for p in skala.pita(arah) if p.memuat(rounded)]
            assert len(hits) == 1
            assert kategorikan(x, skala, arah) == hits[0]


@given(FINITE, FINITE)
def test_score_never_decreases_with_capaian(a, b):
    lo, hi = sorted((a, b))
    for nama in ("ordinal_seed", "permendagri_86_2017"):
        assert kategorikan(lo, nama).skor <= kategorikan(hi, nama).skor
    # mirrored scale: a higher (non-oriented) capaian is worse
    assert (
        kategorikan(lo, "ordinal_seed", "negatif").skor
        >= kategorikan(hi, "ordinal_seed", "negatif").skor
    )


def _write(tmp_path: Path, data: dict) -> Path:
    p = tmp_path / "params" / "scales.yaml"
    p.parent.mkdir(exist_ok=True)
    p.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return p


def _base() -> dict:
    return yaml.safe_load(SCALES.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: d["skala"]["ordinal_seed"]["positif"].reverse(),
            r"skala.ordinal_seed.positif\[0\].dari: the lowest band|"
            r"skala.ordinal_seed.positif\[\d\].dari",
        ),
        (
            lambda d: d["skala"]["ordinal_seed"]["positif"][3].update(dari=10),
            r"skala.ordinal_seed.positif\[3\].dari: the lowest band must have dari: null",
        ),
        (
            lambda d: d["skala"]["ordinal_seed"]["positif"][1].update(dari=90),
            r"skala.ordinal_seed.positif\[1\].dari: bands must be listed from high to low",
        ),
        (
            lambda d: d["skala"]["ordinal_seed"]["positif"][1].update(dari=None),
            r"skala.ordinal_seed.positif\[1\].dari: only the lowest",
        ),
        (
            lambda d: d["skala"]["ordinal_seed"].update(warna="merah"),
            r"skala.ordinal_seed: unknown key\(s\) warna; allowed: judul, negatif, ",
        ),
    ],
)
def test_invalid_scales_file(tmp_path, monkeypatch, mutate, message):
    data = _base()
    mutate(data)
    path = _write(tmp_path, data)
    monkeypatch.setenv("LKJIP_ROOT", str(tmp_path))
    with pytest.raises(ParamsError, match=r"^params/scales.yaml: (" + message + ")"):
        load_scales(path)


def test_a_new_scale_is_data_only(tmp_path, monkeypatch):
    data = _base()
    data["skala"]["biner"] = {
        "judul": "Tercapai / tidak",
        "positif": [
            {"skor": 1, "kategori": "Tercapai", "dari": 100},
            {"skor": 0, "kategori": "Tidak tercapai", "dari": None},
        ],
    }
    path = _write(tmp_path, data)
    monkeypatch.setenv("LKJIP_ROOT", str(tmp_path))
    assert kategorikan(99.99, get_scale("biner", path)).kategori == "Tidak tercapai"
    assert kategorikan(100, get_scale("biner", path)).kategori == "Tercapai"
    assert math.isclose(get_scale("biner", path).positif[0].dari, 100)
