"""Tests of lkjip_helpers.laporan.charts: one accessible, deterministic style."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from lkjip_helpers.laporan import charts
from lkjip_helpers.laporan import display as report  # noqa: E402


def _luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    rgb = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast_with_white(hex_colour: str) -> float:
    return 1.05 / (_luminance(hex_colour) + 0.05)


def _data():
    return pd.DataFrame(
        {
            "tahun": [2014, 2015, 2016, 2017],
            "target": [70.0, 72.0, 75.0, 76.0],
            "realisasi": [71.5, 70.1, 75.95, 86.26],
            "anggaran": [1_200_000.0, 3_400_000.0, 5_000_000.0, 6_500_000.5],
        }
    )


@pytest.mark.parametrize("colour", charts.PALETTE + (charts.NEUTRAL,))
def test_palette_has_enough_contrast_on_white(colour):
    assert _contrast_with_white(colour) >= 3.0


def test_palette_markers_hatches_are_distinct():
    assert len(set(charts.PALETTE)) == len(charts.PALETTE)
    assert len(set(charts.MARKERS)) == len(charts.MARKERS)
    assert len(set(charts.HATCHES)) == len(charts.HATCHES)


def test_decimals_needed():
    assert charts.decimals_needed([0, 20, 40]) == 0
    assert charts.decimals_needed([75, 77.5, 80]) == 1
    assert charts.decimals_needed([0.25, 0.5, 0.75]) == 2
    assert charts.decimals_needed([]) == 0


def test_formatter_is_indonesian():
    fmt = charts.IndonesianFormatter()
    fmt.set_locs([0, 2500.5, 5000])
    assert fmt(2500.5) == "2.500,5"
    assert fmt(0) == "0,0"
    pct = charts.IndonesianFormatter(decimals=0, suffix="%")
    assert pct(110) == "110%"
    custom = charts.IndonesianFormatter(decimals=1, number_format=lambda x, d: f"<{x:.{d}f}>")
    assert custom(3) == "<3.0>"


def _tick_labels(fig: Figure, axis: str = "y") -> list[str]:
    fig.canvas.draw()
    ax = fig.axes[0]
    ticks = ax.get_yticklabels() if axis == "y" else ax.get_xticklabels()
    return [t.get_text() for t in ticks if t.get_text()]


def test_line_chart_returns_figure_with_indonesian_axis():
    fig = charts.line_chart(_data(), "tahun", "anggaran", annotate=True)
    assert isinstance(fig, Figure)
    labels = _tick_labels(fig)
    assert any("." in lab for lab in labels)  # thousands separator
    assert all("," not in lab for lab in labels)  # whole numbers: no decimals
    assert _tick_labels(fig, "x") == ["2014", "2015", "2016", "2017"]  # years unformatted
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "6.500.000,50" in texts  # annotate_decimals defaults to 2
    assert fig.axes[0].get_legend() is None


def test_line_chart_two_series_has_legend_and_markers():
    fig = charts.line_chart(_data(), "tahun", ["target", "realisasi"], labels=["T", "R"])
    ax = fig.axes[0]
    assert [line.get_marker() for line in ax.lines] == list(charts.MARKERS[:2])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["T", "R"]


def test_bar_chart_grouped_stacked_horizontal():
    df = _data()
    grouped = charts.bar_chart(df, "tahun", ["target", "realisasi"], annotate=True)
    assert len(grouped.axes[0].patches) == 8
    stacked = charts.bar_chart(df, "tahun", ["target", "realisasi"], stacked=True)
    bars = stacked.axes[0].patches
    # second series sits on the first
    assert bars[4].get_y() == pytest.approx(bars[0].get_height())
    horizontal = charts.bar_chart(df, "tahun", "anggaran", horizontal=True)
    assert horizontal.axes[0].yaxis_inverted()


def test_target_vs_realisasi_differs_without_colour():
    fig = charts.target_vs_realisasi(_data(), "tahun", "target", "realisasi")
    ax = fig.axes[0]
    hatches = {p.get_hatch() for p in ax.patches}
    assert "//" in hatches and None in hatches
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["Target", "Realisasi"]
    texts = [t.get_text() for t in ax.texts]
    assert "86,26" in texts


def test_errors_name_the_problem():
    with pytest.raises(KeyError, match="tidak_ada"):
        charts.line_chart(_data(), "tahun", "tidak_ada")
    with pytest.raises(ValueError, match="labels"):
        charts.bar_chart(_data(), "tahun", ["target", "realisasi"], labels=["satu"])


def test_charts_are_deterministic_and_do_not_touch_global_style():
    before = dict(mpl.rcParams)
    a = report.figure_png(charts.target_vs_realisasi(_data(), "tahun", "target", "realisasi"))
    b = report.figure_png(charts.target_vs_realisasi(_data(), "tahun", "target", "realisasi"))
    assert a == b
    assert dict(mpl.rcParams) == before


def test_style_context_applies_the_report_font():
    with charts.style():
        assert mpl.rcParams["font.family"] == ["DejaVu Sans"]
        assert mpl.rcParams["font.size"] == 10


def test_missing_value_is_annotated_once_not_drawn_as_zero():
    df = pd.DataFrame({"k": ["A", "B"], "a": [75.0, float("nan")], "b": [75.0, float("nan")]})
    fig = charts.bar_chart(df, "k", ["a", "b"], annotate=True, label_kosong="tidak dapat diukur")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts].count("tidak dapat diukur") == 1
    # no bar of height 0 is labelled as a value for the missing category
    bar_labels = [t.get_text() for t in ax.texts if t.get_text() not in ("tidak dapat diukur",)]
    assert "0" not in bar_labels
    # without the option nothing is written for the missing value
    fig = charts.bar_chart(df, "k", ["a", "b"], annotate=True)
    assert "tidak dapat diukur" not in [t.get_text() for t in fig.axes[0].texts]
