"""Batch builds on Dask (lkjip_helpers/build/batch.py).

Unit tests check the portfolio file, the retry classifier and the step logic
without building. The acceptance test builds a 4-agency synthetic portfolio, one
agency broken, on a 2-worker LocalCluster once, then reruns it unchanged.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from lkjip_helpers import cli
from lkjip_helpers.build import batch
from lkjip_helpers.build.batch import (
    Langkah,
    galat_sementara,
    load_portfolio,
    pesan_galat,
)
from lkjip_helpers.core.exceptions import ParamsError
from lkjip_helpers.sintetis.instansi import NILAI_RUSAK, buat_portofolio
from tests.agensi_uji import TAHUN

ROOT = Path(__file__).resolve().parent.parent


# ------------------------------------------------------------------ portfolio


def _agency(folder: Path) -> Path:
    (folder / "params").mkdir(parents=True)
    (folder / "data" / "raw").mkdir(parents=True)
    return folder


def test_portfolio_folders_relative_to_file_and_years(tmp_path):
    _agency(tmp_path / "dinas" / "a")
    _agency(tmp_path / "dinas" / "b")
    f = tmp_path / "portfolio.yaml"
    f.write_text(
        "nama: Kota Contoh\ntahun: [2017]\ninstansi:\n"
        "  - folder: dinas/a\n  - {folder: dinas/b, tahun: [2018, 2017]}\n",
        encoding="utf-8",
    )
    portofolio, tugas = load_portfolio(f)
    assert portofolio.nama == "Kota Contoh"
    assert [(t.folder, t.label, t.tahun) for t in tugas] == [
        ((tmp_path / "dinas" / "a").resolve(), "dinas/a", 2017),
        ((tmp_path / "dinas" / "b").resolve(), "dinas/b", 2017),
        ((tmp_path / "dinas" / "b").resolve(), "dinas/b", 2018),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tahun: [2017]\ninstansi: []\n", "instansi"),
        ("tahun: [2017]\ninstansi:\n  - {folder: a, warna: merah}\n", "unknown key(s) warna"),
        ("tahun: [17]\ninstansi:\n  - folder: a\n", "expected a year"),
        (
            "tahun: [2017]\ninstansi:\n  - folder: tidak-ada\n",
            "instansi[0].folder: 'tidak-ada' not found",
        ),
        ("tahun: [2017]\ninstansi:\n  - folder: kosong\n", "is not an agency folder"),
        (
            "tahun: [2017]\ninstansi:\n  - folder: a\n  - folder: ./a\n",
            "instansi[1].folder: './a' is listed twice",
        ),
        ("instansi:\n  - folder: a\n", "instansi[0]: no years to build"),
        ("- a\n- b\n", "expected a mapping at the top level"),
    ],
)
def test_portfolio_errors_name_file_and_key(tmp_path, text, expected):
    _agency(tmp_path / "a")
    (tmp_path / "kosong").mkdir()
    f = tmp_path / "portfolio.yaml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ParamsError) as err:
        load_portfolio(f)
    assert expected in str(err.value)
    assert "portfolio.yaml" in str(err.value)


def test_batch_cli_reports_a_bad_portfolio_without_traceback(tmp_path, capsys):
    f = tmp_path / "portfolio.yaml"
    f.write_text("tahun: [2017]\ninstansi:\n  - folder: hilang\n", encoding="utf-8")
    assert cli.main(["batch", "--portfolio", str(f)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "'hilang' not found" in err


# ------------------------------------------------------------------ one step


@pytest.mark.parametrize(
    "stderr",
    [
        "Traceback ...\nRuntimeError: Kernel died before replying to kernel_info\n",
        "RuntimeError: Kernel didn't respond in 60 seconds\n",
        "TimeoutError: Kernel didn't respond to heartbeats in 30 seconds and timed out\n",
        "zmq.error.ZMQError: Address already in use (addr='tcp://127.0.0.1:5555')\n",
    ],
)
def test_transient_kernel_startup_errors_are_retried(stderr):
    assert galat_sementara(stderr)


@pytest.mark.parametrize(
    "stderr",
    [
        "error: data/raw/2017/realisasi_iku.csv (Tabel 3.1) is not valid: 1 problem(s).\n",
        "error: bab3.ipynb: cell 4 raised KeyError: 'IKU-9'\n",
        "nbclient.exceptions.DeadKernelError: Kernel died\n",  # died while running: not start-up
        "MemoryError\n",
        "",
    ],
)
def test_other_failures_are_not_retried(stderr):
    assert not galat_sementara(stderr)


def test_error_message_is_the_cli_error_lines():
    stderr = "some warning\nerror: table 'x' is bad\n  - row 2: found 'a'\nFix it.\n"
    assert pesan_galat(stderr, 2) == "error: table 'x' is bad\n  - row 2: found 'a'\nFix it."
    assert pesan_galat("Traceback\n  File x\nValueError: boom\n", 1).endswith("ValueError: boom")
    assert "status 9" in pesan_galat("", 9)


def test_run_step_retries_only_transient_errors(monkeypatch, tmp_path):
    calls = []
    answers = [
        (1, "", "RuntimeError: Kernel died before replying to kernel_info", 10),
        (0, "report 2017: 3 executed, 8 cached, 0 failed in 1.0 s", "", 20),
    ]

    def fake(argv, env, cwd):
        calls.append((argv, env.get("LKJIP_AGENCY")))
        return answers[len(calls) - 1]

    monkeypatch.setattr(batch, "_run_sampled", fake)
    hasil = batch.run_step(tmp_path, 2017, "report")
    assert hasil.ok and hasil.percobaan == 2
    assert (hasil.dieksekusi, hasil.dari_cache, hasil.memori_puncak) == (3, 8, 20)
    assert calls[0][0][-6:] == [
        "lkjip_helpers", "report", "--year", "2017", "--agency", str(tmp_path)
    ]  # fmt: skip
    assert calls[0][1] is None  # the agency is the command's, not an inherited variable

    calls.clear()
    answers[:] = [(2, "", "error: bad table\n", 5), (0, "", "", 5)]
    hasil = batch.run_step(tmp_path, 2017, "data")
    assert not hasil.ok and hasil.percobaan == 1 and hasil.pesan == "error: bad table"


def test_failed_report_keeps_the_last_good_audit(monkeypatch, tmp_path):
    """The data step rewrote audit.csv; the report then failed: the old one comes back."""
    out = tmp_path / "outputs" / "2017"
    out.mkdir(parents=True)
    (out / "lkjip-2017.html").write_text("last good report", encoding="utf-8")
    (out / "audit.csv").write_text("new audit", encoding="utf-8")
    monkeypatch.setattr(
        batch,
        "run_step",
        lambda d, y, s: Langkah(langkah=s, folder=str(d), tahun=y, ok=False, pesan="error: x"),
    )
    data = Langkah("data", str(tmp_path), 2017, ok=True, audit_lama=b"old audit", audit_ada=True)
    hasil = batch.task_report(str(tmp_path), 2017, data)
    assert not hasil.ok and hasil.pesan == "error: x"
    assert (out / "audit.csv").read_text(encoding="utf-8") == "old audit"
    assert (out / "lkjip-2017.html").read_text(encoding="utf-8") == "last good report"


def test_failed_data_step_is_the_agency_result(monkeypatch, tmp_path):
    monkeypatch.setattr(batch, "run_step", lambda *a: pytest.fail("report must not run"))
    data = Langkah("data", str(tmp_path), 2017, ok=False, pesan="error: bad", audit_lama=b"x")
    hasil = batch.task_report(str(tmp_path), 2017, data)
    assert hasil.langkah == "data" and hasil.pesan == "error: bad" and hasil.audit_lama is None


# ------------------------------------------------------------------ acceptance


def _cache_notebooks(agency: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in (agency / ".cache" / "notebooks").rglob("*.ipynb")}


@pytest.fixture(scope="module")
def batch_runs(tmp_path_factory):
    """One batch of 4 synthetic agencies (the last broken) on 2 workers, then a rerun."""
    base = tmp_path_factory.mktemp("batch")
    made = buat_portofolio(base / "kota", 4, seed=16, rusak=1, source=ROOT)
    portfolio = base / "kota" / "portfolio.yaml"
    mp = pytest.MonkeyPatch()
    mp.setenv("LKJIP_RENDERER", "builtin")
    mp.setenv("LKJIP_ROOT", str(ROOT))  # notebooks and book come from this checkout
    argv = ["batch", "--portfolio", str(portfolio), "--workers", "2", "--progress", "off"]
    try:
        first = cli.main([*argv, "--out", str(base / "ringkasan1")])
        agencies = [base / "kota" / m.folder for m in made]
        before = {a: _cache_notebooks(a) for a in agencies}
        second = batch.run_batch(portfolio, workers=2, out_root=base / "ringkasan2", progress=False)
        after = {a: _cache_notebooks(a) for a in agencies}
    finally:
        mp.undo()
    return {
        "base": base,
        "made": made,
        "code": first,
        "second": second,
        "cache": (before, after),
    }


@pytest.mark.e2e
def test_batch_builds_the_good_agencies_and_reports_the_broken_one(batch_runs):
    base, made = batch_runs["base"], batch_runs["made"]
    good = [m for m in made if not m.rusak]
    broken = [m for m in made if m.rusak]
    assert len(good) == 3 and len(broken) == 1
    assert batch_runs["code"] == 1  # some agency failed
    for m in good:
        assert (base / "kota" / m.folder / "outputs" / str(TAHUN) / f"lkjip-{TAHUN}.html").exists()
    bad = base / "kota" / broken[0].folder
    assert not (bad / "outputs" / str(TAHUN) / f"lkjip-{TAHUN}.html").exists()

    roll = base / "ringkasan1" / str(TAHUN)
    iku = pd.read_csv(roll / "ringkasan_iku.csv")
    assert sorted(set(iku["folder"])) == sorted(m.folder for m in good)
    expected = pd.concat(
        [
            pd.read_csv(base / "kota" / m.folder / "outputs" / str(TAHUN) / "capaian_iku.csv")
            for m in good
        ]
    )
    assert len(iku) == len(expected)
    assert sorted(iku["realisasi"].round(6)) == sorted(expected["realisasi"].round(6))
    anggaran = pd.read_csv(roll / "ringkasan_anggaran.csv")
    assert sorted(anggaran["folder"]) == sorted(m.folder for m in good)

    page = (roll / f"ringkasan-{TAHUN}.html").read_text(encoding="utf-8")
    assert NILAI_RUSAK in page and "realisasi_iku.csv" in page  # the broken agency's message
    for m in good:
        assert f"kota/{m.folder}/outputs/{TAHUN}/lkjip-{TAHUN}.html" in page


@pytest.mark.e2e
def test_unchanged_rerun_executes_no_notebook(batch_runs):
    second = batch_runs["second"]
    failed = second.gagal
    assert len(failed) == 1 and failed[0].label == batch_runs["made"][-1].folder
    assert NILAI_RUSAK in second.hasil[failed[0]].pesan
    built = [second.hasil[t] for t in second.tugas if t not in failed]
    assert len(built) == 3
    assert all(h.dieksekusi == 0 and h.dari_cache > 0 for h in built)
    before, after = batch_runs["cache"]
    assert any(before.values())
    assert before == after  # no notebook executed, so none stored in any cache
