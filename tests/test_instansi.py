"""Synthetic agencies (lkjip_helpers/sintetis/instansi.py), written and validated, not built.

Building their reports is tested by tests/test_batch.py (one batch of four).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
import yaml

from lkjip_helpers import cli
from lkjip_helpers.build.batch import load_portfolio
from lkjip_helpers.core import config
from lkjip_helpers.core.exceptions import ParamsError
from lkjip_helpers.sintetis.instansi import JUMLAH_IKU, NILAI_RUSAK, buat_portofolio

#: Names of the shipped example agency, which no synthetic agency may carry.
CONTOH = ("Balikpapan", "BKPSDM", "Badan Kepegawaian")


def capaian_tangan(polaritas: str, target: float, realisasi: float, rumus: str) -> float:
    """The raw capaian written out by hand (independent of the package's code)."""
    if polaritas == "positif":
        return realisasi / target * 100
    if rumus == "dua_kali_target":
        return (2 * target - realisasi) / target * 100
    assert rumus == "target_per_realisasi"
    return target / realisasi * 100


def _agency(folder: Path) -> dict:
    return yaml.safe_load((folder / "params" / "agency.yaml").read_text("utf-8"))


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def synth(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth") / "kota"
    made = buat_portofolio(out, 3, seed=5, rusak=1)
    return out, made


@pytest.fixture(scope="module")
def kota(tmp_path_factory):
    """A larger portfolio to see variation between agencies."""
    out = tmp_path_factory.mktemp("kota12") / "kota"
    return out, buat_portofolio(out, 12, seed=2)


def test_writes_agency_folders_and_a_portfolio_the_batch_reads(synth):
    out, made = synth
    portofolio, tugas = load_portfolio(out / "portfolio.yaml")
    assert [t.label for t in tugas] == [m.folder for m in made]
    assert {t.tahun for t in tugas} == {2017}
    for m in made:
        folder = out / m.folder
        assert (folder / "params" / "agency.yaml").exists()
        assert (folder / "data" / "raw" / "catalogue.yaml").exists()
        assert (folder / "data" / "raw" / "2017" / "realisasi_iku.csv").exists()
        # only data: no code in an agency folder
        assert not (folder / "lkjip_helpers").exists() and not (folder / "notebooks").exists()
    assert [m.rusak for m in made] == [False, False, True]


def test_names_and_heads_vary(synth):
    out, made = synth
    agencies = [_agency(out / m.folder)["instansi"] for m in made]
    assert len({a["nama"] for a in agencies}) == 3
    assert len({a["kepala"]["nip"] for a in agencies}) == 3
    assert [a["nama"] for a in agencies] == [m.nama for m in made]
    assert all(a["kepala"]["jabatan"].startswith(f"Kepala {a['nama']}") for a in agencies)


def test_iku_counts_polarities_and_rules_vary_between_agencies(kota):
    out, made = kota
    counts = [len(m.iku) for m in made]
    assert all(JUMLAH_IKU[0] <= n <= JUMLAH_IKU[1] for n in counts)
    assert len(set(counts)) >= 3
    negatives = [sum(i.polaritas == "negatif" for i in m.iku) for m in made]
    assert all(n >= 1 for n in negatives) and len(set(negatives)) >= 2
    assert all(any(i.polaritas == "positif" for i in m.iku) for m in made)
    # negative IKUs both better (below) and worse (above) than target: the rule matters
    neg = [i for m in made for i in m.iku if i.polaritas == "negatif"]
    assert any(i.realisasi < i.target for i in neg) and any(i.realisasi > i.target for i in neg)
    assert {m.rumus for m in made} == {"dua_kali_target", "target_per_realisasi"}
    assert len({m.pagu for m in made}) == len(made)
    # what the writer returns is what it wrote
    for m in made:
        agency = _agency(out / m.folder)
        assert [(i["kode"], i["polaritas"], i["nama"]) for i in agency["iku"]] == [
            (i.kode, i.polaritas, i.nama) for i in m.iku
        ]
        assert agency["pengukuran"]["rumus_polaritas_negatif"] == m.rumus


def test_tables_and_params_agree_on_each_agencys_ikus(kota):
    out, made = kota
    for m in made:
        folder = out / m.folder
        agency = _agency(folder)
        year = yaml.safe_load((folder / "params" / "2017.yaml").read_text("utf-8"))
        codes = [i.kode for i in m.iku]
        targets = {i.kode: i.target for i in m.iku}
        assert year["perjanjian_kinerja"]["murni"] == targets
        assert {i["kode"]: i["target_renstra"][2017] for i in agency["iku"]} == targets
        raw = folder / "data" / "raw" / "2017"
        for table in ("realisasi_iku", "renstra_target", "kegiatan_sasaran"):
            assert list(pd.read_csv(raw / f"{table}.csv")["kode_iku"]) == codes, table
        prose = folder / "params" / "prose" / "2017"
        for sub in ("iku", "simpulan"):
            assert sorted(p.stem for p in (prose / sub).glob("*.md")) == codes


def test_published_capaian_follows_each_agencys_rule(kota):
    out, made = kota
    for m in made:
        df = pd.read_csv(out / m.folder / "data" / "raw" / "2017" / "realisasi_iku.csv")
        by_code = {i.kode: i for i in m.iku}
        for _, row in df.iterrows():
            iku = by_code[row["kode_iku"]]
            assert row["realisasi"] == pytest.approx(iku.realisasi)
            expected = capaian_tangan(iku.polaritas, iku.target, iku.realisasi, m.rumus)
            if iku.kode == m.salah_terbit:  # published wrongly on purpose, for the audit
                assert abs(row["capaian_publikasi"] - expected) > 1
            else:
                assert row["capaian_publikasi"] == pytest.approx(round(expected, 2), abs=0.006)


def test_budget_varies_and_stays_consistent(kota):
    out, made = kota
    totals = []
    for m in made:
        raw = out / m.folder / "data" / "raw" / "2017"
        df = pd.read_csv(raw / "anggaran_belanja.csv", dtype=str)
        detail, total = df[df["jenis_baris"] == "rincian"], df[df["jenis_baris"] == "jumlah"]
        for col in ("pagu_murni", "pagu_perubahan", "realisasi"):
            assert sum(map(Decimal, detail[col])) == Decimal(total[col].iloc[0])
        for _, r in df.iterrows():
            share = Decimal(r["realisasi"]) / Decimal(r["pagu_perubahan"]) * 100
            assert abs(share - Decimal(r["persen"])) <= Decimal("0.005")
            assert Decimal(r["realisasi"]) <= Decimal(r["pagu_perubahan"])
        # Belanja Langsung is the kegiatan of the IKUs and the PK's programmes
        bl = detail[detail["uraian"].str.contains("BELANJA LANGSUNG")].iloc[0]
        belanja = pd.read_csv(raw / "realisasi_belanja.csv")
        kegiatan = belanja[belanja["tingkat"] == "kegiatan"]
        assert len(kegiatan) == len(m.iku)
        assert kegiatan["anggaran"].sum() == int(bl["pagu_perubahan"])
        assert kegiatan["realisasi"].sum() == int(bl["realisasi"])
        pk = pd.read_csv(raw / "pk_program_anggaran.csv")
        assert pk[pk["revisi"] == "perubahan"]["anggaran"].sum() == int(bl["pagu_perubahan"])
        assert pk[pk["revisi"] == "murni"]["anggaran"].sum() == int(bl["pagu_murni"])
        assert int(total["pagu_perubahan"].iloc[0]) == m.pagu
        totals.append(m.pagu)
    assert max(totals) > 3 * min(totals)  # small and large agencies


def test_prose_names_its_agency_and_no_other(kota):
    out, made = kota
    for m in made:
        folder = out / m.folder
        texts = {
            rel: data.decode("utf-8")
            for rel, data in _files(folder).items()
            if rel.endswith((".md", ".yaml", ".csv"))
        }
        for rel, text in texts.items():
            for name in CONTOH:
                assert name not in text, (m.folder, rel, name)
            assert "ISI" not in text.split(), (m.folder, rel)  # every stub filled in
            assert "[ISI:" not in text, (m.folder, rel)
            for other in made:
                if other.nama != m.nama and other.nama not in m.nama:
                    assert other.nama not in text, (m.folder, rel, other.nama)
        prose = [t for rel, t in texts.items() if rel.startswith("params/prose/")]
        assert prose and all(m.nama in t for t in prose)


def test_data_step_accepts_the_tables_and_audits_only_the_planted_error(kota, monkeypatch):
    """Validation passes; the audit finds the one wrongly published capaian, if any."""
    from lkjip_helpers.build.data_step import build_data

    out, made = kota
    salah = [m for m in made if m.salah_terbit]
    benar = [m for m in made if not m.salah_terbit]
    assert salah and benar
    for m in (salah[0], benar[0]):
        monkeypatch.setenv(config.AGENCY_ENV, str(out / m.folder))
        result = build_data(2017)
        assert "realisasi_iku" in result.processed
        audit = result.audit
        if m.salah_terbit:  # one finding (printed in one or more places), on that IKU
            assert audit["temuan"].nunique() == 1, audit
            assert all(i.startswith(f"{m.salah_terbit}:") for i in audit["item"]), audit
        else:
            assert audit.empty, (m.folder, audit)


def test_broken_agency_has_a_non_numeric_realisasi(synth):
    out, made = synth
    broken = pd.read_csv(out / made[-1].folder / "data" / "raw" / "2017" / "realisasi_iku.csv")
    assert NILAI_RUSAK in set(broken["realisasi"].astype(str))


def test_same_seed_same_agencies(tmp_path):
    a = buat_portofolio(tmp_path / "a", 3, seed=9)
    b = buat_portofolio(tmp_path / "b", 3, seed=9)
    c = buat_portofolio(tmp_path / "c", 3, seed=10)
    assert a == b and a != c
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert _files(tmp_path / "a") != _files(tmp_path / "c")


def test_more_agencies_than_names_stay_distinct(tmp_path):
    made = buat_portofolio(tmp_path / "prov", 26, seed=1)
    assert len({m.nama for m in made}) == 26 and len({m.folder for m in made}) == 26


@pytest.mark.parametrize(
    ("n", "broken", "expected"), [(0, 0, "at least 1"), (2, 3, "between 0 and 2")]
)
def test_bad_arguments_are_clear_errors(tmp_path, n, broken, expected):
    with pytest.raises(ParamsError, match=expected):
        buat_portofolio(tmp_path / "x", n, seed=1, rusak=broken)


def test_never_overwrites(tmp_path, capsys):
    buat_portofolio(tmp_path / "x", 1, seed=1)
    assert cli.main(["synth", "--agencies", "1", "--out", str(tmp_path / "x")]) == 2
    assert "already exists" in capsys.readouterr().err


def test_synth_cli(tmp_path, capsys):
    out = tmp_path / "s"
    argv = ["synth", "--agencies", "2", "--seed", "3", "--out", str(out), "--broken", "1"]
    assert cli.main([*argv, "--year", "2024"]) == 0
    text = capsys.readouterr().out
    assert "2 agencies" in text and "broken: 002-" in text
    _, tugas = load_portfolio(out / "portfolio.yaml")
    assert {t.tahun for t in tugas} == {2024}
    assert (tugas[0].folder / "data" / "raw" / "2024" / "realisasi_iku.csv").exists()
