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
        (1, "", "RuntimeError: Kernel died before replying to kernel_info", 10, 0.5),
        (0, "report 2017: 3 executed, 8 cached, 0 failed in 1.0 s", "", 20, 2.0),
    ]

    def fake(argv, env, cwd):
        calls.append((argv, env.get("LKJIP_AGENCY")))
        return answers[len(calls) - 1]

    monkeypatch.setattr(batch, "_run_sampled", fake)
    hasil = batch.run_step(tmp_path, 2017, "report")
    assert hasil.ok and hasil.percobaan == 2
    assert (hasil.dieksekusi, hasil.dari_cache, hasil.memori_puncak) == (3, 8, 20)
    assert hasil.cpu_detik == pytest.approx(2.5)  # both attempts used the CPU
    assert calls[0][0][-6:] == [
        "lkjip_helpers", "report", "--year", "2017", "--agency", str(tmp_path)
    ]  # fmt: skip
    assert "--jobs" not in calls[0][0]  # no slots given: the build's own default
    assert calls[0][1] is None  # the agency is the command's, not an inherited variable
    argv, env, cwd = batch.agency_command(tmp_path, ["report"])
    assert env[batch.KEEP_WARM_ENV] == "0"  # each build owns its kernels' parent

    calls.clear()
    answers[:] = [(2, "", "error: bad table\n", 5, 0.1), (0, "", "", 5, 0.1)]
    hasil = batch.run_step(tmp_path, 2017, "data")
    assert not hasil.ok and hasil.percobaan == 1 and hasil.pesan == "error: bad table"


def test_each_report_build_gets_the_jobs_per_agency(monkeypatch, tmp_path):
    """The batch's notebook slots reach each build's `report --jobs`, and its thread pools."""
    seen = []

    def fake(argv, env, cwd):
        seen.append((argv, env))
        return 0, "report 2017: 1 executed, 0 cached, 0 failed in 1.0 s", "", 1, 0.1

    monkeypatch.setattr(batch, "_run_sampled", fake)
    monkeypatch.delenv("RAYON_NUM_THREADS", raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "3")  # set by the user: kept
    data = Langkah("data", str(tmp_path), 2017, ok=True)
    assert batch.task_report(str(tmp_path), 2017, data).ok  # the default
    assert batch.task_report(str(tmp_path), 2017, data, jobs=2).ok
    (default_argv, default_env), (argv, env) = seen
    assert default_argv[default_argv.index("--jobs") + 1] == str(batch.JOBS_PER_AGENCY) == "1"
    assert default_env["RAYON_NUM_THREADS"] == "1"
    assert argv[argv.index("--jobs") + 1] == "2" and env["RAYON_NUM_THREADS"] == "2"
    assert env["OMP_NUM_THREADS"] == "3"
    # the data step runs no notebook: no --jobs
    assert "--jobs" not in batch.step_args("data", 2017, 2)


def test_submit_graph_passes_jobs_per_agency_to_every_report():
    class Client:
        def __init__(self):
            self.calls = []

        def submit(self, fn, *args, key):
            self.calls.append((fn, args))
            return key

    tugas = [batch.Tugas(Path(f"/x/{n}"), n, 2017) for n in ("a", "b")]
    client = Client()
    finals = batch.submit_graph(client, tugas, jobs_per_agency=3)
    reports = [args for fn, args in client.calls if fn is batch.task_report]
    assert len(reports) == len(finals) == 2
    assert all(args[-1] == 3 for args in reports)


def test_jobs_per_agency_below_one_is_a_clear_error(tmp_path, capsys):
    _agency(tmp_path / "a")
    f = tmp_path / "portfolio.yaml"
    f.write_text("tahun: [2017]\ninstansi:\n  - folder: a\n", encoding="utf-8")
    assert cli.main(["batch", "--portfolio", str(f), "--jobs-per-agency", "0"]) == 2
    assert "--jobs-per-agency must be at least 1" in capsys.readouterr().err


def test_sampler_counts_the_cpu_and_memory_of_the_process_tree(tmp_path):
    """A command that starts a child busy on the CPU: the child's seconds are counted."""
    import sys

    busy = "import time\nt = time.process_time()\nwhile time.process_time() - t < 1.5: pass\n"
    child = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {busy!r}])"
    code, _, _, peak, cpu = batch._run_sampled([sys.executable, "-c", child], {}, tmp_path)
    assert code == 0 and peak > 0
    assert 0.5 <= cpu < 30  # the child's 1.5 s, less what falls between samples


def test_failed_report_keeps_the_last_good_audit(monkeypatch, tmp_path):
    """The data step rewrote audit.csv; the report then failed: the old one comes back."""
    out = tmp_path / "outputs" / "2017"
    out.mkdir(parents=True)
    (out / "lkjip-2017.html").write_text("last good report", encoding="utf-8")
    (out / "audit.csv").write_text("new audit", encoding="utf-8")
    monkeypatch.setattr(
        batch,
        "run_step",
        lambda d, y, s, jobs=None: Langkah(
            langkah=s, folder=str(d), tahun=y, ok=False, pesan="error: x"
        ),
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
    made = buat_portofolio(base / "kota", 4, seed=16, rusak=1, tahun=TAHUN)
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


def _capaian_tangan(polaritas: str, target: float, realisasi: float, rumus: str) -> float:
    """The raw capaian by hand, independent of the package's code."""
    if polaritas == "positif":
        return realisasi / target * 100
    if rumus == "dua_kali_target":
        return (2 * target - realisasi) / target * 100
    return target / realisasi * 100


@pytest.mark.e2e
def test_rollup_has_each_agencys_own_ikus_and_rule(batch_runs):
    """Agencies with different IKU counts, polarities and rules: each keeps its own."""
    base, made = batch_runs["base"], batch_runs["made"]
    good = [m for m in made if not m.rusak]
    assert len({len(m.iku) for m in good}) >= 2  # the portfolio varies, or this tests nothing
    negatives = [(m, i) for m in good for i in m.iku if i.polaritas == "negatif"]
    assert negatives and len({m.rumus for m in good}) == 2
    iku = pd.read_csv(base / "ringkasan1" / str(TAHUN) / "ringkasan_iku.csv")
    for m in good:
        rows = iku[iku["folder"] == m.folder]
        assert list(rows["kode_iku"]) == [i.kode for i in m.iku]
        assert list(rows["polaritas"]) == [i.polaritas for i in m.iku]
        for i, (_, row) in zip(m.iku, rows.iterrows(), strict=True):
            expected = _capaian_tangan(i.polaritas, i.target, i.realisasi, m.rumus)
            assert row["capaian"] == pytest.approx(expected), (m.folder, i.kode)
            assert row["capaian_dibatasi"] == pytest.approx(min(expected, 100.0))


@pytest.mark.e2e
def test_each_report_names_its_own_agency_only(batch_runs):
    base, made = batch_runs["base"], batch_runs["made"]
    for m in made:
        if m.rusak:
            continue
        html = (
            base / "kota" / m.folder / "outputs" / str(TAHUN) / f"lkjip-{TAHUN}.html"
        ).read_text(encoding="utf-8")
        assert m.nama in html
        for name in ("Balikpapan", "BKPSDM", *(o.nama for o in made if o.nama != m.nama)):
            assert name not in html, (m.folder, name)


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
