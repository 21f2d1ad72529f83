"""Tests of lkjip_helpers.laporan.markdown: the one templating mechanism."""

from __future__ import annotations

import pypandoc
import pytest

from lkjip_helpers.core.exceptions import ParamsError
from lkjip_helpers.laporan.markdown import (
    Markdown,
    as_markdown,
    daftar,
    escape_markdown,
    isi_templat,
)

HOSTILE = ["<script>alert(1)</script>", "[klik](http://evil.example)", "*x* _y_", "#set", "{{x}}"]


def _plain(md: str) -> str:
    return pypandoc.convert_text(md, "plain", format="markdown", extra_args=["--wrap=none"]).strip()


@pytest.mark.parametrize("value", HOSTILE)
def test_values_are_escaped_template_stays_markdown(value):
    md = isi_templat("**Nama:** {nama}", {"nama": value})
    assert isinstance(md, Markdown)
    assert md.startswith("**Nama:** ")
    assert md.plain == f"**Nama:** {value}"
    html = pypandoc.convert_text(md, "html", format="markdown-raw_html")
    assert "<strong>Nama:</strong>" in html
    assert "<script" not in html and "<a " not in html and "<em>" not in html
    assert _plain(md).endswith(value)


def test_markdown_values_are_inserted_as_is_and_never_escaped_twice():
    inner = isi_templat("*{a}*", {"a": "1.5"})
    outer = isi_templat("Lihat {x}", {"x": inner})
    assert outer == "Lihat *1\\.5*"
    assert escape_markdown(inner) is inner
    assert as_markdown("a*b") == "a\\*b" and as_markdown(inner) is inner


def test_concatenation_escapes_the_plain_side():
    md = Markdown("**a**")
    assert md + "<b>" == "**a**\\<b\\>"
    assert "- " + md == "\\- **a**"
    assert isinstance("x" + md, Markdown)


def test_daftar_builds_a_list_with_escaped_items():
    md = daftar(["a.b", Markdown("*c*")], bernomor=True)
    assert md == "1. a\\.b\n2. *c*"
    assert daftar(["x"]) == "- x"


def test_fakta_keys_and_lines_in_errors():
    text = "Baris satu\n\nJumlah {fakta[satyalencana]} orang pada {tahun}.\n"
    values = {"tahun": "2017", "fakta": {"satyalencana": "473", "pegawai": "1.000"}}
    assert isi_templat(text, values).plain.startswith("Baris satu\n\nJumlah 473 orang")
    bad = text.replace("satyalencana", "satyalencanaa")
    with pytest.raises(ParamsError) as info:
        isi_templat(bad, values, sumber="params/prose/2017/x.md")
    msg = str(info.value)
    assert "params/prose/2017/x.md, line 3" in msg
    assert "'satyalencanaa'" in msg and "pegawai, satyalencana" in msg
    with pytest.raises(ParamsError, match=r"line 3: unknown placeholder \{tahunn\}; .*\{tahun\}"):
        isi_templat(text.replace("{tahun}", "{tahunn}"), values, sumber="x.md")


def test_unbalanced_braces_are_a_clear_error():
    with pytest.raises(ParamsError, match="literal braces"):
        isi_templat("a { b", {}, sumber="x.md")


def test_text_templates_read_literally():
    md = isi_templat('Sasaran "{s}" *tetap*', {"s": "A.B"}, markdown=False)
    assert md == 'Sasaran \\"A\\.B\\" \\*tetap\\*'
    assert md.plain == 'Sasaran "A.B" *tetap*'


def test_concatenating_two_markdown_texts_escapes_neither():
    left, right = Markdown("a\\."), Markdown(" **b**")
    assert left + right == "a\\. **b**"
    joined = Markdown("x")
    joined += " " + right
    assert joined == "x  **b**"
