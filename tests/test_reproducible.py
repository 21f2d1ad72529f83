"""Two builds of the same inputs give the same bytes."""

from __future__ import annotations

import re

import pytest

from tests.agensi_uji import TAHUN

pytestmark = pytest.mark.e2e

EPOCH = "1514764800"  # 2018-01-01
FILES = ["capaian_iku.csv", "audit.csv", f"lkjip-{TAHUN}.html"]


def _strip_dates(pdf: bytes) -> bytes:
    pdf = re.sub(rb"/(CreationDate|ModDate)\s*\([^)]*\)", b"", pdf)
    return re.sub(rb"<xmp:(CreateDate|ModifyDate|MetadataDate)>[^<]*<", b"<", pdf)


def test_two_builds_identical(repo_copy, monkeypatch):
    from lkjip_helpers.build.pipeline import build_report
    from lkjip_helpers.laporan import context as laporan

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    out = repo_copy / "outputs" / str(TAHUN)
    build_report(TAHUN, progress=False, use_cache=False)
    first = {name: (out / name).read_bytes() for name in [*FILES, f"lkjip-{TAHUN}.pdf"]}
    laporan.konteks.cache_clear()
    build_report(TAHUN, progress=False, use_cache=False)
    for name in FILES:
        assert (out / name).read_bytes() == first[name], name
    second_pdf = (out / f"lkjip-{TAHUN}.pdf").read_bytes()
    assert _strip_dates(second_pdf) == _strip_dates(first[f"lkjip-{TAHUN}.pdf"])
