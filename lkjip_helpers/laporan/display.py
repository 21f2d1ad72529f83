"""Notebook-side display helpers: tables, figures, headings, prose and signatures.

A notebook never prints report content; it calls these functions, each of which
emits **one display output with two representations of the same content**:

* ``text/markdown``: the Markdown the book needs, copied by the stitcher (see
  ``docs/architecture.md``, section *Notebooks*) - a pipe table followed by
  ``: caption {#tbl-label}``, ``![caption](data:image/png;base64,...){#fig-label
  fig-alt="..."}``, ``## Text {#sec-label .unnumbered}``, prose, a
  ``::: {.tanda-tangan}`` block;
* ``text/html``: what the analyst sees in JupyterLab, which prefers it: the table
  with its caption and number, the figure with its caption, the heading without
  attributes, prose without backslash escapes. Never any report markup.

There is no ``text/plain`` twin (the stitcher keeps ``text/markdown`` only).

* :func:`show_table`, :func:`show_figure`, :func:`heading`, :func:`show_signature`;
* :func:`show_markdown` - prose: :class:`Markdown` (prose files, filled sentence
  templates, :func:`markdown` literals) is shown as Markdown; any other ``str`` is
  text and is escaped, so data can never inject markup even when a notebook
  forgets to say so;
* :func:`markdown` - a Markdown literal with ``{placeholders}`` whose values are
  escaped (``markdown("**Visi:** {visi}", visi=ctx.agency.visi)``).

Escaping (:func:`escape_markdown`) backslash-escapes every ASCII punctuation
character. Pandoc's Markdown treats a backslash-escaped punctuation character as
that literal character, so ``<script>``, ``[link](http://x)``, ``*emphasis*``,
``$math$``, ``#set text(red)``, ``\\textbf{x}``, ``{{< shortcode >}}`` and
``@citation`` all reach the output as text; pandoc then escapes that text for
HTML (``&lt;``) and for Typst (``\\#``). The one templating mechanism is
:mod:`lkjip_helpers.laporan.markdown`.

The ``*_markdown`` functions are the pure builders (text in, text out, easy to
test); the ``show_*`` functions display what they build.
"""

from __future__ import annotations

import base64
import html
import io
import math
import os
import re
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence

from markdown_it import MarkdownIt

from lkjip_helpers.core import config
from lkjip_helpers.core.exceptions import BuildError, LkjipError
from lkjip_helpers.laporan.markdown import (
    Markdown,
    as_markdown,
    daftar,
    escape_markdown,
    isi_templat,
)

__all__ = [
    "Markdown",
    "daftar",
    "escape_markdown",
    "figure_markdown",
    "heading",
    "heading_markdown",
    "markdown",
    "pratinjau",
    "show_figure",
    "show_markdown",
    "show_signature",
    "show_table",
    "signature_markdown",
    "table_markdown",
]

#: Resolution of figures embedded in the report (dots per inch).
FIGURE_DPI = 200
#: Width of the text column in points (A4 less the margins of the templates: 15.5 cm).
_TEXT_WIDTH_PT = 439.4
#: Type size of tables (pt), and (columns from, size) of wider tables.
_FONT_TABEL = 9.5
_FONT_SEDANG = (5, 9.0)
_FONT_LEBAR = (7, 8.0)
#: Inner padding of a cell, both sides (em): the templates' inset of 4 pt a side.
_CELL_PADDING_EM = 1.1

_LABEL_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
# A cell that reads as a number (Indonesian or machine form, %, Rp, dash for missing)
_NUMERIC_RE = re.compile(r"^\s*(Rp\.?\s?)?[-+\u2212]?[\d.,]+\s*%?\s*$|^\s*[-\u2013\u2014]\s*$")
_ALIGN = {
    "l": "l",
    "left": "l",
    "kiri": "l",
    "r": "r",
    "right": "r",
    "kanan": "r",
    "c": "c",
    "center": "c",
    "centre": "c",
    "tengah": "c",
}
_CSS_ALIGN = {"l": "left", "r": "right", "c": "center"}


# --------------------------------------------------------------------------- templating


