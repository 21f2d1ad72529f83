"""Tests of lkjip_helpers.cli: exit codes, clear errors without tracebacks."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from lkjip_helpers.build.audit_summary import print_audit_summary
from lkjip_helpers.cli import main
from lkjip_helpers.data.audit import AUDIT_COLUMNS

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
