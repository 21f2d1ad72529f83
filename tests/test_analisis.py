"""Analyses per IKU and sasaran (laporan/analisis.py) on the shipped 2017 data."""

from __future__ import annotations

import pytest

from lkjip_helpers.laporan import analisis
from lkjip_helpers.laporan import formatting as fmt
from tests.agensi_uji import contoh


def test_bab_iv_concludes_every_iku(ctx):
    # the example's published figures and trend: tests/test_acceptance_angka.py
    for r in ctx.capaian.itertuples():
        text = _plain_of(analisis.kalimat_simpulan_iku)(ctx, r.kode)
        assert fmt.persen(r.capaian) in text and r.kategori in text


def test_simpulan_table_has_one_row_per_iku(ctx):
    table = analisis.tabel_simpulan(ctx)
    assert len(table) == len(ctx.capaian)
    # the capped value beside the raw one where the cap changed it
    assert table["Capaian"].tolist() == [
        fmt.capaian(r.capaian, r.capaian_dibatasi) for r in ctx.capaian.itertuples()
    ]


def test_sasaran_conclusion_with_budget(ctx):
    from lkjip_helpers.laporan import tables as lt

    kode = ctx.agency.sasaran[0].kode
    text = _plain_of(analisis.kalimat_simpulan_sasaran)(ctx, kode)
    serapan = lt.anggaran_sasaran(ctx).set_index("sasaran").at[kode, "serapan"]
    assert fmt.persen(serapan) in text


def test_ikhtisar_tables(ctx):
    iku = analisis.tabel_ikhtisar(ctx)
    assert len(iku) == len(ctx.capaian)
    # the example's printed budget figures: tests/test_acceptance_angka.py
    ang = analisis.tabel_ikhtisar_anggaran(ctx).set_index("Uraian")
    assert {"Belanja Langsung (BL)", "Jumlah"} <= set(ang.index)
    assert ang.at["Jumlah", "Realisasi"].startswith("Rp")


@contoh
def test_budget_per_iku_from_its_kegiatan(ctx):
    a = analisis.anggaran_iku(ctx).set_index("kode_iku")
    assert a.at["IKU-1", "anggaran"] == pytest.approx(3226821000)
    assert a.at["IKU-3", "jumlah_kegiatan"] == 2
    assert "IKU-2" not in a.index  # no kegiatan of its own
    assert "tanpa kegiatan" in _plain_of(analisis.kalimat_efisiensi_iku)(ctx, "IKU-2")
    assert "92,95%" in _plain_of(analisis.kalimat_efisiensi_iku)(ctx, "IKU-1")
    eff = analisis.tabel_efisiensi(ctx)
    assert eff["Serapan"].tolist()[0] == "93,24%"  # sasaran I, not 100 - serapan


@contoh
def test_renstra_remaining_years(ctx):
    p = analisis.renstra_progres(ctx, "IKU-1")
    assert p["tahun"].tolist() == [2018, 2019, 2020, 2021]
    text = _plain_of(analisis.kalimat_renstra_sisa)(ctx, "IKU-1")
    assert "telah mencapai target akhir Renstra tahun 2021 sebesar 80%" in text
    table = analisis.tabel_renstra_sisa(ctx, "IKU-4")
    assert table.iloc[-1].tolist()[:2] == ["2021", "80"]
    # progress towards the end target, by the IKU's own capaian formula
    text = _plain_of(analisis.kalimat_renstra_sisa)(ctx, "IKU-4")
    assert "86,26" in text and "107,83%" in text and "2021" in text


@contoh
def test_renstra_still_needed_per_year(ctx, monkeypatch):
    iku = ctx.agency.iku_by_kode("IKU-1")
    monkeypatch.setitem(iku.target_renstra, 2021, 95.85)
    text = _plain_of(analisis.kalimat_renstra_sisa)(ctx, "IKU-1")
    # (95,85 - 83,85) / 4 remaining years = 3,00 per year
    assert "rata-rata 3,00% per tahun selama 4 tahun tersisa" in text
    assert analisis.tabel_renstra_sisa(ctx, "IKU-1").iloc[-1, 2] == "kurang 12,00%"


@contoh
def test_programmes_of_an_iku(ctx):
    t = analisis.tabel_program_iku(ctx, "IKU-4")
    assert len(t) == 1 and t.iloc[0]["Serapan"] == "97,09%"
    assert analisis.tabel_program_iku(ctx, "IKU-2").empty


@contoh
def test_prose_values(ctx):
    v = analisis.nilai_prosa_iku(ctx, "IKU-3")
    assert v["masukan"]["kasus_lalu"] == "21" and v["masukan"]["kasus"] == "17"
    assert analisis.nilai_prosa_iku(ctx, "IKU-1")["iku_sisa_penuh"] == "16,15%"


@contoh
def test_standard_is_optional(ctx, monkeypatch):
    from lkjip_helpers.core import config
    from lkjip_helpers.core.schema import read_yaml

    assert _plain_of(analisis.kalimat_standar)(ctx, "IKU-4") == ""  # none declared
    raw = read_yaml(config.agency_file())
    raw["iku"][3]["standar"] = {"nilai": 90, "sumber": "rata-rata nasional"}
    monkeypatch.setattr(analisis, "standar_iku", lambda ctx, kode: laporan_standar(raw, kode))
    text = _plain_of(analisis.kalimat_standar)(ctx, "IKU-4")
    assert "3,74 di bawah standar rata-rata nasional sebesar 90" in text


def laporan_standar(raw, kode):
    for e in raw["iku"]:
        if e["kode"] == kode and e.get("standar"):
            return {"nilai": float(e["standar"]["nilai"]), "sumber": e["standar"]["sumber"]}
    return None


def test_standard_with_a_bad_value_is_refused(tmp_path, monkeypatch):
    from lkjip_helpers.core.exceptions import ParamsError

    (tmp_path / "params").mkdir()
    (tmp_path / "params" / "agency.yaml").write_text(
        "iku:\n  - kode: X\n    standar: {nilai: tinggi, sumber: nasional}\n", encoding="utf-8"
    )
    from lkjip_helpers.indikator.params import load_agency

    with pytest.raises(ParamsError, match=r"iku\[0\]\.standar\.nilai"):
        load_agency(tmp_path / "params" / "agency.yaml")


def _plain_of(fn):
    """The sentence as the reader reads it (a Markdown text without its escapes)."""

    def call(*args, **kwargs):
        out = fn(*args, **kwargs)
        return getattr(out, "plain", out)

    return call
