"""The notebook cache: a content-based code key, and recorded inputs that must all match."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from lkjip_helpers.build import cache
from lkjip_helpers.build.workspace import copy_repo
from lkjip_helpers.core import reads
from tests.agensi_uji import TAHUN

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
NOTEBOOK = "04_penutup.ipynb"
Y, Y0 = str(TAHUN), str(TAHUN - 1)  # the agency's report year and the one before


def _key(root: Path, notebook: str = NOTEBOOK, parameters: dict | None = None) -> str:
    return cache.code_key(
        root / "notebooks" / notebook, parameters if parameters is not None else {"year": TAHUN}
    )


@pytest.fixture
def root(repo_copy):
    processed = repo_copy / "data" / "processed" / Y
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
        root / "data" / "processed" / Y / "kasus_disiplin.csv",
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
    assert _key(root, parameters={"year": TAHUN}) != _key(root, parameters={"year": TAHUN + 1})
    assert _key(root, parameters={"year": TAHUN, "kode_iku": "IKU-1"}) != _key(
        root, parameters={"year": TAHUN, "kode_iku": "IKU-2"}
    )


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
        "from ..core import config\nfrom . import tables\nfrom lkjip_helpers.core.schema import read_yaml\n",
        current="lkjip_helpers.laporan.context",
    )
    assert {"lkjip_helpers.core.config", "lkjip_helpers.laporan.tables"} <= found
    assert "lkjip_helpers.core.schema" in found
    assert cache._imports_of_code("import os\nfrom pandas import DataFrame\n") == set()


def _read(root: Path) -> list:
    """Record a run that reads two files, probes a missing one and lists the year folder."""
    with reads.recording() as got:
        (root / "data" / "processed" / Y / "kasus_disiplin.csv").read_bytes()
        (root / "params" / "prose" / Y / "penutup.md").read_text(encoding="utf-8")
        reads.record(root / "data" / "processed" / Y0 / "realisasi_iku.csv")
        reads.record(root / "data" / "processed" / Y, kind="dir")
    return got


@pytest.fixture
def stored(root, tmp_path):
    nb = tmp_path / "run.ipynb"
    nb.write_text('{"run": 1}')
    code = _key(root)
    entries = _read(root)
    key = cache.store(code, nb, entries)
    return code, key, entries


def test_store_and_lookup(stored):
    code, key, entries = stored
    hit = cache.lookup(code)
    assert hit is not None and hit.key == key and hit.reads == entries
    assert hit.path.read_text() == '{"run": 1}'
    assert cache.lookup("f" * 64) is None


def test_touch_and_move_keep_the_hit(stored, root, tmp_path, monkeypatch):
    code, key, _ = stored
    for p in [root / "data" / "processed" / Y / "kasus_disiplin.csv", root / "params"]:
        os.utime(p, (1_000_000_000, 1_000_000_000))
    assert cache.lookup(code).key == key
    other = tmp_path / "moved"
    shutil.copytree(root, other)
    monkeypatch.setenv("LKJIP_ROOT", str(other))
    assert cache.lookup(_key(other)).key == key


@pytest.mark.parametrize(
    "change",
    [
        "edit_read_table",
        "delete_read_table",
        "edit_prose",
        "create_probed_file",
        "add_table_to_listed_folder",
    ],
)
def test_a_change_to_anything_read_is_a_miss(stored, root, change):
    code, _, _ = stored
    processed = root / "data" / "processed"
    if change == "edit_read_table":
        (processed / Y / "kasus_disiplin.csv").write_text("tahun,jumlah_kasus\n2017,15\n")
    elif change == "delete_read_table":
        (processed / Y / "kasus_disiplin.csv").unlink()
    elif change == "edit_prose":
        _append(root / "params" / "prose" / Y / "penutup.md", "\nKalimat baru.\n")
    elif change == "create_probed_file":
        (processed / Y0).mkdir()
        (processed / Y0 / "realisasi_iku.csv").write_text("kode\n")
    else:
        (processed / Y / "tabel_baru.csv").write_text("a\n1\n")
    assert cache.lookup(code) is None


def test_a_change_to_what_was_not_read_keeps_the_hit(stored, root):
    code, key, _ = stored
    (root / "data" / "processed" / Y / "pns_golongan.csv").write_text("golongan\nIV\n")
    _append(root / "params" / "prose" / Y / "pengantar.md", "\nKalimat baru.\n")
    _append(root / "params" / "agency.yaml", "\n# diubah\n")
    assert cache.lookup(code).key == key


def test_each_state_of_the_inputs_keeps_its_own_result(stored, root, tmp_path):
    code, key, _ = stored
    table = root / "data" / "processed" / Y / "kasus_disiplin.csv"
    original = table.read_bytes()
    table.write_text("tahun,jumlah_kasus\n2017,15\n")
    nb = tmp_path / "run2.ipynb"
    nb.write_text('{"run": 2}')
    key2 = cache.store(code, nb, _read(root))
    assert key2 != key and cache.lookup(code).path.read_text() == '{"run": 2}'
    table.write_bytes(original)  # back to the first state: the first result again
    assert cache.lookup(code).key == key


def test_damaged_manifest_is_a_miss(stored):
    code, _, _ = stored
    for manifest in (cache.config.cache_dir() / "notebooks" / code).glob("*.json"):
        manifest.write_text("{not json")
    assert cache.lookup(code) is None


def test_fingerprints_are_computed_once_per_build(stored, root):
    code, key, _ = stored
    fps = cache.Fingerprints()
    assert cache.lookup(code, fps).key == key
    _append(root / "params" / "prose" / Y / "penutup.md", "\nx\n")
    assert cache.lookup(code, fps).key == key  # the same build sees one state of the files
    assert cache.lookup(code, cache.Fingerprints()) is None
