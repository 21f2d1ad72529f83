"""Tests of lkjip_helpers.laporan.display: Markdown emitted by notebooks, and its escaping."""

from __future__ import annotations

import subprocess
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pypandoc  # noqa: E402
import pytest  # noqa: E402

from lkjip_helpers.laporan import display as report  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

HOSTILE = [
    "<script>alert(1)</script>",
    "[link](http://x)",
    "*miring* _garis_ **tebal**",
    "#set text(red)",
    "\\textbf{x}",
    "{{ x }}",
    "{{< include /etc/passwd >}}",
    "@tbl-palsu dan email@contoh.id",
    "$x^2$ dan Rp5.000",
    "a | b",
    "1. bukan daftar",
    "- bukan butir",
    "> bukan kutipan",
    "`kode` ~~coret~~ ^atas^ ~bawah~",
    "kutip \"ganda\" dan 'tunggal' -- ---",
    "&amp; &lt;b&gt;",
    "<!-- komentar -->",
    "::: {.div}",
    "[^1] catatan",
    "\\",
    "trailing backslash \\",
]


def pandoc_plain(markdown: str) -> str:
    """Render Markdown the way both renderers read it, as plain text."""
    out = pypandoc.convert_text(
        markdown, "plain", format="markdown", extra_args=["--wrap=none"], sandbox=True
    )
    return out.strip()


@pytest.mark.parametrize("text", HOSTILE)
def test_escape_markdown_round_trips_through_pandoc(text):
    assert pandoc_plain(report.escape_markdown(text)) == text


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", "#set text(red)", "\\textbf{x}"])
def test_escaped_text_stays_text_in_html_and_typst(text):
    escaped = report.escape_markdown(text)
    html = pypandoc.convert_text(escaped, "html", format="markdown")
    assert "<script" not in html
    assert "<p>" in html
    typst = pypandoc.convert_text(escaped, "typst", format="markdown")
    # Typst markup escapes the characters that would start code or markup
    assert "#set" not in typst.replace("\\#set", "")


def test_escape_markdown_joins_lines_and_handles_none():
    assert report.escape_markdown(None) == ""
    assert report.escape_markdown("a\n\n# b") == "a \\# b"
    assert report.escape_markdown(2017) == "2017"


def _df():
    return pd.DataFrame(
        {
            "No": ["1", "2"],
            "Uraian": ["<script>alert(1)</script>", "a | b"],
            "Nilai": ["1.234,56", "76%"],
        }
    )


_CELLS = [["1", "<script>alert(1)</script>", "1.234,56"], ["2", "a | b", "76%"]]


def test_table_markdown_is_a_pipe_table_with_caption_and_label():
    md = report.table_markdown(_df(), "Judul *tabel*", "uji")
    lines = md.splitlines()
    assert lines[0] == "| No | Uraian | Nilai |"
    assert lines[1].startswith("|") and set(lines[1]) <= set("|-: ")
    # numbers right-aligned, text left-aligned by default
    seps = lines[1].strip("|").split("|")
    assert seps[0].endswith(":") and not seps[0].startswith(":")
    assert seps[1].startswith(":") and not seps[1].endswith(":")
    assert seps[2].endswith(":")
    widths = report.column_widths(["No", "Uraian", "Nilai"], _CELLS)
    colwidths = ",".join(f"{w:g}" for w in widths)
    assert lines[-1] == f': Judul \\*tabel\\* {{#tbl-uji tbl-colwidths="[{colwidths}]"}}'
    assert "\\<script\\>" in md
    assert "a \\| b" in md


# ------------------------------------------------------------------ column widths


def test_column_widths_follow_content():
    header = ["Uraian", "Jumlah"]
    short = report.column_widths(header, [["AC", "2"], ["LCD", "4"]])
    long = report.column_widths(header, [["Ruang pelayanan terpadu satu pintu", "2"]])
    assert sum(short) < 40, "a table of short content stays narrow"
    assert long[0] > short[0] and long[1] == short[1], "only the column whose text grew widens"


def test_number_columns_are_narrow_and_never_wrap():
    header = ["Sasaran Strategis", "Indikator Kinerja", "Target Akhir Renstra"]
    rows = [
        ["Meningkatnya kualitas SDM aparatur sipil negara " * 3, "Persentase aparatur " * 5, "80"]
    ]
    widths = report.column_widths(header, rows)
    assert sum(widths) <= 100
    # the long header wraps to its longest word: the column is not half the table
    assert widths[2] < 12, widths
    assert widths[2] >= 100 * (report.text_width_em("Renstra", bold=True) + 1) / (
        439.4 / report.table_font_pt(3)
    )
    # the text columns share the rest, the longer text getting more
    assert widths[0] > widths[1] > widths[2]
    # a number column holds its longest figure on one line, even in a crowded table
    crowded = report.column_widths(["Uraian", "Anggaran"], [["kata " * 200, "Rp10.448.237.000,00"]])
    need = report.text_width_em("Rp10.448.237.000,00") / (439.4 / report.table_font_pt(2)) * 100
    assert crowded[1] >= need and sum(crowded) <= 100.05