def markdown(templat: str, /, **nilai) -> Markdown:
    """A Markdown literal of a notebook, with escaped ``{placeholder}`` values.

    ``markdown("**Rumus:** {rumus}", rumus=iku.rumus)``: the bold stays bold, the
    formula is shown literally whatever characters it holds.
    """
    return isi_templat(templat, nilai, sumber="notebook Markdown")


def _escape_attribute(value: str) -> str:
    """Escape text for a double-quoted pandoc attribute value."""
    text = " ".join(str(value).split())
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _label(label: str, prefix: str) -> str:
    """Validate a cross-reference label and give it its Quarto prefix (``tbl-``...)."""
    if not isinstance(label, str) or not _LABEL_RE.fullmatch(label):
        raise ValueError(
            f"invalid label {label!r}: use letters, digits, '-' and '_' only "
            f"(e.g. 'pns-golongan'); it becomes '#{prefix}-<label>'"
        )
    return label if label.startswith(prefix + "-") else f"{prefix}-{label}"


# --------------------------------------------------------------------------- display

#: Markdown -> HTML for the notebook view only (the book is rendered by pandoc).
#: Raw HTML in the source is not passed through.
_MD_HTML = MarkdownIt("commonmark", {"html": False}).enable("table")
_FENCE_RE = re.compile(r"^\s*:::.*$", re.MULTILINE)
_HEADING_ATTR_RE = re.compile(r"^(#{1,6} .*?)\s*\{[^{}]*\}\s*$", re.MULTILINE)
_SPAN_ATTR_RE = re.compile(r"\]\{[^{}]*\}")
#: Numbers of the tables and figures shown in this kernel, by label, in order.
_NOMOR: dict[str, dict[str, int]] = {"tbl": {}, "fig": {}}


def markdown_html(text: str) -> str:
    """HTML of report Markdown for the notebook view: no attributes, no escapes.

    Pandoc-only syntax (``::: {.class}`` fences, ``{#id .class}`` attributes) is
    dropped; the book itself is never rendered from this HTML.
    """
    text = _FENCE_RE.sub("", str(text))
    text = _HEADING_ATTR_RE.sub(r"\1", text)
    text = _SPAN_ATTR_RE.sub("]", text)
    return _MD_HTML.render(text)


def _nomor(kind: str, ident: str) -> int:
    seen = _NOMOR[kind]
    return seen.setdefault(ident, len(seen) + 1)


def _caption_html(kind: str, ident: str, caption: object) -> str:
    title = "Tabel" if kind == "tbl" else "Gambar"
    return (
        f"<b>{title} {_nomor(kind, ident)}.</b> {html.escape(_plain_text(caption))} "
        f'<span style="color:#888;font-size:85%" title="rujukan di prosa; nomor akhir '
        f'ada di pratinjau">@{html.escape(ident)}</span>'
    )


def _plain_text(value: object) -> str:
    if isinstance(value, Markdown):
        return value.plain
    return "" if value is None else str(value)


def _display(text: str, rich: str | None = None) -> None:
    """Emit one output: ``text/markdown`` for the book and ``text/html`` for the eye.

    Outside IPython (a script, a test) the Markdown is printed.
    """
    try:
        # lazy: only inside a notebook kernel (IPython), or only when a figure is shown
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython is installed with ipykernel
        print(text)
        return
    if get_ipython() is None:
        print(text)
        return
    data = {"text/markdown": text}
    data["text/html"] = rich if rich is not None else markdown_html(text)
    display(data, raw=True)


# --------------------------------------------------------------------------- tables


