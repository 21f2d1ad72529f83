"""Tests of lkjip_helpers.tahun_baru.agensi_baru: a new agency from the scaffold."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
import yaml

from lkjip_helpers.cli import main
from lkjip_helpers.core import config
from lkjip_helpers.core.exceptions import LkjipError
from lkjip_helpers.tahun_baru.agensi_baru import create_new_agency
from tests.agensi_kecil import NAMA, tulis_agensi_kecil

ROOT = Path(__file__).resolve().parent.parent


def test_scaffold_writes_params_prose_catalogue_and_templates(tmp_path):
    folder = tmp_path / "dinas"
    result = create_new_agency(folder, 2024, echo=None)
    agency = yaml.safe_load((folder / "params" / "agency.yaml").read_text(encoding="utf-8"))
    assert [i["kode"] for i in agency["iku"]] == ["IKU-1", "IKU-2", "IKU-3", "IKU-4"]
    assert agency["renstra"]["periode_awal"] <= 2024 <= agency["renstra"]["periode_akhir"]
    year = yaml.safe_load((folder / "params" / "2024.yaml").read_text(encoding="utf-8"))
    assert set(year["perjanjian_kinerja"]["murni"]) == {"IKU-1", "IKU-2", "IKU-3", "IKU-4"}
    own = yaml.safe_load((folder / "data" / "raw" / "catalogue.yaml").read_text(encoding="utf-8"))
    assert own == {"extends": "dasar", "tables": {}}
    for name in ("pk_target", "realisasi_iku", "anggaran_belanja", "kegiatan_sasaran"):
        assert (folder / "data" / "raw" / "2024" / "templates" / f"{name}.xlsx").exists()
        assert name in result.templates
    for rel in ("params/prose/2024/iku/IKU-4.md", "params/prose/2024/pengantar.md"):
        assert (folder / rel).read_text(encoding="utf-8").strip()
    # the scales, sentences and chapters are the package's until the agency copies them
    assert not (folder / "params" / "narrative.yaml").exists()


def test_four_standard_ikus_need_under_150_lines_of_catalogue_and_params(tmp_path):
    folder = tmp_path / "dinas"
    tulis_agensi_kecil(folder, 2024, jumlah_iku=4)  # scaffolded and filled in
    files = [folder / "data" / "raw" / "catalogue.yaml", *(folder / "params").glob("*.yaml")]
    lines = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in files)
    assert lines < 150, {p.name: len(p.read_text().splitlines()) for p in files}


def test_never_overwrites(tmp_path):
    folder = tmp_path / "dinas"
    folder.mkdir()
    (folder / "catatan.txt").write_text("milik analis", encoding="utf-8")
    with pytest.raises(LkjipError, match="not empty"):
        create_new_agency(folder, 2024, echo=None)
    assert [p.name for p in folder.iterdir()] == ["catatan.txt"]


def test_cli_new_agency(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(config.AGENCY_ENV, "")
    monkeypatch.delenv(config.AGENCY_ENV)
    assert main(["new-agency", "--dir", str(tmp_path / "dinas"), "--year", "2024"]) == 0
    out = capsys.readouterr().out
    assert "make report AGENCY=" in out and "templates" in out
    assert config.AGENCY_ENV not in os.environ  # left as it was


def test_filled_scaffold_builds_its_report(tmp_path, monkeypatch):
    """A new agency with no change under the package or the notebooks: scaffold, fill
    the params and templates with synthetic values, build, read the figures back."""
    from lkjip_helpers.build.pipeline import build_report
    from lkjip_helpers.laporan import context as laporan

    folder = tmp_path / "dinas"
    iku = tulis_agensi_kecil(folder, 2024, jumlah_iku=4)
    monkeypatch.setenv("LKJIP_ROOT", str(ROOT))
    monkeypatch.setenv(config.AGENCY_ENV, str(folder))
    laporan.konteks.cache_clear()
    try:
        build_report(2024, progress=False)
    finally:
        laporan.konteks.cache_clear()
    out = folder / "outputs" / "2024"
    assert (out / "lkjip-2024.pdf").stat().st_size > 0
    html = (out / "lkjip-2024.html").read_text(encoding="utf-8")
    assert NAMA in html
    with open(out / "capaian_iku.csv", encoding="utf-8") as fh:
        got = {r["kode"]: r for r in csv.DictReader(fh)}
    assert list(got) == [i.kode for i in iku]
    for i in iku:
        assert float(got[i.kode]["capaian"]) == pytest.approx(i.capaian)
        assert float(got[i.kode]["capaian_dibatasi"]) == pytest.approx(min(i.capaian, 100))
        assert got[i.kode]["polaritas"] == i.polaritas
    with open(out / "audit.csv", encoding="utf-8") as fh:
        assert list(csv.DictReader(fh)) == []  # consistent synthetic figures: no finding