def test_text_column_never_narrower_than_its_longest_word():
    rows = [["PENYELENGGARAAN " + "a " * 300, "1"]]
    widths = report.column_widths(["Uraian", "Nilai"], rows)
    capacity = 439.4 / report.table_font_pt(2)
    assert widths[0] / 100 * capacity >= report.text_width_em("PENYELENGGARAAN")


def test_many_columns_use_smaller_type_and_fit():
    header = [f"Kolom {i}" for i in range(9)]
    rows = [[f"{i * 1000:,}" for i in range(9)] for _ in range(3)]
    assert report.table_font_pt(9) < report.table_font_pt(5) < report.table_font_pt(3)
    assert sum(report.column_widths(header, rows)) <= 100.05


def test_widths_reach_the_renderers(tmp_path):
    """pandoc + the numbering filter turn tbl-colwidths into the Typst columns."""
    md = report.table_markdown(_df(), "Judul", "uji")
    widths = report.column_widths(["No", "Uraian", "Nilai"], _CELLS)
    typ = pypandoc.convert_text(
        "# Bab\n\n" + md,
        "typst",
        format="markdown",
        extra_args=["--lua-filter", str(ROOT / "book" / "filters" / "lkjip-nomor.lua")],
    )
    assert "columns: (" + ", ".join(f"{w:g}%" for w in widths) + ")" in typ
    assert "tbl-colwidths" not in typ


def test_table_markdown_parses_as_table_with_id_and_literal_cells():
    md = report.table_markdown(_df(), "Judul", "uji", notes=["Sumber: BKPSDM", "Catatan #2"])
    html = pypandoc.convert_text(md, "html", format="markdown")
    assert '<table id="tbl-uji"' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html
    assert "a | b" in html
    assert 'class="catatan-tabel"' in html
    assert "Sumber: BKPSDM" in html and "Catatan #2" in html


def test_table_label_prefix_is_not_doubled_and_is_validated():
    assert "{#tbl-uji " in report.table_markdown(_df(), "J", "tbl-uji")
    with pytest.raises(ValueError, match="invalid label"):
        report.table_markdown(_df(), "J", "bad label")
    with pytest.raises(ValueError, match="caption"):
        report.table_markdown(_df(), " ", "uji")


def test_table_rejects_unformatted_numbers_but_accepts_missing():
    df = pd.DataFrame({"a": ["x", None, np.nan], "b": ["1", "2", "3"]})
    md = report.table_markdown(df, "J", "uji")
    assert md.count("\n|") == 4  # separator + 3 rows
    with pytest.raises(TypeError, match="formatting"):
        report.table_markdown(pd.DataFrame({"a": [1.5]}), "J", "uji")


def test_table_col_align_forms():
    md = report.table_markdown(_df(), "J", "uji", col_align="crl")
    sep = md.splitlines()[1].strip("|").split("|")
    assert sep[0].startswith(":") and sep[0].endswith(":")
    assert sep[1].endswith(":") and not sep[1].startswith(":")
    assert sep[2].startswith(":") and not sep[2].endswith(":")
    md = report.table_markdown(_df(), "J", "uji", col_align={"No": "tengah"})
    assert md.splitlines()[1].strip("|").split("|")[0].startswith(":")
    with pytest.raises(ValueError):
        report.table_markdown(_df(), "J", "uji", col_align="lr")
    with pytest.raises(ValueError):
        report.table_markdown(_df(), "J", "uji", col_align={"Tidak ada": "l"})


def test_table_multiindex_header_is_flattened():
    cols = pd.MultiIndex.from_tuples([("No", ""), ("Jumlah", "2016"), ("Jumlah", "2017")])
    df = pd.DataFrame([["1", "45", "50"]], columns=cols)
    assert report.table_markdown(df, "J", "uji").splitlines()[0] == (
        "| No | Jumlah 2016 | Jumlah 2017 |"
    )


def _figure():
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([1, 2, 3], [2, 1, 3])
    return fig


def test_figure_png_is_reproducible_and_has_no_metadata():
    a = report.figure_png(_figure())
    b = report.figure_png(_figure())
    assert a == b
    assert a.startswith(b"\x89PNG")
    assert b"Software" not in a and b"atplotlib" not in a
    plt.close("all")