def _cell_text(value: object, where: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if not isinstance(value, str):
        try:  # pandas.NA / NaT
            # lazy: only inside a notebook kernel (IPython), or only when a figure is shown
            import pandas as pd

            if pd.isna(value):
                return ""
        except (ImportError, TypeError, ValueError):
            pass
        raise TypeError(
            f"{where} holds {value!r} ({type(value).__name__}); table cells must be "
            "text already formatted with lkjip_helpers.laporan.formatting (e.g. angka(x), persen(x))"
        )
    return escape_markdown(value)


def _header_raw(column: object) -> str:
    if isinstance(column, tuple):  # MultiIndex columns: "Jumlah 2017"
        parts = [str(p) for p in column if p is not None and str(p) != ""]
        return " ".join(dict.fromkeys(parts))
    return str(column)


def _header_text(column: object) -> str:
    return escape_markdown(_header_raw(column))


def text_width_em(text: str, *, bold: bool = False) -> float:
    """Estimated printed width of ``text`` in em of its font (Libertinus Serif).

    Per character class: capitals are wide, digits half an em, lower case a bit
    less, spaces and punctuation narrow; bold type is a few percent wider. An
    estimate on the generous side: a column sized by it is not too narrow.
    """
    width = 0.0
    for ch in text:
        if ch.isupper():
            width += 0.70
        elif ch.isdigit():
            width += 0.52
        elif ch.isspace() or ch in ".,:;'|!":
            width += 0.28
        elif ch.isalpha():
            width += 0.50
        else:
            width += 0.55
    return width * (1.08 if bold else 1.0)


def table_font_pt(columns: int) -> float:
    """Type size of a table in the PDF by its number of columns (wide tables are set
    smaller). ``book/filters/lkjip-nomor.lua`` and ``book/lkjip.css`` apply it."""
    if columns >= _FONT_LEBAR[0]:
        return _FONT_LEBAR[1]
    if columns >= _FONT_SEDANG[0]:
        return _FONT_SEDANG[1]
    return _FONT_TABEL


def column_widths(
    header: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[bool] | None = None
) -> list[float]:
    """Column widths from content, in percent of the text width (sum at most 100).

    Each column is as wide as its longest cell, so a table of short content stays
    narrow (and centred). A number column (``numeric``, default: every cell reads
    as a number) never wraps: it is as wide as its longest cell and the longest
    word of its header. A text column wraps at need, never below its longest word
    (nor its header's). When the columns do not fit side by side, the number
    columns keep their width and the text columns share what is left in
    proportion to how much more they would like; a header alone never widens a
    column beyond its longest word ("Target Akhir Renstra" over "80" wraps).

    Parameters
    ----------
    header : sequence of str
        Column headers as the reader sees them (bold).
    rows : sequence of sequences of str
        Cell texts as the reader sees them (no Markdown escapes).
    numeric : sequence of bool, optional
        Which columns hold numbers.

    Returns
    -------
    list of float
        One width per column, percent of the text width, one decimal.
    """
    n = len(header)
    if numeric is None:
        numeric = [
            bool(vals) and all(_NUMERIC_RE.match(v) for v in vals)
            for vals in ([r[j] for r in rows if r[j].strip()] for j in range(n))
        ]
    capacity = _TEXT_WIDTH_PT / table_font_pt(n)  # the text width in em of table type
    minimum, wanted = [], []
    for j, head in enumerate(header):
        cells = [str(r[j]) for r in rows]
        head_word = max((text_width_em(w, bold=True) for w in str(head).split()), default=0.0)
        cell_full = max((text_width_em(c) for c in cells), default=0.0)
        cell_word = max((text_width_em(w) for c in cells for w in c.split()), default=0.0)
        if numeric[j]:
            low = high = max(head_word, cell_full)
        else:
            low = max(head_word, cell_word)
            high = max(low, cell_full)
        minimum.append(low + _CELL_PADDING_EM)
        wanted.append(high + _CELL_PADDING_EM)
    if sum(wanted) <= capacity:
        widths = wanted
    else:
        spare = capacity - sum(minimum)
        extra = [w - m for w, m in zip(wanted, minimum)]
        if spare <= 0 or sum(extra) == 0:
            widths = [m * capacity / sum(minimum) for m in minimum]  # shrink all alike
        else:
            widths = [m + spare * e / sum(extra) for m, e in zip(minimum, extra)]
    percent = [math.floor(w / capacity * 1000) / 10 for w in widths]
    return [max(p, 0.1) for p in percent]


def _resolve_alignment(
    col_align: str | Sequence[str] | Mapping[object, str] | None,
    columns: list[object],
    body: list[list[str]],
    raw_cells: list[list[str]],
) -> list[str]:
    n = len(columns)
    if col_align is None:
        aligns = []
        for j in range(n):
            values = [row[j] for row in raw_cells if row[j].strip()]
            numeric = bool(values) and all(_NUMERIC_RE.match(v) for v in values)
            aligns.append("r" if numeric else "l")
        return aligns
    if isinstance(col_align, Mapping):
        unknown = [c for c in col_align if c not in columns]
        if unknown:
            raise ValueError(f"col_align names unknown columns {unknown}; columns are {columns}")
        given = [col_align.get(c) for c in columns]
        default = _resolve_alignment(None, columns, body, raw_cells)
        values = [g if g is not None else d for g, d in zip(given, default)]
    elif isinstance(col_align, str):
        values = list(col_align)  # "lrr"
    else:
        values = list(col_align)
    if len(values) != n:
        raise ValueError(f"col_align has {len(values)} entries for {n} columns")
    out = []
    for v in values:
        key = str(v).strip().lower()
        if key not in _ALIGN:
            raise ValueError(f"unknown alignment {v!r}: use 'l', 'r' or 'c'")
        out.append(_ALIGN[key])
    return out


def _table_parts(df, caption, label, col_align, notes):
    """Validated pieces of a table: id, header, escaped body, raw text, alignments, notes."""
    ident = _label(label, "tbl")
    if not caption or not str(caption).strip():
        raise ValueError(f"table {ident}: a caption is required (it is listed in Daftar Tabel)")
    columns = list(df.columns)
    if not columns:
        raise ValueError(f"table {ident}: the DataFrame has no columns")
    raw_cells: list[list[str]] = []
    body: list[list[str]] = []
    for i, row in enumerate(df.itertuples(index=False, name=None)):
        texts, cells = [], []
        for j, value in enumerate(row):
            cell = _cell_text(value, f"table {ident}, row {i + 1}, column {columns[j]!r}")
            cells.append(cell)
            texts.append("" if value is None or not isinstance(value, str) else _plain_text(value))
        body.append(cells)
        raw_cells.append(texts)
    aligns = _resolve_alignment(col_align, columns, body, raw_cells)
    items: list = []
    if notes is not None:
        items = [notes] if isinstance(notes, str) else list(notes)
        items = [n for n in items if n is not None and str(n).strip()]
    return ident, columns, body, raw_cells, aligns, items


def table_markdown(
    df,
    caption: str,
    label: str,
    *,
    col_align: str | Sequence[str] | Mapping[object, str] | None = None,
    notes: str | Iterable[str] | None = None,
) -> str:
    """Build the Markdown of :func:`show_table` (see there) and return it."""
    ident, columns, body, raw_cells, aligns, items = _table_parts(
        df, caption, label, col_align, notes
    )
    header = [_header_text(c) for c in columns]
    raw_header = [_header_raw(c) for c in columns]
    widths = column_widths(raw_header, raw_cells)
    seps = []
    for a, w in zip(aligns, widths):
        dashes = "-" * max(3, round(w / 2))  # for the eye: the widths are in the caption
        if a == "l":
            seps.append(":" + dashes)
        elif a == "r":
            seps.append(dashes + ":")
        else:
            seps.append(":" + dashes + ":")

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c if c else " " for c in cells) + " |"

    lines = [line(header), "|" + "|".join(seps) + "|"]
    lines += [line(r) for r in body]
    # tbl-colwidths: Quarto's table attribute (percent of the text width); the
    # built-in renderer reads it too (book/filters/lkjip-nomor.lua).
    colwidths = ",".join(f"{w:g}" for w in widths)
    lines += ["", f': {escape_markdown(caption)} {{#{ident} tbl-colwidths="[{colwidths}]"}}']
    if items:
        lines += ["", "::: {.catatan-tabel}"]
        lines += ["\\\n".join(escape_markdown(n) for n in items)]
        lines += [":::"]
    return "\n".join(lines) + "\n"


