"""Synthetic agencies (lkjip_helpers/sintetis/instansi.py), without building them."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
import yaml

from lkjip_helpers import cli
from lkjip_helpers.build.batch import load_portfolio
from lkjip_helpers.core.exceptions import ParamsError
from lkjip_helpers.indikator.capaian import hitung_capaian
from lkjip_helpers.sintetis.instansi import NILAI_RUSAK, buat_portofolio
from tests.agensi_uji import AGENCY, TAHUN

ROOT = Path(__file__).resolve().parent.parent
IKU_PARAMS = {i["kode"]: i for i in AGENCY["iku"]}
RUMUS_NEGATIF = AGENCY["pengukuran"].get("rumus_polaritas_negatif", "dua_kali_target")


@pytest.fixture(scope="module")
def synth(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth") / "kota"
    made = buat_portofolio(out, 3, seed=5, rusak=1, source=ROOT)
    return out, made


def test_writes_agency_folders_and_a_portfolio_the_batch_reads(synth):
    out, made = synth
    portofolio, tugas = load_portfolio(out / "portfolio.yaml")
    assert [t.label for t in tugas] == [m.folder for m in made]
    assert {t.tahun for t in tugas} == {TAHUN}
    for m in made:
        folder = out / m.folder
        assert (folder / "params" / "agency.yaml").exists()
        assert (folder / "data" / "raw" / "catalogue.yaml").exists()
        assert (folder / "data" / "raw" / str(TAHUN) / "realisasi_iku.csv").exists()
        # only data: no code in an agency folder
        assert not (folder / "lkjip_helpers").exists() and not (folder / "notebooks").exists()
        assert not (folder / "data" / "raw" / str(TAHUN) / "audit_harapan.yaml").exists()
    assert [m.rusak for m in made] == [False, False, True]


def test_names_and_heads_vary(synth):
    out, made = synth
    agencies = [
        yaml.safe_load((out / m.folder / "params" / "agency.yaml").read_text("utf-8"))["instansi"]
        for m in made
    ]
    assert len({a["nama"] for a in agencies}) == 3
    assert len({a["kepala"]["nip"] for a in agencies}) == 3
    assert [a["nama"] for a in agencies] == [m.nama for m in made]
    assert all(a["kepala"]["jabatan"].startswith(f"Kepala {a['nama']}") for a in agencies)


def test_realisasi_varies_and_published_capaian_agrees(synth):
    out, made = synth
    example = pd.read_csv(ROOT / "data" / "raw" / str(TAHUN) / "realisasi_iku.csv")
    seen = []
    for m in made[:2]:
        df = pd.read_csv(out / m.folder / "data" / "raw" / str(TAHUN) / "realisasi_iku.csv")
        assert list(df.columns) == list(example.columns)
        for _, row in df.iterrows():
            iku = IKU_PARAMS[row["kode_iku"]]
            if iku["realisasi"].get("cara") == "hitung":  # computed: left as published
                continue
            expected = hitung_capaian(
                row["realisasi"], row["target_publikasi"], iku["polaritas"], RUMUS_NEGATIF
            ).mentah
            assert row["capaian_publikasi"] == pytest.approx(round(expected, 2), abs=0.006)
        seen.append(tuple(df["realisasi"]))
    assert seen[0] != seen[1] and seen[0] != tuple(example["realisasi"])


def test_budget_varies_and_stays_consistent(synth):
    out, made = synth
    rows = []
    for m in made[:2]:
        path = out / m.folder / "data" / "raw" / str(TAHUN) / "anggaran_belanja.csv"
        df = pd.read_csv(path, dtype=str)
        detail, total = df[df["jenis_baris"] == "rincian"], df[df["jenis_baris"] == "jumlah"]
        for col in ("pagu_murni", "pagu_perubahan", "realisasi"):
            assert sum(map(Decimal, detail[col])) == Decimal(total[col].iloc[0])
        for _, r in df.iterrows():
            share = Decimal(r["realisasi"]) / Decimal(r["pagu_perubahan"]) * 100
            assert abs(share - Decimal(r["persen"])) <= Decimal("0.005")
            assert Decimal(r["realisasi"]) <= Decimal(r["pagu_perubahan"])
        rows.append(total["pagu_perubahan"].iloc[0])
    assert rows[0] != rows[1]


def test_broken_agency_has_a_non_numeric_realisasi(synth):
    out, made = synth
    broken = pd.read_csv(out / made[-1].folder / "data" / "raw" / str(TAHUN) / "realisasi_iku.csv")
    assert NILAI_RUSAK in set(broken["realisasi"].astype(str))


def test_same_seed_same_agencies(tmp_path):
    a = buat_portofolio(tmp_path / "a", 2, seed=9, source=ROOT)
    b = buat_portofolio(tmp_path / "b", 2, seed=9, source=ROOT)
    assert a == b
    for m in a:
        for rel in ("params/agency.yaml", f"data/raw/{TAHUN}/realisasi_iku.csv"):
            assert (tmp_path / "a" / m.folder / rel).read_bytes() == (
                tmp_path / "b" / m.folder / rel
            ).read_bytes()


def test_more_agencies_than_names_stay_distinct(tmp_path):
    made = buat_portofolio(tmp_path / "prov", 26, seed=1, source=ROOT)
    assert len({m.nama for m in made}) == 26 and len({m.folder for m in made}) == 26


@pytest.mark.parametrize(
    ("n", "broken", "expected"), [(0, 0, "at least 1"), (2, 3, "between 0 and 2")]
)
def test_bad_arguments_are_clear_errors(tmp_path, n, broken, expected):
    with pytest.raises(ParamsError, match=expected):
        buat_portofolio(tmp_path / "x", n, seed=1, rusak=broken, source=ROOT)


def test_never_overwrites(tmp_path, capsys):
    buat_portofolio(tmp_path / "x", 1, seed=1, source=ROOT)
    assert cli.main(["synth", "--agencies", "1", "--out", str(tmp_path / "x")]) == 2
    assert "already exists" in capsys.readouterr().err


def test_synth_cli(tmp_path, capsys):
    out = tmp_path / "s"
    assert (
        cli.main(["synth", "--agencies", "2", "--seed", "3", "--out", str(out), "--broken", "1"])
        == 0
    )
    text = capsys.readouterr().out
    assert "2 agencies" in text and "broken: 002-" in text
    assert (out / "portfolio.yaml").exists()