def test_figure_markdown_syntax_and_alt_escaping():
    md = report.figure_markdown(b"\x89PNG fake", "Judul [x]", "tren", 'alt "kutip" \\ <b>')
    assert md.startswith("![Judul \\[x\\]](data:image/png;base64,")
    assert md.rstrip().endswith('{#fig-tren fig-alt="alt \\"kutip\\" \\\\ <b>"}')
    native = pypandoc.convert_text(md, "native", format="markdown")
    assert '"fig-alt" , "alt \\"kutip\\" \\\\ <b>"' in native
    with pytest.raises(ValueError, match="alt"):
        report.figure_markdown(b"x", "Judul", "tren", " ")


def test_show_figure_closes_the_figure(capsys):
    fig = _figure()
    n = len(plt.get_fignums())
    report.show_figure(fig, "Judul", "tren", "Garis naik")
    assert len(plt.get_fignums()) == n - 1
    out = capsys.readouterr().out  # outside IPython the Markdown is printed
    assert out.startswith("![Judul](data:image/png;base64,")


def test_heading_markdown():
    assert report.heading_markdown("Pendahuluan", 1) == "# Pendahuluan\n"
    assert report.heading_markdown("Kata Pengantar", 1, unnumbered=True) == (
        "# Kata Pengantar {.unnumbered}\n"
    )
    assert report.heading_markdown("A #1", 2, label="a") == "## A \\#1 {#sec-a}\n"
    with pytest.raises(ValueError):
        report.heading_markdown("x", 0)


def test_signature_markdown_is_a_right_aligned_div():
    md = report.signature_markdown(
        "Balikpapan", "28 Februari 2018", "Kepala Badan", "Robi R, S.Sos.", "Pembina", "1967"
    )
    assert md.startswith("::: {.tanda-tangan}\n") and md.endswith(":::\n")
    html = pypandoc.convert_text(md, "html", format="markdown")
    assert '<div class="tanda-tangan">' in html
    assert '<div class="ruang-tanda-tangan">' in html
    assert "Robi R, S.Sos." in html and "NIP. 1967" in html


def test_show_markdown_prints_outside_ipython(capsys):
    report.show_markdown(report.Markdown("Teks **tebal**\n"))
    assert capsys.readouterr().out == "Teks **tebal**\n\n"


def test_show_markdown_escapes_plain_text_by_default(capsys):
    report.show_markdown("Teks **tebal** <b>")
    assert capsys.readouterr().out == "Teks \\*\\*tebal\\*\\* \\<b\\>\n\n"
    report.show_markdown(report.markdown("**Rumus:** {rumus}", rumus="a*b/c"))
    assert capsys.readouterr().out == "**Rumus:** a\\*b\\/c\n\n"


def test_pandoc_is_available():
    # the tests above rely on pypandoc-binary's pandoc
    path = pypandoc.get_pandoc_path()
    assert subprocess.run([path, "--version"], capture_output=True).returncode == 0


@pytest.fixture
def shown(monkeypatch):
    """Capture display outputs as if in a notebook (one dict of MIME data per output)."""
    import IPython
    import IPython.display

    plt.figure()  # pyplot registers its REPL hook now, while no fake shell is active
    plt.close("all")
    outputs: list[dict] = []
    monkeypatch.setattr(IPython, "get_ipython", lambda: object())
    monkeypatch.setattr(
        IPython.display, "display", lambda data, raw=False: outputs.append(dict(data))
    )
    report._NOMOR["tbl"].clear()
    report._NOMOR["fig"].clear()
    return outputs


def _frame():
    return pd.DataFrame({"Uraian": ["<b>x</b>", "a.b"], "Jumlah": ["1.000", "2,5%"]})


