"""One chart style for the whole report, and the chart functions that use it.

* Colours: a subset of the Okabe-Ito palette (safe for the common colour-vision
  deficiencies), each with a contrast ratio of at least 3:1 against white (WCAG
  non-text contrast); series are also told apart by marker (lines) or hatch
  (bars), so no chart relies on colour alone.
* Type: DejaVu Sans (shipped with matplotlib, so every machine draws the same
  glyphs), 10 pt text and 9 pt tick labels at the report's figure width
  (16 cm, the text width of an A4 page).
* Numbers on axes and bar labels are Indonesian (``1.234,5``), formatted by
  :mod:`lkjip_helpers.laporan.formatting` (``angka``) unless a ``formatter`` is passed.
* Deterministic: figures are plain :class:`matplotlib.figure.Figure` objects (not
  registered with pyplot, so a notebook never displays them twice), nothing
  depends on the clock, and :func:`lkjip_helpers.laporan.display.show_figure` saves them
  at a fixed dpi without metadata.

Every chart function returns the Figure; pass it to ``report.show_figure``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from contextlib import contextmanager

import matplotlib as mpl
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter, MaxNLocator

from lkjip_helpers.laporan import formatting

#: Series colours, in order of use (Okabe-Ito subset, >= 3:1 contrast on white).
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#332288",  # indigo
    "#994F00",  # brown
)
#: Colour of reference elements (targets, grid labels): dark grey.
NEUTRAL = "#595959"
#: Line markers, one per series (so lines differ without colour).
MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P")
#: Bar hatches, one per series (first series plain).
HATCHES: tuple[str, ...] = ("", "//", "..", "\\\\", "xx", "--")
#: Default figure size in inches: 16 cm wide (A4 text width).
FIGSIZE: tuple[float, float] = (6.3, 3.6)

#: Matplotlib settings of the report style (applied with :func:`style`).
STYLE: dict[str, object] = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "axes.edgecolor": NEUTRAL,
    "axes.labelcolor": "#222222",
    "axes.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "axes.axisbelow": True,
    "axes.prop_cycle": mpl.cycler(color=list(PALETTE)),
    "grid.color": "#D9D9D9",
    "grid.linewidth": 0.6,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "xtick.color": "#222222",
    "ytick.color": "#222222",
    "legend.fontsize": 9,
    "legend.frameon": False,
    "lines.linewidth": 2.0,
    "lines.markersize": 6,
    "hatch.linewidth": 0.8,
    "figure.facecolor": "white",
    "figure.dpi": 100,
    "savefig.facecolor": "white",
    "svg.hashsalt": "lkjip",
    "path.simplify": False,
}


@contextmanager
def style():
    """Context manager applying :data:`STYLE` (for notebooks drawing their own chart)."""
    with mpl.rc_context(STYLE):
        yield


# --------------------------------------------------------------------------- numbers


def _default_number_format() -> Callable[[float, int], str]:
    """Tick labels as the report prints numbers (:func:`formatting.angka`)."""
    return lambda x, d: formatting.angka(x, d)


def decimals_needed(values, max_decimals: int = 6) -> int:
    """Fewest decimals (0..``max_decimals``) that print every value exactly.

    Tick values ``75, 77.5, 80`` need 1 (``77,5``); ``0.25, 0.5`` need 2.
    """
    finite = [float(v) for v in values if math.isfinite(float(v))]
    for d in range(max_decimals + 1):
        if all(abs(v - round(v, d)) <= 1e-9 * max(1.0, abs(v)) for v in finite):
            return d
    return max_decimals


class IndonesianFormatter(Formatter):
    """Tick formatter printing numbers the Indonesian way (``1.234,5``).

    All ticks of an axis share the fewest decimals that print each of them
    exactly (``75``, ``77,5``, ``80`` are printed ``75,0``, ``77,5``, ``80,0``),
    unless ``decimals`` is given.

    Parameters
    ----------
    decimals : int, optional
        Fixed number of decimals.
    suffix : str, default ""
        Appended to each label (e.g. ``"%"``).
    number_format : callable, optional
        ``(x, decimals) -> str``; default ``formatting.angka``.
    """

    def __init__(
        self,
        decimals: int | None = None,
        suffix: str = "",
        number_format: Callable[[float, int], str] | None = None,
    ):
        self.decimals = decimals
        self.suffix = suffix
        self.number_format = number_format or _default_number_format()
        self._auto = 0

    def set_locs(self, locs):
        super().set_locs(locs)
        self._auto = decimals_needed(locs)

    def __call__(self, x, pos=None):
        d = self.decimals if self.decimals is not None else self._auto
        if abs(x) < 10 ** -(d + 2):
            x = 0.0  # no "-0"
        return self.number_format(x, d) + self.suffix


def _value_formatter(formatter, decimals: int, suffix: str) -> Callable[[float], str]:
    if formatter is not None:
        return formatter
    fmt = _default_number_format()
    return lambda v: fmt(v, decimals) + suffix


# --------------------------------------------------------------------------- helpers


def _as_list(ys: str | Sequence[str]) -> list[str]:
    return [ys] if isinstance(ys, str) else list(ys)


def _check_columns(df, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise KeyError(f"columns {missing} not in the data; available: {list(df.columns)}")


def _labels(ys: list[str], labels: Sequence[str] | None) -> list[str]:
    if labels is None:
        return [str(y) for y in ys]
    if len(labels) != len(ys):
        raise ValueError(f"{len(labels)} labels for {len(ys)} series")
    return [str(lab) for lab in labels]


def _new_figure(figsize: tuple[float, float] | None) -> tuple[Figure, object]:
    fig = Figure(figsize=figsize or FIGSIZE, layout="constrained")
    ax = fig.subplots()
    return fig, ax


def _finish(
    fig: Figure,
    ax,
    *,
    title: str | None,
    xlabel: str | None,
    ylabel: str | None,
    axis_formatter: Formatter,
    horizontal: bool = False,
    legend: bool,
) -> Figure:
    if title:
        ax.set_title(title, loc="left")
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    value_axis = ax.xaxis if horizontal else ax.yaxis
    value_axis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10]))
    value_axis.set_major_formatter(axis_formatter)
    if horizontal:
        ax.grid(True, axis="x")
        ax.grid(False, axis="y")
    if legend:
        ax.legend(
            loc="upper left", bbox_to_anchor=(0, -0.12), ncols=4, borderaxespad=0, handlelength=2.5
        )
    return fig


def _categories(df, x: str) -> list[str]:
    out = []
    for v in df[x].tolist():
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        out.append(str(v))
    return out


# --------------------------------------------------------------------------- charts


def line_chart(
    df,
    x: str,
    ys: str | Sequence[str],
    *,
    labels: Sequence[str] | None = None,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    decimals: int | None = None,
    suffix: str = "",
    annotate: bool = False,
    annotate_decimals: int = 2,
    formatter: Callable[[float], str] | None = None,
    ylim: tuple[float | None, float | None] | None = None,
    figsize: tuple[float, float] | None = None,
) -> Figure:
    """Line chart of one or more series over categories (typically years).

    Parameters
    ----------
    df : pandas.DataFrame
        One row per x value, in the order to draw.
    x : str
        Column of the x categories (years are drawn as ``2017``, not ``2.017``).
    ys : str or list of str
        Column(s) of the series.
    labels : list of str, optional
        Legend labels (default: the column names). A legend is drawn for 2+ series.
    title, xlabel, ylabel : str, optional
    decimals : int, optional
        Decimals of the value axis (default: from the tick spacing).
    suffix : str, default ""
        Unit appended to axis and point labels, e.g. ``"%"``.
    annotate : bool, default False
        Print each value above its point.
    annotate_decimals : int, default 2
    formatter : callable, optional
        ``value -> str`` for point labels (default ``formatting.angka`` + suffix).
    ylim : (low, high), optional
    figsize : (width, height) in inches, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    series = _as_list(ys)
    _check_columns(df, [x, *series])
    names = _labels(series, labels)
    label_of = _value_formatter(formatter, annotate_decimals, suffix)
    with style():
        fig, ax = _new_figure(figsize)
        cats = _categories(df, x)
        pos = list(range(len(cats)))
        for i, (col, name) in enumerate(zip(series, names)):
            values = [float(v) for v in df[col].tolist()]
            ax.plot(
                pos,
                values,
                marker=MARKERS[i % len(MARKERS)],
                color=PALETTE[i % len(PALETTE)],
                label=name,
            )
            if annotate:
                for p, v in zip(pos, values):
                    if math.isfinite(v):
                        ax.annotate(
                            label_of(v),
                            (p, v),
                            textcoords="offset points",
                            # alternate above/below so two series do not collide
                            xytext=(0, 7) if i % 2 == 0 else (0, -15),
                            ha="center",
                            fontsize=8.5,
                            color="#222222",
                        )
        ax.set_xticks(pos, cats)
        ax.margins(x=0.06, y=0.15)
        if ylim is not None:
            ax.set_ylim(*ylim)
        return _finish(
            fig,
            ax,
            title=title,
            xlabel=xlabel,
            ylabel=ylabel,
            axis_formatter=IndonesianFormatter(decimals, suffix),
            legend=len(series) > 1,
        )