def table_html(
    df,
    caption: str,
    label: str,
    *,
    col_align: str | Sequence[str] | Mapping[object, str] | None = None,
    notes: str | Iterable[str] | None = None,
) -> str:
    """The notebook view of :func:`show_table`: an HTML table with its number and caption."""
    ident, columns, _body, raw_cells, aligns, items = _table_parts(
        df, caption, label, col_align, notes
    )
    cell = 'style="text-align:{};padding:2px 8px;border-bottom:1px solid #ddd"'
    out = [
        f'<table class="lkjip-tabel" id="{html.escape(ident)}" '
        'style="border-collapse:collapse;margin:0.5em 0">',
        '<caption style="caption-side:top;text-align:left;padding:4px 0">'
        + _caption_html("tbl", ident, caption)
        + "</caption>",
        "<thead><tr>",
    ]
    for c, a in zip(columns, aligns):
        out.append(
            f'<th scope="col" {cell.format(_CSS_ALIGN[a])}>{html.escape(_header_raw(c))}</th>'
        )
    out.append("</tr></thead><tbody>")
    for row in raw_cells:
        out.append(
            "<tr>"
            + "".join(
                f"<td {cell.format(_CSS_ALIGN[a])}>{html.escape(v)}</td>"
                for v, a in zip(row, aligns)
            )
            + "</tr>"
        )
    out.append("</tbody></table>")
    if items:
        notes_html = "<br>".join(html.escape(_plain_text(n)) for n in items)
        out.append(f'<p style="font-size:85%;color:#555;margin-top:0">{notes_html}</p>')
    return "\n".join(out) + "\n"


