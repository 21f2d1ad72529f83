"""The notebook cache key is content-based and sees exactly what a notebook depends on."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from lkjip_helpers.build import cache
from lkjip_helpers.build.workspace import copy_repo

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
NOTEBOOK = "04_penutup.ipynb"


def _key(root: Path, notebook: str = NOTEBOOK, parameters: dict | None = None) -> str:
    return cache.notebook_key(
        root / "notebooks" / notebook,
        parameters if parameters is not None else {"year": 2017},
        [root / "data" / "processed" / "2017" / "kasus_disiplin.csv"],
        [root / "params" / "agency.yaml", root / "params" / "prose" / "2017" / "penutup.md"],
    )


@pytest.fixture
def root(repo_copy):
    processed = repo_copy / "data" / "processed" / "2017"
    processed.mkdir(parents=True, exist_ok=True)
    (processed / "kasus_disiplin.csv").write_text("tahun,jumlah_kasus\n2017,17\n")
    (processed / "pns_golongan.csv").write_text("golongan,jumlah\nIII,10\n")
    return repo_copy


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(text)


def test_key_is_stable(root):
    assert _key(root) == _key(root)
    assert len(_key(root)) == 64


def test_touch_keeps_key(root):
    before = _key(root)
    for p in [
        root / "notebooks" / NOTEBOOK,
        root / "data" / "processed" / "2017" / "kasus_disiplin.csv",
        root / "params" / "agency.yaml",
        root / "lkjip_helpers" / "laporan" / "context.py",
    ]:
        os.utime(p, (1_000_000_000, 1_000_000_000))
    assert _key(root) == before


def test_copy_to_another_folder_keeps_key(root, tmp_path, monkeypatch):
    before = _key(root)
    other = copy_repo(tmp_path / "elsewhere", source=root)
    shutil.copytree(root / "data" / "processed", other / "data" / "processed", dirs_exist_ok=True)
    monkeypatch.setenv("LKJIP_ROOT", str(other))
    assert _key(other) == before


def test_notebook_source_changes_key(root):
    before = _key(root)
    nb = root / "notebooks" / NOTEBOOK
    nb.write_text(nb.read_text(encoding="utf-8").replace("\n", "\n ", 1), encoding="utf-8")
    assert _key(root) != before


def test_parameter_changes_key(root):
    assert _key(root, parameters={"year": 2017}) != _key(root, parameters={"year": 2018})
    assert _key(root, parameters={"year": 2017, "kode_iku": "IKU-1"}) != _key(
        root, parameters={"year": 2017, "kode_iku": "IKU-2"}
    )


def test_declared_input_changes_key(root):
    before = _key(root)
    (root / "data" / "processed" / "2017" / "kasus_disiplin.csv").write_text(
        "tahun,jumlah_kasus\n2017,15\n"
    )
    assert _key(root) != before


def test_missing_declared_input_differs_from_present(root):
    before = _key(root)
    (root / "data" / "processed" / "2017" / "kasus_disiplin.csv").unlink()
    assert _key(root) != before


@pytest.mark.parametrize("rel", ["params/agency.yaml", "params/prose/2017/penutup.md"])
def test_params_and_prose_change_key(root, rel):
    before = _key(root)
    _append(root / rel, "\n# diubah\n")
    assert _key(root) != before


def test_imported_helper_changes_key(root):
    closure = cache.module_closure(cache.notebook_code(root / "notebooks" / NOTEBOOK))
    assert "lkjip_helpers.laporan.formatting" in closure
    before = _key(root)
    _append(root / "lkjip_helpers" / "laporan" / "formatting.py", "\n# comment\n")
    assert _key(root) != before


def test_helper_imported_transitively_changes_key(root):
    # 03_iku imports laporan_tabel; so does any notebook importing lkjip_helpers.laporan.tables
    nb = "03_iku.ipynb"
    assert "lkjip_helpers.laporan.tables" in cache.module_closure(
        cache.notebook_code(root / "notebooks" / nb)
    )
    before = _key(root, nb)
    _append(root / "lkjip_helpers" / "laporan" / "tables.py", "\n# comment\n")
    assert _key(root, nb) != before


@pytest.mark.parametrize("module", ["build.bench", "cli", "build.pipeline", "build.workspace"])
def test_unrelated_helper_keeps_key(root, module):
    closure = cache.module_closure(cache.notebook_code(root / "notebooks" / NOTEBOOK))
    assert f"lkjip_helpers.{module}" not in closure
    before = _key(root)
    _append(root / "lkjip_helpers" / f"{module.replace('.', '/')}.py", "\n# comment\n")
    assert _key(root) == before


def test_undeclared_processed_table_keeps_key(root):
    before = _key(root)
    (root / "data" / "processed" / "2017" / "pns_golongan.csv").write_text(
        "golongan,jumlah\nIII,99\n"
    )
    (root / "data" / "processed" / "2017" / "tabel_baru.csv").write_text("a\n1\n")
    assert _key(root) == before


def test_module_closure_includes_laporan_and_its_imports(root):
    closure = set(cache.module_closure(cache.notebook_code(root / "notebooks" / NOTEBOOK)))
    assert {"lkjip_helpers", "lkjip_helpers.laporan.context"} <= closure
    laporan_src = (root / "lkjip_helpers" / "laporan" / "context.py").read_text(encoding="utf-8")
    direct = cache._imports_of_code(laporan_src, current="lkjip_helpers.laporan.context")
    assert direct, "laporan imports other helpers"
    assert direct <= closure
    # and transitively: what those modules import is in the closure too
    for mod in direct:
        src = cache._module_file(mod).read_text(encoding="utf-8")
        assert cache._imports_of_code(src, current=mod) <= closure


def test_module_closure_of_fixture_notebook(repo_copy):
    code = cache.notebook_code(FIXTURES / "cache_probe.ipynb")
    assert "%matplotlib" not in code  # magics are not parsed as Python
    closure = cache.module_closure(code)
    assert "lkjip_helpers.laporan.context" in closure
    assert "lkjip_helpers.laporan.tables" in closure
    assert "lkjip_helpers.cli" not in closure  # mentioned in markdown only
    assert closure == sorted(closure)


def test_relative_imports_resolve_within_package(repo_copy):
    found = cache._imports_of_code(
        "from . import config\nfrom lkjip_helpers.data.io import read_yaml\n",
        current="lkjip_helpers.laporan.context",
    )
    assert {"lkjip_helpers.core.config", "lkjip_helpers.data.io"} <= found
    assert cache._imports_of_code("import os\nfrom pandas import DataFrame\n") == set()


def test_store_and_lookup(repo_copy, tmp_path):
    nb = tmp_path / "x.ipynb"
    nb.write_text("{}")
    key = "0" * 64
    assert cache.lookup(key) is None
    cache.store(key, nb)
    hit = cache.lookup(key)
    assert hit is not None and hit.read_text() == "{}"
    assert Path(hit).is_relative_to(repo_copy)
