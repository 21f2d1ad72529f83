"""Tests of lkjip_helpers.laporan.sentences and params/narrative.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from lkjip_helpers.core.exceptions import ParamsError
from lkjip_helpers.laporan import sentences
from lkjip_helpers.laporan.markdown import Markdown
from lkjip_helpers.laporan.sentences import load_templat
from tests.agensi_uji import params_file


def _teks(fn):
    """The sentence as a reader reads it (the Markdown has its values escaped)."""

    def call(*args, **kwargs):
        result = fn(*args, **kwargs)
        assert isinstance(result, Markdown)
        return result.plain

    return call


# Wording tests read the plain text; escaping is tested on the Markdown below.
isi = _teks(sentences.isi)
kalimat_anggaran = _teks(sentences.kalimat_anggaran)
kalimat_capaian_baris = _teks(sentences.kalimat_capaian_baris)
kalimat_capaian_iku = _teks(sentences.kalimat_capaian_iku)
kalimat_rata_sasaran = _teks(sentences.kalimat_rata_sasaran)
kalimat_tren = _teks(sentences.kalimat_tren)

REPO = Path(__file__).resolve().parent.parent
NARRATIVE = params_file("narrative.yaml")  # the agency's, or the package default


@pytest.fixture(autouse=True)
def _repo(monkeypatch):
    monkeypatch.setenv("LKJIP_ROOT", str(REPO))


def test_capaian_sentence_of_the_seed():
    s = kalimat_capaian_iku(
        "Persentase Aparatur yang Memiliki Kompetensi Sesuai Syarat Jabatan",
        83.85,
        76,
        83.85 / 76 * 100,
        "Sangat Baik",
    )
    assert s == (
        'Indikator "Persentase Aparatur yang Memiliki Kompetensi Sesuai Syarat Jabatan" '
        "dengan realisasi sebesar 83,85% dari target 76% sehingga capaian sebesar "
        "110,33% (Sangat Baik)."
    )


def test_capaian_sentence_score_unit_and_row():
    row = {
        "kode": "IKU-4",
        "sasaran": "S2",
        "indikator": "Skor Nilai Survei Kepuasan Masyarakat",
        "satuan": "skor",
        "polaritas": "positif",
        "target": 76.0,
        "realisasi": 86.26,
        "capaian": 113.5,
        "capaian_dibatasi": 100.0,
        "skor": 4,
        "kategori": "Sangat Baik",
    }
    assert kalimat_capaian_baris(row) == (
        'Indikator "Skor Nilai Survei Kepuasan Masyarakat" dengan realisasi sebesar 86,26 '
        "dari target 76 sehingga capaian sebesar 113,50% (Sangat Baik)."
    )


def test_target_with_decimals():
    s = kalimat_capaian_iku("X", 99.4, 96.5, 103.0, "Sangat Baik")
    assert "dari target 96,5%" in s


def test_trend_sentences():
    naik = kalimat_tren("Nilai IKM", 86.26, 75.95, 2017, "skor")
    assert naik == (
        "Nilai IKM tahun 2017 sebesar 86,26, naik 10,31 poin dibandingkan tahun 2016 sebesar 75,95."
    )
    turun = kalimat_tren("Gap kompetensi", 16.15, 17, 2017, "persen")
    assert "turun 0,85 poin persentase" in turun
    assert "sebesar 17,00%." in turun
    tetap = kalimat_tren("Jumlah kasus", 21, 21, 2016, "kasus", tahun_lalu=2015)
    assert tetap == "Jumlah kasus tahun 2016 sebesar 21 kasus, tetap sama dengan tahun 2015."
    kasus = kalimat_tren("Jumlah kasus", 17, 21, 2017, "kasus")
    assert "turun 4 kasus dibandingkan tahun 2016 sebesar 21 kasus." in kasus


def test_budget_sentence_sasaran_i():
    s = kalimat_anggaran('pada sasaran "Meningkatnya Kualitas SDM ASN"', 3375901000, 3147559103)
    assert s == (
        'Anggaran pada sasaran "Meningkatnya Kualitas SDM ASN" sebesar Rp3.375.901.000,00 '
        "terealisasi sebesar Rp3.147.559.103,00 atau terserap 93,24%, dengan sisa anggaran "
        "Rp228.341.897,00."
    )


def test_sasaran_average_sentence():
    s = kalimat_rata_sasaran("Meningkatnya Kualitas Pelayanan", 113.5, "Sangat Baik", 1)
    assert s == (
        'Rata-rata capaian sasaran "Meningkatnya Kualitas Pelayanan" dari 1 indikator '
        "sebesar 113,50% (Sangat Baik)."
    )


@pytest.mark.parametrize(
    "nama",
    ["{{x}}", "{x}", "{nama}", "{0}", "<script>alert(1)</script>", "{realisasi.__class__}", "}{"],
)
def test_values_are_never_template_syntax(nama):
    s = kalimat_capaian_iku(nama, 83.85, 76, 110.33, "Sangat Baik")
    assert s.startswith(f'Indikator "{nama}" dengan realisasi sebesar 83,85%')
    assert kalimat_anggaran(nama, 100, 50).startswith(f"Anggaran {nama} sebesar Rp100,00")
    assert kalimat_tren(nama, 1, 0, 2017).startswith(f"{nama} tahun 2017")
    assert kalimat_rata_sasaran(nama, 1, nama).endswith(f"({nama}).")


@given(st.text())
def test_any_name_is_inserted_verbatim(nama):
    s = kalimat_capaian_iku(nama, 83.85, 76, 110.33, "Sangat Baik")
    assert s.startswith(f'Indikator "{nama}" dengan')


@pytest.mark.parametrize("nama", ["<script>alert(1)</script>", "[klik](http://x)", "*a* #b"])
def test_sentence_is_markdown_with_escaped_values(nama):
    import pypandoc

    s = sentences.kalimat_capaian_iku(nama, 83.85, 76, 110.33, "Sangat Baik")
    assert nama not in s  # escaped in the Markdown ...
    html = pypandoc.convert_text(s, "html", format="markdown-raw_html")
    assert "<script" not in html and "<a " not in html and "<em>" not in html
    plain = pypandoc.convert_text(s, "plain", format="markdown", extra_args=["--wrap=none"])
    assert nama in plain  # ... and read literally


def test_sentence_wording_reads_literally(tmp_path, monkeypatch):
    # Sentences are text templates: quotes stay straight, a * stays a *.
    monkeypatch.setenv("LKJIP_ROOT", str(tmp_path))
    path = _custom(tmp_path, capaian_iku='"{kode}" *{nama}*: {capaian}.')
    t = load_templat(path)
    s = sentences.kalimat_capaian_iku("A*B", 1, 1, 100, "Baik", kode="IKU-1", templat=t)
    assert s == '\\"IKU\\-1\\" \\*A\\*B\\*\\: 100\\,00\\%\\.'
    assert s.plain == '"IKU-1" *A*B*: 100,00%.'


def _custom(tmp_path: Path, **changes) -> Path:
    data = yaml.safe_load(NARRATIVE.read_text(encoding="utf-8"))
    for key, value in changes.items():
        if value is None:
            del data["kalimat"][key]
        else:
            data["kalimat"][key] = value
    path = tmp_path / "params" / "narrative.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_wording_is_changed_in_yaml(tmp_path, monkeypatch):
    monkeypatch.setenv("LKJIP_ROOT", str(tmp_path))
    path = _custom(
        tmp_path,
        capaian_iku="{kode}: {nama} tercapai {capaian} ({kategori}, skor {skor}).",
        ringkasan="Capaian {jumlah} IKU {{rata-rata}}",
    )
    t = load_templat(path)
    s = kalimat_capaian_iku("X", 83.85, 76, 110.33, "Sangat Baik", kode="IKU-1", skor=4, templat=t)
    assert s == "IKU-1: X tercapai 110,33% (Sangat Baik, skor 4)."
    assert isi("ringkasan", {"jumlah": "4"}, t) == "Capaian 4 IKU {rata-rata}"
    with pytest.raises(ParamsError, match=r"kalimat.ringkasan: no value for jumlah"):
        isi("ringkasan", {}, t)
    with pytest.raises(ParamsError, match=r"kalimat.tidak_ada: no such template"):
        isi("tidak_ada", {}, t)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"capaian_iku": "Indikator {nama} {warna}"}, r"kalimat.capaian_iku: unknown placeholder"),
        ({"anggaran": "{anggaran.__class__}"}, r"kalimat.anggaran: placeholder .* is not allowed"),
        ({"anggaran": "{anggaran!r}"}, r"kalimat.anggaran: placeholder .* is not allowed"),
        ({"anggaran": "{anggaran:>20}"}, r"kalimat.anggaran: placeholder .* is not allowed"),
        ({"anggaran": "{0}"}, r"kalimat.anggaran: placeholder .* is not allowed"),
        ({"anggaran": "Anggaran {"}, r"kalimat.anggaran: invalid template"),
        ({"tren_naik": None}, r"kalimat: missing template\(s\) tren_naik"),
        ({"anggaran": ""}, r"kalimat.anggaran: expected a non-empty text"),
    ],
)
def test_invalid_templates_name_file_and_key(tmp_path, monkeypatch, changes, message):
    monkeypatch.setenv("LKJIP_ROOT", str(tmp_path))
    path = _custom(tmp_path, **changes)
    with pytest.raises(ParamsError, match=r"^params/narrative.yaml: " + message):
        load_templat(path)


def test_repository_templates_load():
    t = load_templat()
    assert {"capaian_iku", "tren_naik", "tren_turun", "tren_tetap", "anggaran"} <= set(t.kalimat)
    assert t.arah == {"naik": "naik", "turun": "turun", "tetap": "tetap"}


def test_sasaran_average_sentence_with_cap():
    s = kalimat_rata_sasaran(
        "Meningkatnya Kualitas SDM", 198.27, "Sangat Baik", 3, capaian_dibatasi=100, batas=100
    )
    assert s == (
        'Rata-rata capaian sasaran "Meningkatnya Kualitas SDM" dari 3 indikator sebesar '
        "100,00% (Sangat Baik) dengan capaian setiap indikator dibatasi paling tinggi 100%; "
        "tanpa batas tersebut rata-ratanya 198,27%."
    )