def show_table(
    df,
    caption: str,
    label: str,
    *,
    col_align: str | Sequence[str] | Mapping[object, str] | None = None,
    notes: str | Iterable[str] | None = None,
) -> None:
    """Display a table as a Markdown pipe table with a numbered caption.

    Parameters
    ----------
    df : pandas.DataFrame
        Cells already formatted as text (``formatting.angka`` etc.); ``None``/NaN
        give an empty cell; any other non-text cell raises ``TypeError``. Column
        names are the header (MultiIndex levels are joined with a space). The
        index is not printed: make it a column if it should be.
    caption : str
        The title; the renderer prefixes ``Tabel <bab>.<n>``.
    label : str
        ``pns-golongan`` becomes ``{#tbl-pns-golongan}``, referenced as ``@tbl-pns-golongan``.
    col_align : str, sequence or mapping, optional
        Per column ``'l'``, ``'r'`` or ``'c'`` (``"lrr"``, ``["l", "r", "r"]`` or
        ``{"Nilai": "r"}``). Default: right for columns whose cells all read as
        numbers, left otherwise.
    notes : str or list of str, optional
        Lines printed in small type under the table (``"Sumber: ..."``).
    """
    _display(
        table_markdown(df, caption, label, col_align=col_align, notes=notes),
        table_html(df, caption, label, col_align=col_align, notes=notes),
    )


# --------------------------------------------------------------------------- figures


def figure_png(fig) -> bytes:
    """Render a matplotlib figure to reproducible PNG bytes (fixed dpi, no metadata)."""
    buf = io.BytesIO()
    fig.savefig(
        buf,
        format="png",
        dpi=FIGURE_DPI,
        metadata={"Software": None},
        facecolor="white",
    )
    return buf.getvalue()


def figure_markdown(png: bytes, caption: str, label: str, alt: str) -> str:
    """Build the Markdown of :func:`show_figure` from PNG bytes."""
    ident = _label(label, "fig")
    if not caption or not str(caption).strip():
        raise ValueError(f"figure {ident}: a caption is required (it is listed in Daftar Gambar)")
    if not alt or not str(alt).strip():
        raise ValueError(
            f"figure {ident}: alt text is required: say what the chart shows for a "
            "reader who cannot see it"
        )
    data = base64.b64encode(png).decode("ascii")
    return (
        f"![{escape_markdown(caption)}](data:image/png;base64,{data})"
        f'{{#{ident} fig-alt="{_escape_attribute(alt)}"}}\n'
    )


def show_figure(fig, caption: str, label: str, alt: str) -> None:
    """Display a matplotlib figure as a numbered Markdown figure and close it.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        E.g. from :mod:`lkjip_helpers.laporan.charts`.
    caption : str
        The title; the renderer prefixes ``Gambar <bab>.<n>``.
    label : str
        ``capaian-iku`` becomes ``{#fig-capaian-iku}`` and the file
        ``figures/capaian-iku.png`` of the book.
    alt : str
        Text alternative for readers who cannot see the image (HTML ``alt``).
    """
    try:
        png = figure_png(fig)
    finally:
        # lazy: only inside a notebook kernel (IPython), or only when a figure is shown
        import matplotlib.pyplot as plt

        plt.close(fig)
    _display(figure_markdown(png, caption, label, alt), figure_html(png, caption, label, alt))


