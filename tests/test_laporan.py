"""The report context and its tables (laporan.py, laporan_tabel.py) on the shipped data."""

from __future__ import annotations

import pandas as pd
import pytest

from lkjip_helpers.core.exceptions import MissingDataError, ParamsError
from lkjip_helpers.laporan import context as laporan
from lkjip_helpers.laporan import formatting as fmt
from lkjip_helpers.laporan import tables as lt
from tests.agensi_uji import contoh


def test_capaian_is_computed_for_every_iku(ctx):
    # the example's published figures: tests/test_acceptance_angka.py
    assert list(ctx.capaian["kode"]) == [i.kode for i in ctx.agency.iku_aktif(ctx.tahun)]
    positif = ctx.capaian[ctx.capaian["polaritas"] == "positif"]
    assert (positif["capaian"] == positif["realisasi"] / positif["target"] * 100).all()
    assert ctx.capaian["kategori"].notna().all()


def test_budget_per_sasaran_recomputed_from_activities(ctx):
    # the example's published figures: tests/test_acceptance_angka.py
    out = lt.anggaran_sasaran(ctx)
    assert len(out) and (out["anggaran"] > 0).all()
    assert (out["serapan"] - out["realisasi"] / out["anggaran"] * 100).abs().max() < 1e-9
    assert ((out["efisiensi"] + out["serapan"]) == 100).all()


def test_composition_total_is_the_sum_when_none_is_printed():
    frame = pd.DataFrame(
        {
            "golongan": ["II/a", "III/a"],
            "jenis_baris": ["rincian", "rincian"],
            "tahun": [2017, 2017],
            "jumlah": [2, 1],
        }
    )
    table = lt.tabel_komposisi(frame, "golongan", "Golongan")
    assert table.iloc[-1].tolist() == ["Jumlah", "3", "100,00%"]
    assert table.iloc[0]["% 2017"] == "66,67%"
    assert table.attrs["catatan"] == []


def _misprint(persen_s1):
    return pd.DataFrame(
        {
            "pendidikan": ["SLTA", "S1", "S2", "JUMLAH"],
            "jenis_baris": ["rincian", "rincian", "rincian", "jumlah"],
            "tahun": [2017] * 4,
            "jumlah": [16, 7, 4, 37],  # S1 printed 7; total 37 and 45,95% say 17
            "persen": [43.24, persen_s1, 10.81, None],
        }
    )


def test_misprinted_row_is_corrected_total_kept():
    table = lt.tabel_komposisi(_misprint(45.95), "pendidikan", "Pendidikan", nama_tabel="x")
    rows = table.set_index("Pendidikan")
    assert rows.at["S1", "2017"] == "17" and rows.at["Jumlah", "2017"] == "37"
    assert rows.at["S1", "% 2017"] == "45,95%"
    (note,) = (n.plain for n in table.attrs["catatan"])
    assert "tercetak 7" in note and "17" in note and "Lampiran" in note


def test_ambiguous_row_is_shown_as_published():
    # the printed percentage does not give a value that makes the rows add up
    table = lt.tabel_komposisi(_misprint(20.0), "pendidikan", "Pendidikan")
    rows = table.set_index("Pendidikan")
    assert rows.at["S1", "2017"] == "7"
    assert rows.at["Jumlah", "2017"] == "37"  # the published total, never a new derived one
    (note,) = (n.plain for n in table.attrs["catatan"])
    assert "sebagaimana tercetak (37)" in note and "27" in note


@contoh
def test_staff_table_shows_the_year_with_its_total(ctx):
    # the example's printed figures (42 PNS): tests/test_acceptance_angka.py
    table = lt.tabel_komposisi(
        ctx.t("pns_pendidikan"), "pendidikan", "Pendidikan", nama_tabel="pns_pendidikan"
    )
    rows = table.set_index("Pendidikan")
    assert str(ctx.tahun) in rows.columns and f"% {ctx.tahun}" in rows.columns
    assert rows.at["Jumlah", str(ctx.tahun)] not in ("", None)
    source = lt.sumber_terbitan("pns_pendidikan")
    assert any(source in n.plain for n in table.attrs["catatan"])


@contoh
def test_source_of_each_realisasi(ctx):
    table = lt.tabel_sumber_realisasi(ctx).set_index("Kode")
    # entered, with its evidence; the published table named as the published report's
    assert "Tabel 3.5 LKjIP terbitan" in table.at["IKU-1", "Asal data"]
    assert "kasus tahun 2016: 21" in table.at["IKU-3", "Asal data"]
    assert table.at["IKU-4", "Asal data"].startswith("Angka yang dilaporkan")
    for text in table["Asal data"]:
        assert "_" not in text  # no identifiers (table, rule or column names)


def test_evidence_names_published_tables():
    assert lt.bukti_terbitan("lihat Tabel 3.5 dan Tabel 3.27") == (
        "lihat Tabel 3.5 LKjIP terbitan dan Tabel 3.27 LKjIP terbitan"
    )
    assert lt.bukti_terbitan("Tabel 3.5 LKjIP terbitan") == "Tabel 3.5 LKjIP terbitan"
    assert lt.uraian_masukan({"kasus_2016": 21, "rata_rata": 3.5}) == (
        "kasus tahun 2016: 21; rata rata: 3,5"
    )


def test_sumber_sentences_are_indonesian(ctx):
    for kode in ctx.realisasi:
        text = lt.kalimat_sumber(ctx, kode)
        assert "_" not in text and "aturan" not in text and "tabel " not in text


