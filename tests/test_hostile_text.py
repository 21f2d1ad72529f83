"""Text from data files is shown literally: never run as HTML, Markdown, Typst or LaTeX."""

from __future__ import annotations

import csv
import html as htmlmod
import io
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pypdf
import pytest

from lkjip_helpers.core.exceptions import DataFileError, LkjipError
from tests.agensi_uji import TAHUN

pytestmark = pytest.mark.e2e

HOSTILE = [
    "<script>alert(1)</script>",
    "[klik](http://evil.example)",
    "#set text(red)",
    "\\textbf{x}",
    "{{ tahun }}",
]


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " "))


def _inject(path: Path, column: str, values: list[str]) -> None:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
        fields = list(rows[0].keys())
    # one row per value: an agency's table may be shorter than the list
    while len(rows) < len(values):
        extra = dict(rows[-1])
        if "no" in extra and str(extra["no"]).isdigit():
            extra["no"] = str(int(extra["no"]) + 1)
        rows.append(extra)
    for row, value in zip(rows, values):
        row[column] = value
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


class _Scan(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.hrefs: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._in_script = True
            self.scripts.append("")
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data
        else:
            self.text.append(data)


def test_hostile_text_is_shown_literally(repo_copy):
    from lkjip_helpers.build.pipeline import build_report

    raw = repo_copy / "data" / "raw" / str(TAHUN)
    _inject(raw / "sarana_prasarana.csv", "nama_barang", HOSTILE)
    _inject(raw / "realisasi_iku.csv", "sumber_data", HOSTILE[:4])
    build_report(TAHUN, progress=False)
    out = repo_copy / "outputs" / str(TAHUN)

    scan = _Scan()
    scan.feed((out / f"lkjip-{TAHUN}.html").read_text(encoding="utf-8"))
    assert not any("alert(1)" in s for s in scan.scripts)
    assert not any(h.startswith("http://evil.example") for h in scan.hrefs)
    page_text = norm(htmlmod.unescape(" ".join(scan.text)))
    for s in HOSTILE:
        assert s in page_text, s

    pdf = norm(
        " ".join(p.extract_text() or "" for p in pypdf.PdfReader(out / f"lkjip-{TAHUN}.pdf").pages)
    )
    for s in HOSTILE:
        assert s in pdf, s
    assert "#set text(red)" in pdf


def test_xlsx_that_is_csv(tmp_path):
    from lkjip_helpers.data.io import read_raw_table

    p = tmp_path / "tabel.xlsx"
    p.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        read_raw_table(p)
    assert "tabel.xlsx" in str(info.value)
    assert "xlsx" in str(info.value).lower()


def test_csv_that_is_zip(tmp_path):
    from lkjip_helpers.data.io import read_raw_table

    p = tmp_path / "tabel.csv"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("x.txt", "hello")
    with pytest.raises(LkjipError) as info:
        read_raw_table(p)
    assert "tabel.csv" in str(info.value)
    assert "CSV" in str(info.value)
