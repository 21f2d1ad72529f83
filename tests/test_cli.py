"""Tests of lkjip_helpers.cli: exit codes, clear errors without tracebacks."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from lkjip_helpers.build.audit_summary import print_audit_summary
from lkjip_helpers.cli import main
from lkjip_helpers.data.audit import AUDIT_COLUMNS
from tests.agensi_uji import TAHUN

MINI = Path(__file__).parent / "fixtures" / "mini"


def test_data_command_prints_audit_summary(mini, capsys):
    assert main(["data", "--year", "2017"]) == 0
    out, err = capsys.readouterr()
    assert "data 2017: 2 tables validated and written to data/processed/2017/" in out
    assert "audit 2017:" in out and "inconsistencies in the published figures" in out
    assert "outputs/2017/audit.csv" in out
    assert "Tabel 1.2" in out
    assert err == ""
    assert (mini / "data/processed/2017/pegawai.csv").exists()
    assert (mini / "outputs/2017/audit.csv").exists()


def test_broken_raw_file_is_a_clear_error(mini, capsys):
    (mini / "data/raw/2017/pegawai.csv").write_bytes("golongan\nII/\xe9\n".encode("latin-1"))
    assert main(["data", "--year", "2017"]) == 2
    out, err = capsys.readouterr()
    assert err.startswith("error: ")
    assert "pegawai.csv" in err and "CSV UTF-8" in err
    assert "Traceback" not in err + out
    assert not (mini / "data/processed/2017").exists()


def test_invalid_raw_table_is_a_clear_error(mini, capsys):
    path = mini / "data/raw/2017/anggaran.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("95.15", '"95,15"'), encoding="utf-8")
    assert main(["data", "--year", "2017"]) == 2
    err = capsys.readouterr().err
    assert "error: " in err and "anggaran.csv" in err
    assert "row 2, column 'persen': found '95,15'" in err
    assert "Traceback" not in err


def test_unknown_year(mini, capsys):
    assert main(["data", "--year", "2031"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: No raw data for 2031")
    assert "Traceback" not in err


def test_audit_summary_prints_data_text_literally(capsys):
    from lkjip_helpers.data.audit import Finding, findings_frame

    places = [
        Finding("Tabel [1]", "[bold]x[/bold]", 1.0, 2.0, -1.0, "sum_rows", "t", cell=("t", 0, "n")),
        Finding("Tabel [1]", "[bold]x[/bold]", 1.0, 3.0, -2.0, "sum_rows", "t", cell=("t", 0, "n")),
        Finding(
            "Tabel 2", "header", "2018", "2017", None, "koreksi_header", "u", jenis="penyajian"
        ),
    ]
    from rich.console import Console

    audit = findings_frame(places)
    print_audit_summary(audit, 2017, Console(width=200, highlight=False))
    out = capsys.readouterr().out
    # one line per finding; the counts are those of the appendix (summary_counts)
    assert "audit 2017: 1 inconsistencies in the published figures (0 material, 1 places)" in out
    assert "1 presentation" in out
    assert "[bold]x[/bold]" in out
    assert "Tabel [1]" in out
    assert out.count("T01") == 1


def test_audit_summary_without_findings(capsys):
    print_audit_summary(pd.DataFrame(columns=AUDIT_COLUMNS), 2017)
    assert "no inconsistencies found" in capsys.readouterr().out


def test_audit_summary_names_this_reports_tables_once_rendered(capsys):
    """After the render audit.csv has tabel_laporan; the summary shows it per finding."""
    from rich.console import Console

    from lkjip_helpers.data.audit import Finding, findings_frame

    audit = findings_frame(
        [
            Finding("Tabel 3.5", "a", 1.0, 2.0, -1.0, "sum_rows", "t", cell=("t", 0, "n")),
            Finding("Tabel 3.5", "a", 1.0, 3.0, -2.0, "sum_rows", "t", cell=("t", 0, "n")),
        ]
    )
    print_audit_summary(audit, 2017, Console(width=200, highlight=False))
    assert "tabel_laporan" not in capsys.readouterr().out
    audit.insert(audit.columns.get_loc("tabel") + 1, "tabel_laporan", ["Tabel 3.7", "Tabel 3.7"])
    print_audit_summary(audit, 2017, Console(width=200, highlight=False))
    out = capsys.readouterr().out
    assert "tabel_laporan" in out and out.count("Tabel 3.7") == 1


def _tree_state(folder: Path) -> dict[str, int]:
    return {
        p.relative_to(folder).as_posix(): p.stat().st_mtime_ns
        for p in folder.rglob("*")
        if p.is_file()
    }


def test_report_of_an_agency_folder_outside_the_repository(tmp_path, monkeypatch, capsys):
    """--agency: params and data from that folder; processed data, outputs and the
    build cache under it; the repository (code, notebooks, book) untouched."""
    import shutil

    from lkjip_helpers.build.workspace import CODE_PARTS, copy_repo
    from lkjip_helpers.core import config
    from lkjip_helpers.laporan import context as laporan

    root = Path(__file__).resolve().parent.parent
    repo = copy_repo(tmp_path / "repo", source=root)
    for part in ("params", "data"):
        shutil.rmtree(repo / part)  # the copy of the code holds no agency at all
    agency = tmp_path / "instansi" / "bkpsdm"
    shutil.copytree(root / "params", agency / "params")
    shutil.copytree(root / "data" / "raw", agency / "data" / "raw")
    before = {part: _tree_state(repo / part) for part in CODE_PARTS}
    repo_outputs = _tree_state(root / "outputs") if (root / "outputs").exists() else {}
    monkeypatch.setenv("LKJIP_ROOT", str(repo))
    monkeypatch.setenv(config.AGENCY_ENV, "")  # restored by monkeypatch after main sets it
    laporan.konteks.cache_clear()
    try:
        assert (
            main(["report", "--year", str(TAHUN), "--agency", str(agency), "--progress", "off"])
            == 0
        )
        out = capsys.readouterr().out
        assert "0 failed" in out
        for name in (f"lkjip-{TAHUN}.html", f"lkjip-{TAHUN}.pdf", "audit.csv", "capaian_iku.csv"):
            assert (agency / "outputs" / str(TAHUN) / name).exists()
        assert (agency / "data" / "processed" / str(TAHUN) / "realisasi_iku.csv").exists()
        manifests = list((agency / ".cache" / "notebooks").glob("*/*.json"))
        assert manifests
        recorded = manifests[0].read_text(encoding="utf-8")
        assert f'"@agensi/data/processed/{TAHUN}' in recorded
        assert not any((repo / "outputs").iterdir()) and not (repo / ".cache").exists()
        assert {part: _tree_state(repo / part) for part in CODE_PARTS} == before
        if repo_outputs:
            assert _tree_state(root / "outputs") == repo_outputs

        # the same agency again: every notebook from its own cache
        laporan.konteks.cache_clear()
        assert (
            main(["report", "--year", str(TAHUN), "--agency", str(agency), "--progress", "off"])
            == 0
        )
        assert " 0 executed" in capsys.readouterr().out
    finally:
        laporan.konteks.cache_clear()


def test_a_folder_that_is_no_agency_stops_every_command(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LKJIP_AGENCY", "")  # main sets it; restored after the test
    for command in (["data"], ["report"], ["preview", "--chapter", "bab1"], ["new-year"]):
        assert main([*command, "--year", "2017", "--agency", str(tmp_path)]) == 2
        err = capsys.readouterr().err
        assert "is not an agency folder" in err and "params/agency.yaml" in err