def test_scale_uses_the_sign(ctx):
    assert any(r.startswith("≥") for r in lt.tabel_skala(ctx)["Rentang Capaian (%)"])
    assert not any(">=" in r for r in lt.tabel_skala(ctx)["Rentang Capaian (%)"])


def test_prose_placeholders_are_filled_and_escaped(tmp_path):
    path = tmp_path / "x.md"
    path.write_text("## Judul\n\nTahun {tahun}: {nama}\n", encoding="utf-8")
    text = laporan.isi_teks(path, {"tahun": "2017", "nama": "<b>*x*</b>"})
    assert text.startswith("### Judul")  # demoted: prose sits inside a section
    assert "<b>" not in text and "\\*x\\*" in text


def test_unknown_placeholder_names_the_file(tmp_path):
    path = tmp_path / "x.md"
    path.write_text("Nilai {tidak_ada}\n", encoding="utf-8")
    with pytest.raises(
        ParamsError,
        match=r"x\.md, line 1: unknown placeholder \{tidak_ada\}; known placeholders: \{tahun\}",
    ):
        laporan.isi_teks(path, {"tahun": "2017"})
    with pytest.raises(MissingDataError, match="prose file not found"):
        laporan.isi_teks(tmp_path / "missing.md", {})


def test_sections_split_at_level_two():
    parts = laporan.bagi_seksi("awal\n\n## A\n\nteks a\n\n### A1\n\n## B\nteks b")
    assert list(parts) == ["", "A", "B"]
    assert parts["A"].splitlines()[-1] == "#### A1"


def test_fakta_with_unit_and_small_counts_in_words():
    # facts are printed like targets: no trailing zeros (94%, 473 orang)
    assert fmt.nilai_satuan(94, "persen", ringkas=True) == "94%"
    assert fmt.nilai_satuan(94.86, "persen", ringkas=True) == "94,86%"
    assert fmt.nilai_satuan(473, "orang", ringkas=True) == "473 orang"
    assert laporan.terbilang(2) == "2 (dua)"


def test_tujuan_realisasi_is_belum_diukur_without_data(ctx):
    table = lt.tabel_tujuan(ctx)
    assert set(table[f"Realisasi {ctx.tahun}"]) == {"belum diukur"}


@contoh
def test_computed_iku_history_from_its_own_table(ctx):
    # IKU-3's cases table carries 2015-2017: 2016 is (21 - 21) / 21 = 0%
    hist = lt.riwayat_iku(ctx, "IKU-3").set_index("tahun")
    assert list(hist.index) == [2016, 2017]
    assert hist.at[2016, "realisasi"] == 0 and pd.isna(hist.at[2016, "capaian"])
    assert lt.tabel_riwayat_iku(ctx, "IKU-3").iloc[0].tolist()[:3] == ["2016", "–", "0,00%"]


@contoh
def test_computed_iku_without_its_input_is_reported_not_measured(repo_copy):
    """IKU-3 (cara: hitung from kasus_disiplin) with the year before removed: the data
    step and the report context carry it as "tidak dapat diukur", with the reason."""
    from lkjip_helpers.build.data_step import build_data
    from lkjip_helpers.indikator.capaian import KATEGORI_TIDAK_TERUKUR

    raw = repo_copy / "data" / "raw" / "2017" / "kasus_disiplin.csv"
    lines = raw.read_text(encoding="utf-8").splitlines(keepends=True)
    raw.write_text("".join(line for line in lines if not line.startswith("2016,")), "utf-8")
    build_data(2017)
    ctx = laporan.konteks(2017)
    row = ctx.capaian.set_index("kode").loc["IKU-3"]
    assert pd.isna(row["capaian"]) and row["kategori"] == KATEGORI_TIDAK_TERUKUR
    assert "jumlah kasus tahun 2016 tidak tersedia" in row["keterangan"]
    assert not ctx.realisasi["IKU-3"].tersedia
    others = ctx.capaian.set_index("kode").drop(index="IKU-3")
    assert others["capaian"].notna().all()


def test_report_year_of_a_notebook_opened_outside_a_build(tmp_path, monkeypatch):
    """A notebook's default ``year = None`` is the agency's latest year with params and data."""
    from lkjip_helpers.tahun_baru.agensi_baru import create_new_agency

    assert laporan.tahun_laporan(2019) == 2019  # papermill's year is kept
    create_new_agency(tmp_path / "a", 2024, echo=None)
    monkeypatch.setenv("LKJIP_ROOT", str(tmp_path / "a"))
    monkeypatch.delenv("LKJIP_AGENCY", raising=False)
    assert laporan.tahun_laporan(None) == 2024
    # a later params file without its data folder is not a report year yet
    (tmp_path / "a" / "params" / "2025.yaml").write_text("tahun: 2025\n", encoding="utf-8")
    assert laporan.tahun_laporan(None) == 2024
    (tmp_path / "a" / "params" / "2024.yaml").unlink()
    with pytest.raises(MissingDataError, match="no report year"):
        laporan.tahun_laporan(None)


def test_notebooks_default_to_the_agency_year_not_a_literal_one():
    import json

    from tests.agensi_uji import ROOT

    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = [
            c for c in json.loads(path.read_text("utf-8"))["cells"] if c["cell_type"] == "code"
        ]
        assert "parameters" in cells[0]["metadata"].get("tags", []), path.name
        assert "year = None" in "".join(cells[0]["source"]), path.name
        assert "year = laporan.tahun_laporan(year)" in "".join(cells[1]["source"]), path.name
