"""Notebook-side display helpers: tables, figures, headings, prose and signatures.

A notebook never prints report content; it calls these functions, each of which
emits **one Markdown display output** (MIME type ``text/markdown`` only, no
``text/plain`` twin) that the stitcher copies into the book (see
``docs/architecture.md``, section *Notebooks*):

* :func:`show_table` - a pipe table followed by ``: caption {#tbl-label}``;
* :func:`show_figure` - ``![caption](data:image/png;base64,...){#fig-label fig-alt="..."}``;
* :func:`heading` - ``## Text {#sec-label .unnumbered}``;
* :func:`show_markdown` - trusted prose (narrative templates, analysts' text);
* :func:`show_signature` - a ``::: {.tanda-tangan}`` block, right-aligned in HTML and PDF.

Escaping. Everything that comes from data (cell text, captions, headings, names)
is passed through :func:`escape_markdown`, which backslash-escapes every ASCII
punctuation character. Pandoc's Markdown treats a backslash-escaped punctuation
character as that literal character, so ``<script>``, ``[link](http://x)``,
``*emphasis*``, ``$math$``, ``#set text(red)``, ``\\textbf{x}``, ``{{< shortcode >}}``
and ``@citation`` all reach the output as text; pandoc then escapes that text for
HTML (``&lt;``) and for Typst (``\\#``). Prose templates are trusted Markdown, but
every value substituted into them must be escaped with :func:`escape_markdown`.

The ``*_markdown`` functions are the pure builders (text in, text out, easy to
test); the ``show_*`` functions display what they build.
"""

from __future__ import annotations

import base64
import io
import math
import re
import string
from collections.abc import Iterable, Mapping, Sequence

#: Resolution of figures embedded in the report (dots per inch).
FIGURE_DPI = 200
#: Pipe-table separator dashes per column: bounds of the relative column width.
_MIN_DASHES = 3
#: Width of the text column in characters of table type (A4, 15.5 cm at 9.5 pt).
_TEXT_WIDTH_CHARS = 100

_PUNCTUATION = frozenset(string.punctuation)
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


# --------------------------------------------------------------------------- escaping


def escape_markdown(value: object) -> str:
    """Return ``value`` as Markdown text that renders literally.

    Every ASCII punctuation character is backslash-escaped (pandoc and Quarto read
    ``\\<`` as ``<``, ``\\#`` as ``#``, ...), line breaks and tabs become single
    spaces (a value is inline text: it must not start a new block) and ``None``
    becomes the empty string.

    Parameters
    ----------
    value : object
        Usually a ``str``; anything else is converted with ``str()``.

    Returns
    -------
    str

    Examples
    --------
    >>> print(escape_markdown("<b>Rp1.000</b>"))
    \\<b\\>Rp1\\.000\\<\\/b\\>
    """
    if value is None:
        return ""
    text = " ".join(str(value).split()) if _has_break(str(value)) else str(value)
    return "".join("\\" + ch if ch in _PUNCTUATION else ch for ch in text)


def _has_break(text: str) -> bool:
    return any(ch in text for ch in "\n\r\t\v\f\u2028\u2029")


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


def _display(text: str) -> None:
    """Emit ``text`` as a ``text/markdown``-only display output (or print it)."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython is installed with ipykernel
        print(text)
        return
    if get_ipython() is None:
        print(text)
        return
    display({"text/markdown": text}, raw=True)


# --------------------------------------------------------------------------- tables


def _cell_text(value: object, where: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if not isinstance(value, str):
        try:  # pandas.NA / NaT
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


def column_widths(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[int]:
    """Relative column widths (in characters) for the pipe-table separator line.

    Pandoc (and Quarto) use the number of dashes per column as relative widths
    when a line of the table is longer than 72 characters. Each column gets at
    least its longest word (bold header words count 15% wider) plus padding, so
    nothing overflows; the rest of the text width goes to the columns with long
    text, in proportion to how much more they would like.
    """
    minimum, wanted = [], []
    for j, head in enumerate(header):
        cells = [r[j] for r in rows]
        head_word = max((len(w) for w in head.split()), default=0)
        cell_word = max((len(w) for c in cells for w in c.split()), default=0)
        cell_len = max((len(c) for c in cells), default=0)
        low = max(math.ceil(head_word * 1.15), cell_word) + 2
        minimum.append(max(_MIN_DASHES, low))
        wanted.append(max(low, math.ceil(len(head) * 1.15) + 2, cell_len + 2))
    if sum(wanted) <= _TEXT_WIDTH_CHARS:
        return wanted
    spare = _TEXT_WIDTH_CHARS - sum(minimum)
    extra = [w - m for w, m in zip(wanted, minimum)]
    if spare <= 0 or sum(extra) == 0:
        return minimum
    return [m + round(spare * e / sum(extra)) for m, e in zip(minimum, extra)]


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


def table_markdown(
    df,
    caption: str,
    label: str,
    *,
    col_align: str | Sequence[str] | Mapping[object, str] | None = None,
    notes: str | Iterable[str] | None = None,
) -> str:
    """Build the Markdown of :func:`show_table` (see there) and return it."""
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
            texts.append("" if value is None or not isinstance(value, str) else value)
        body.append(cells)
        raw_cells.append(texts)
    header = [_header_text(c) for c in columns]
    aligns = _resolve_alignment(col_align, columns, body, raw_cells)

    raw_header = [_header_raw(c) for c in columns]
    widths = column_widths(raw_header, raw_cells)
    seps = []
    for a, w in zip(aligns, widths):
        if a == "l":
            seps.append(":" + "-" * w)
        elif a == "r":
            seps.append("-" * w + ":")
        else:
            seps.append(":" + "-" * w + ":")

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c if c else " " for c in cells) + " |"

    lines = [line(header), "|" + "|".join(seps) + "|"]
    lines += [line(r) for r in body]
    lines += ["", f": {escape_markdown(caption)} {{#{ident}}}"]
    if notes is not None:
        items = [notes] if isinstance(notes, str) else list(notes)
        items = [n for n in items if n is not None and str(n).strip()]
        if items:
            lines += ["", "::: {.catatan-tabel}"]
            lines += ["\\\n".join(escape_markdown(n) for n in items)]
            lines += [":::"]
    return "\n".join(lines) + "\n"


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
    _display(table_markdown(df, caption, label, col_align=col_align, notes=notes))


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
        import matplotlib.pyplot as plt

        plt.close(fig)
    _display(figure_markdown(png, caption, label, alt))


# --------------------------------------------------------------------------- prose


def show_markdown(text: str) -> None:
    """Display trusted Markdown prose as is.

    Only for text the project controls (``params/teks``, ``params/prose``, the
    narrative templates); every value put into it must have gone through
    :func:`escape_markdown`.
    """
    _display(str(text).strip("\n") + "\n")


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
    _display(heading_markdown(text, level, unnumbered=unnumbered, label=label))


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
    _display(signature_markdown(place, date_text, jabatan, nama, pangkat, nip))
