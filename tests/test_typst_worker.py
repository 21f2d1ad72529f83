"""Tests of lkjip_helpers.build.typst_worker: Typst compiles in a process of their own."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from lkjip_helpers.build import typst_worker
from lkjip_helpers.core.exceptions import BuildError


def test_compiles_in_a_worker_that_is_kept(tmp_path):
    (tmp_path / "a.typ").write_text("= Judul\n\nTeks uji.\n", encoding="utf-8")
    assert typst_worker.compile_pdf(tmp_path / "a.typ", tmp_path / "a.pdf", tmp_path, None) == []
    assert "Teks uji." in PdfReader(str(tmp_path / "a.pdf")).pages[0].extract_text()
    worker = typst_worker._WORKER
    typst_worker.compile_pdf(tmp_path / "a.typ", tmp_path / "b.pdf", tmp_path, 1519776000)
    assert typst_worker._WORKER is worker and worker.poll() is None
    assert str(PdfReader(str(tmp_path / "b.pdf")).metadata["/CreationDate"]).startswith("D:2018")


def test_an_error_names_the_file_and_typsts_message(tmp_path):
    (tmp_path / "rusak.typ").write_text("#tidak-ada()\n", encoding="utf-8")
    with pytest.raises(BuildError, match=r"rusak\.typ(.|\n)*tidak-ada"):
        typst_worker.compile_pdf(tmp_path / "rusak.typ", tmp_path / "x.pdf", tmp_path, None)


def test_a_worker_that_died_is_replaced(tmp_path):
    (tmp_path / "a.typ").write_text("Teks.\n", encoding="utf-8")
    typst_worker.compile_pdf(tmp_path / "a.typ", tmp_path / "a.pdf", tmp_path, None)
    typst_worker._WORKER.kill()
    typst_worker._WORKER.wait()
    typst_worker.compile_pdf(tmp_path / "a.typ", tmp_path / "b.pdf", tmp_path, None)
    assert (tmp_path / "b.pdf").stat().st_size > 0


def test_a_worker_grown_past_its_limit_is_retired(tmp_path, monkeypatch):
    (tmp_path / "a.typ").write_text("Teks.\n", encoding="utf-8")
    typst_worker.compile_pdf(tmp_path / "a.typ", tmp_path / "a.pdf", tmp_path, None)
    first = typst_worker._WORKER
    monkeypatch.setattr(typst_worker, "RETIRE_MB", 0)
    typst_worker.compile_pdf(tmp_path / "a.typ", tmp_path / "b.pdf", tmp_path, None)
    assert typst_worker._WORKER is None and first.poll() is not None
    assert (tmp_path / "b.pdf").stat().st_size > 0
    monkeypatch.setattr(typst_worker, "RETIRE_MB", 400)
    typst_worker.compile_pdf(tmp_path / "a.typ", tmp_path / "c.pdf", tmp_path, None)
    assert typst_worker._WORKER is not None and typst_worker._WORKER is not first
    typst_worker.stop()
    assert typst_worker._WORKER is None