def figure_html(png: bytes, caption: str, label: str, alt: str) -> str:
    """The notebook view of :func:`show_figure`: the image over its number and caption."""
    ident = _label(label, "fig")
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<figure class="lkjip-gambar" id="{html.escape(ident)}" style="margin:0.5em 0">'
        f'<img src="data:image/png;base64,{data}" alt="{html.escape(_plain_text(alt))}" '
        'style="max-width:100%">'
        f"<figcaption>{_caption_html('fig', ident, caption)}</figcaption></figure>\n"
    )


# --------------------------------------------------------------------------- prose


def show_markdown(text: str) -> None:
    """Display prose: :class:`Markdown` as Markdown, any other text literally.

    Prose files (``ctx.prose``, ``ctx.teks``, ``ctx.seksi``), sentences
    (``narrative.kalimat_*``, ``narrative.isi``) and :func:`markdown` literals are
    :class:`Markdown` with their values escaped already; a plain ``str`` (a name
    from the data, a sentence built by hand) is escaped here, so it can never
    inject markup.
    """
    _display(str(as_markdown(text)).strip("\n") + "\n")


def heading_markdown(
    text: str, level: int, *, unnumbered: bool = False, label: str | None = None
) -> str:
    """Build the Markdown of :func:`heading`."""
    if not isinstance(level, int) or not 1 <= level <= 6:
        raise ValueError(f"heading level must be 1..6, got {level!r}")
    attrs = []
    if label is not None:
        attrs.append("#" + _label(label, "sec"))
    if unnumbered:
        attrs.append(".unnumbered")
    suffix = " {" + " ".join(attrs) + "}" if attrs else ""
    return "#" * level + " " + escape_markdown(text) + suffix + "\n"


def heading(text: str, level: int, *, unnumbered: bool = False, label: str | None = None) -> None:
    """Display a heading: level 1 is a chapter (``BAB``), 2 a section, 3 a subsection.

    Parameters
    ----------
    text : str
        Heading text, without number (the renderer numbers it).
    level : int
        1 to 6.
    unnumbered : bool, default False
        Kata Pengantar, Ikhtisar Eksekutif and Lampiran chapters are unnumbered.
    label : str, optional
        ``latar-belakang`` becomes ``{#sec-latar-belakang}`` (``@sec-latar-belakang``).
    """
    _display(
        heading_markdown(text, level, unnumbered=unnumbered, label=label),
        f"<h{level}>{html.escape(_plain_text(text))}</h{level}>\n",
    )


def signature_markdown(
    place: str, date_text: str, jabatan: str, nama: str, pangkat: str, nip: str
) -> str:
    """Build the Markdown of :func:`show_signature`."""
    e = escape_markdown
    return (
        "::: {.tanda-tangan}\n"
        f"{e(place)}, {e(date_text)}\\\n"
        f"**{e(jabatan)}**\n"
        "\n"
        "::: {.ruang-tanda-tangan}\n"
        ":::\n"
        "\n"
        f"**{e(nama)}**\\\n"
        f"{e(pangkat)}\\\n"
        f"NIP. {e(nip)}\n"
        ":::\n"
    )


def show_signature(
    place: str, date_text: str, jabatan: str, nama: str, pangkat: str, nip: str
) -> None:
    """Display the signature block (place and date, office, space, name, rank, NIP).

    Rendered as a right-aligned block (text centred inside it) in HTML and PDF.
    """
    e = html.escape
    rich = (
        '<div class="tanda-tangan" style="margin-left:auto;width:22em;text-align:center">'
        f"<p>{e(place)}, {e(date_text)}<br><b>{e(jabatan)}</b></p>"
        '<div style="height:4em"></div>'
        f"<p><b>{e(nama)}</b><br>{e(pangkat)}<br>NIP. {e(nip)}</p></div>\n"
    )
    _display(signature_markdown(place, date_text, jabatan, nama, pangkat, nip), rich)


# --------------------------------------------------------------------------- preview

_PREVIEW_LINE_RE = re.compile(r"^preview \S+: (?P<path>\S+\.html) in ", re.MULTILINE)


