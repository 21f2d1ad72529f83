"""The report context and its tables (laporan.py, laporan_tabel.py) on the shipped data."""

from __future__ import annotations

import pandas as pd
import pytest

from lkjip_helpers.core.exceptions import MissingDataError, ParamsError
from lkjip_helpers.laporan import context as laporan
from lkjip_helpers.laporan import tables as lt


@pytest.fixture(scope="module")
def ctx(tmp_path_factory):
    from lkjip_helpers.build.data_step import build_data
    from lkjip_helpers.build.workspace import copy_repo

    root = copy_repo(tmp_path_factory.mktemp("laporan"))
    mp = pytest.MonkeyPatch()
    mp.setenv("LKJIP_ROOT", str(root))
    laporan.konteks.cache_clear()
    build_data(2017)
    yield laporan.konteks(2017)
    laporan.konteks.cache_clear()
    mp.undo()


def test_capaian_reproduces_tabel_3_1(ctx):
    cap = ctx.capaian.set_index("kode")["capaian"].round(2).to_dict()
    assert cap == {"IKU-1": 110.33, "IKU-2": 103.54, "IKU-3": 380.95, "IKU-4": 113.5}
    assert set(ctx.capaian["kategori"]) == {"Sangat Baik"}


def test_budget_per_sasaran_recomputed_from_activities(ctx):
    out = lt.anggaran_sasaran(ctx).set_index("sasaran")
    assert round(out.at["S1", "serapan"], 2) == 93.24
    assert round(out.at["S2", "serapan"], 2) == 97.09
    assert round(out.at["S2", "efisiensi"], 2) == 2.91  # the seed prints 7,91


def test_composition_totals_are_recomputed_not_copied():
    frame = pd.DataFrame(
        {
            "golongan": ["II/a", "III/a", "JUMLAH"],
            "jenis_baris": ["rincian", "rincian", "jumlah"],
            "tahun": [2017, 2017, 2017],
            "jumlah": [2, 1, 4],  # the printed total is wrong
        }
    )
    table = lt.tabel_komposisi(frame, "golongan", "Golongan")
    assert table.iloc[-1].tolist() == ["Jumlah", "3", "100,00%"]
    assert table.iloc[0]["% 2017"] == "66,67%"


def test_renstra_progress_sentence(ctx):
    text = lt.kalimat_renstra(ctx, "IKU-4").plain
    assert "86,26" in text and "107,83%" in text and "2021" in text


def test_source_of_each_realisasi(ctx):
    table = lt.tabel_sumber_realisasi(ctx).set_index("Kode")
    assert "Tabel 3.5" in table.at["IKU-1", "Asal data"]  # entered, with its evidence
    assert "kasus_disiplin" in table.at["IKU-3", "Asal data"]
    assert table.at["IKU-4", "Asal data"].startswith("Diisi")


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


def test_value_with_unit():
    assert laporan.nilai_satuan(94, "persen") == "94%"
    assert laporan.nilai_satuan(473, "orang") == "473 orang"
    assert laporan.terbilang(2) == "2 (dua)"