def bar_chart(
    df,
    x: str,
    ys: str | Sequence[str],
    *,
    stacked: bool = False,
    horizontal: bool = False,
    labels: Sequence[str] | None = None,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    decimals: int | None = None,
    suffix: str = "",
    annotate: bool = False,
    annotate_decimals: int = 0,
    formatter: Callable[[float], str] | None = None,
    colors: Sequence[str] | None = None,
    hatches: Sequence[str] | None = None,
    figsize: tuple[float, float] | None = None,
    label_kosong: str = "",
) -> Figure:
    """Grouped (default) or stacked bar chart of one or more series.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per category, in the order to draw.
    x : str
        Column of the categories.
    ys : str or list of str
        Column(s) of the series; one bar per series per category.
    stacked : bool, default False
        Stack the series instead of placing them side by side.
    horizontal : bool, default False
        Horizontal bars (long category names), first category on top.
    labels, title, xlabel, ylabel, decimals, suffix, formatter, figsize
        As in :func:`line_chart`.
    annotate : bool, default False
        Print each value on its bar (inside the segment when stacked).
    annotate_decimals : int, default 0
    colors, hatches : list of str, optional
        Override the per-series colours / hatches.
    label_kosong : str, default ""
        With ``annotate``, printed once, centred on the category, where the first
        series has no value (no bar is drawn),
        e.g. "tidak dapat diukur"; a missing value is never drawn as 0 silently.

    Returns
    -------
    matplotlib.figure.Figure
    """
    series = _as_list(ys)
    _check_columns(df, [x, *series])
    names = _labels(series, labels)
    colors = list(colors) if colors is not None else list(PALETTE)
    hatches = list(hatches) if hatches is not None else list(HATCHES)
    label_of = _value_formatter(formatter, annotate_decimals, suffix)
    with style():
        fig, ax = _new_figure(figsize)
        cats = _categories(df, x)
        n = len(series)
        pos = list(range(len(cats)))
        group = 0.8
        width = group if stacked or n == 1 else group / n
        base = [0.0] * len(cats)
        for i, (col, name) in enumerate(zip(series, names)):
            values = [float(v) for v in df[col].tolist()]
            clean = [v if math.isfinite(v) else 0.0 for v in values]
            if stacked:
                where = pos
            else:
                where = [p - group / 2 + width * (i + 0.5) for p in pos]
            kwargs = dict(
                color=colors[i % len(colors)],
                edgecolor="white" if not hatches[i % len(hatches)] else "#222222",
                linewidth=0.6,
                hatch=hatches[i % len(hatches)] or None,
                label=name,
            )
            if horizontal:
                bars = ax.barh(where, clean, height=width, left=base if stacked else None, **kwargs)
            else:
                bars = ax.bar(where, clean, width=width, bottom=base if stacked else None, **kwargs)
            if annotate:
                texts = [label_of(v) if math.isfinite(v) else "" for v in values]
                ax.bar_label(
                    bars,
                    labels=texts,
                    label_type="center" if stacked else "edge",
                    padding=0 if stacked else 2,
                    fontsize=8.5,
                    color="white" if stacked else "#222222",
                )
            if stacked:
                base = [b + v for b, v in zip(base, clean)]
        if annotate and label_kosong:
            # a missing value is said once, centred on its category, never drawn as 0
            first = [float(v) for v in df[series[0]].tolist()]
            for p, v in zip(pos, first):
                if math.isfinite(v):
                    continue
                if horizontal:
                    ax.text(0, p, f" {label_kosong}", ha="left", va="center", fontsize=8.5)
                else:
                    ax.text(p, 0, label_kosong, ha="center", va="bottom", fontsize=8.5)
        if horizontal:
            ax.set_yticks(pos, cats)
            ax.invert_yaxis()
            ax.margins(x=0.1)
        else:
            ax.set_xticks(pos, cats)
            ax.margins(y=0.12)
        return _finish(
            fig,
            ax,
            title=title,
            xlabel=xlabel,
            ylabel=ylabel,
            axis_formatter=IndonesianFormatter(decimals, suffix),
            horizontal=horizontal,
            legend=n > 1,
        )