def test_every_display_has_markdown_for_the_book_and_html_for_the_eye(shown):
    fig, ax = plt.subplots()  # before the fake shell: pyplot hooks into a real one
    ax.plot([1, 2])
    shown.clear()
    report.show_table(_frame(), "Jumlah PNS (2017)", "tbl-pns", notes="Sumber: data*")
    report.show_figure(fig, "Capaian [IKU]", "fig-capaian", alt='Grafik "capaian"')
    report.heading("Bab *Satu*", 1, label="bab-satu", unnumbered=True)
    report.show_markdown(report.markdown("**Rumus:** {r}", r="a/b (x.y)"))
    report.show_signature("Balikpapan", "1 Maret 2018", "Kepala", "Nama, S.Sos.", "IV/a", "1967")
    assert [sorted(o) for o in shown] == [["text/html", "text/markdown"]] * 5
    table, figure, head, prose, sign = shown
    # The book's Markdown is exactly what the builders make (the stitched book is unchanged).
    assert table["text/markdown"] == report.table_markdown(
        _frame(), "Jumlah PNS (2017)", "tbl-pns", notes="Sumber: data*"
    )
    assert head["text/markdown"] == report.heading_markdown(
        "Bab *Satu*", 1, label="bab-satu", unnumbered=True
    )
    # The analyst's view: number and caption, no attributes, no escapes.
    assert (
        "<caption" in table["text/html"]
        and "<b>Tabel 1.</b> Jumlah PNS (2017)" in table["text/html"]
    )
    assert "&lt;b&gt;x&lt;/b&gt;" in table["text/html"] and "Sumber: data*" in table["text/html"]
    assert "<figcaption><b>Gambar 1.</b> Capaian [IKU]" in figure["text/html"]
    assert 'alt="Grafik &quot;capaian&quot;"' in figure["text/html"]
    assert head["text/html"] == "<h1>Bab *Satu*</h1>\n"
    assert "<strong>Rumus:</strong> a/b (x.y)" in prose["text/html"]
    assert "Nama, S.Sos." in sign["text/html"]
    for output in shown:
        assert "{#" not in output["text/html"] and "\\" not in output["text/html"]


def test_table_numbers_follow_the_order_of_first_display(shown):
    for label in ("tbl-a", "tbl-b", "tbl-a"):
        report.show_table(_frame(), "T", label)
    numbers = [o["text/html"].split("<b>Tabel ")[1].split(".")[0] for o in shown]
    assert numbers == ["1", "2", "1"]


def test_markdown_html_drops_pandoc_attributes_and_fences():
    html = report.markdown_html("### Judul {#sec-x .unnumbered}\n\n::: {.catatan}\nTeks\n:::\n")
    assert "<h3>Judul</h3>" in html and "{" not in html and ":::" not in html
    assert "<script" not in report.markdown_html("<script>x</script>")


def test_error_explanation_is_indonesian_and_names_the_file():
    from lkjip_helpers.core.exceptions import ParamsError

    exc = ParamsError(
        "params/prose/2017/pendahuluan.md: no section '## Eselon' (a notebook shows it); "
        "the file has: '## Pendidikan' (line 3)"
    )
    text = report.penjelasan_galat(exc)
    assert text.startswith("Sel ini gagal: isi sebuah berkas params atau prosa")
    assert "Periksa berkas: params/prose/2017/pendahuluan.md" in text


def test_error_explanation_is_shown_above_the_traceback_in_ipython():
    from IPython.core.interactiveshell import InteractiveShell

    from lkjip_helpers.core.exceptions import MissingDataError

    shell = InteractiveShell.instance()
    assert report.pasang_penjelas_galat(shell)
    assert MissingDataError in shell.custom_exceptions  # matched by exact class
    try:
        raise MissingDataError("data/raw/2017/x.csv: file not found.")
    except MissingDataError as exc:
        stb = report._galat_handler(shell, type(exc), exc, exc.__traceback__)
    assert "Sel ini gagal: data atau berkas" in stb[0]
    assert "data/raw/2017/x.csv" in stb[0]
    assert any("MissingDataError" in line for line in stb[1:])


def test_pratinjau_does_nothing_inside_a_build(monkeypatch):
    monkeypatch.setenv("LKJIP_BUILD", "1")
    assert report.pratinjau("bab3", 2017) is None


def test_failing_cell_in_a_kernel_shows_the_explanation_above_the_traceback(tmp_path):
    import json

    import nbformat

    from lkjip_helpers.build.execute import execute_notebook
    from lkjip_helpers.core.exceptions import BuildError

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        nbformat.v4.new_code_cell("from lkjip_helpers.laporan import display as report"),
        nbformat.v4.new_code_cell(
            "from lkjip_helpers.core.exceptions import ParamsError\n"
            'raise ParamsError("params/prose/2017/bab.md, line 4: unknown placeholder {x}")'
        ),
    ]
    source, out = tmp_path / "gagal.ipynb", tmp_path / "gagal-out.ipynb"
    source.write_text(nbformat.writes(nb), encoding="utf-8")
    with pytest.raises(BuildError, match=r"ParamsError: params/prose/2017/bab.md, line 4"):
        execute_notebook(source, out, {})
    errors = [
        o
        for cell in json.loads(out.read_text(encoding="utf-8"))["cells"]
        for o in cell.get("outputs", [])
        if o["output_type"] == "error"
    ]
    assert [e["ename"] for e in errors] == ["ParamsError"]
    traceback = errors[0]["traceback"]
    assert "Sel ini gagal" in traceback[0] and "params/prose/2017/bab.md" in traceback[0]
    assert any("Traceback" in line for line in traceback[1:])