def pratinjau(bab: str, year: int) -> str | None:
    """Preview the chapter of this notebook from its last cell (``make preview``).

    Runs ``python -m lkjip_helpers preview`` (the command line, so the notebook
    depends on no build code), prints what it printed and shows a link to the
    HTML file. Save the notebook and the prose file first: the preview runs the
    saved files. Inside a build (``LKJIP_BUILD`` set) it does nothing.

    Returns
    -------
    str or None
        The HTML file, relative to the project root.
    """
    if os.environ.get("LKJIP_BUILD"):
        return None
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "lkjip_helpers",
            "preview",
            "--chapter",
            str(bab),
            "--year",
            str(year),
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=str(config.project_root()),
        check=False,
    )
    if proc.returncode != 0:
        message = (proc.stderr or proc.stdout).strip().removeprefix("error: ")
        raise BuildError(f"preview of {bab} failed: {message}")
    print(proc.stdout.strip())
    found = _PREVIEW_LINE_RE.search(proc.stdout)
    if found is None:
        return None
    path = found.group("path")
    try:
        # lazy: only inside a notebook kernel (IPython), or only when a figure is shown
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover
        return path
    if get_ipython() is not None:
        # JupyterLab resolves relative links of outputs against the notebook's folder.
        href = os.path.relpath(config.agency_root() / path, config.notebooks_dir())
        display(
            {
                "text/html": f'<p><a href="{html.escape(href)}">Buka pratinjau '
                f"{html.escape(path)}</a> (JupyterLab: Open With &gt; HTML Viewer, lalu "
                "Trust HTML)</p>"
            },
            raw=True,
        )
    return path


# --------------------------------------------------------------------------- errors

#: What failed, in the analyst's words, by kind of error.
_JENIS_GALAT = {
    "ParamsError": "isi sebuah berkas params atau prosa tidak sesuai (placeholder, kunci "
    "fakta, judul bagian, atau nilai yang salah)",
    "DataFileError": "sebuah berkas data mentah tidak ada atau tidak dapat dibaca",
    "ValidationError": "data mentah tidak lolos validasi",
    "MissingDataError": "data atau berkas yang dibutuhkan bab ini belum ada",
    "CalculationError": "sebuah rumus tidak dapat dihitung dari datanya",
    "BuildError": "pembangunan laporan gagal",
}
_PATH_RE = re.compile(r"(?<![\w/])((?:params|data|notebooks|outputs|book)/[\w./{}\[\]-]*\w)")


def penjelasan_galat(exc: BaseException) -> str:
    """A short Indonesian explanation of a pipeline error: what failed, what to check."""
    jenis = _JENIS_GALAT.get(type(exc).__name__, "langkah laporan gagal")
    files = list(dict.fromkeys(_PATH_RE.findall(str(exc))))
    lines = [f"Sel ini gagal: {jenis}.", f"Pesan: {exc}"]
    if files:
        lines.append("Periksa berkas: " + ", ".join(files))
    lines.append(
        "Perbaiki berkas itu, simpan, lalu jalankan ulang sel ini (atau Run All). "
        "Rincian teknis ada di bawah."
    )
    return "\n".join(lines)


def _lkjip_error_classes() -> tuple[type, ...]:
    # IPython matches custom exceptions by exact class, not by subclass.
    found, todo = [], [LkjipError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return tuple(found)


def _galat_handler(shell, etype, value, tb, tb_offset=None):
    """IPython custom exception handler: the explanation above the usual traceback."""
    stb = shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
    banner = "\n".join(f"\x1b[1;31m{line}\x1b[0m" for line in penjelasan_galat(value).splitlines())
    stb = [banner, ""] + list(stb)
    # IPython 9 only collects what a custom handler returns; showing it (ipykernel
    # sends it as the cell's error output, with ename and evalue) is the handler's job.
    shell._showtraceback(etype, value, stb)
    return stb


def pasang_penjelas_galat(shell=None) -> bool:
    """Show :func:`penjelasan_galat` above the traceback of pipeline errors in a notebook.

    Installed when this module is imported inside IPython (every chapter notebook
    imports it); returns whether a shell was found.
    """
    if shell is None:
        try:
            # lazy: only inside a notebook kernel (IPython), or only when a figure is shown
            from IPython import get_ipython
        except ImportError:  # pragma: no cover
            return False
        shell = get_ipython()
    if shell is None:
        return False
    shell.set_custom_exc(_lkjip_error_classes(), _galat_handler)
    return True


pasang_penjelas_galat()