def target_vs_realisasi(
    df,
    x: str,
    target: str,
    realisasi: str,
    *,
    labels: tuple[str, str] = ("Target", "Realisasi"),
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    decimals: int | None = None,
    suffix: str = "",
    annotate: bool = True,
    annotate_decimals: int = 2,
    formatter: Callable[[float], str] | None = None,
    figsize: tuple[float, float] | None = None,
    label_kosong: str = "",
) -> Figure:
    """Target and realisasi side by side per category (year or indicator).

    The target is drawn as a hatched light bar outlined in dark grey, the
    realisasi as a solid blue bar: distinguishable in greyscale and without colour.

    Parameters
    ----------
    df : pandas.DataFrame
    x : str
        Column of the categories (e.g. ``tahun`` or the indicator code).
    target, realisasi : str
        Columns of the target and the achieved value.
    labels : (str, str), default ("Target", "Realisasi")
    annotate : bool, default True
        Print the values on the bars.
    title, xlabel, ylabel, decimals, suffix, annotate_decimals, formatter, figsize, label_kosong
        As in :func:`bar_chart`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    return bar_chart(
        df,
        x,
        [target, realisasi],
        labels=list(labels),
        title=title,
        xlabel=xlabel,
        ylabel=ylabel,
        decimals=decimals,
        suffix=suffix,
        annotate=annotate,
        annotate_decimals=annotate_decimals,
        formatter=formatter,
        colors=["#E6E6E6", PALETTE[0]],
        hatches=["//", ""],
        figsize=figsize,
        label_kosong=label_kosong,
    )
