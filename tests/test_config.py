"""Tests of lkjip_helpers.core.config: the project root and the agency folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lkjip_helpers.core import config
from lkjip_helpers.core.exceptions import ParamsError


@pytest.fixture
def roots(tmp_path, monkeypatch):
    repo, agency = tmp_path / "repo", tmp_path / "dinas"
    repo.mkdir()
    (agency / "params").mkdir(parents=True)
    (agency / "data" / "raw").mkdir(parents=True)
    (agency / "params" / "agency.yaml").write_text("nama: x\n", encoding="utf-8")
    monkeypatch.setenv("LKJIP_ROOT", str(repo))
    # set, then removed: restored after the test even when use_agency() sets it
    monkeypatch.setenv(config.AGENCY_ENV, "")
    monkeypatch.delenv(config.AGENCY_ENV)
    return repo, agency


def test_the_default_agency_is_the_repository(roots):
    repo, _ = roots
    assert config.agency_root() == repo
    assert config.params_dir() == repo / "params"
    assert config.outputs_dir(2017) == repo / "outputs" / "2017"


def test_agency_content_and_builds_live_in_the_agency_folder(roots, monkeypatch):
    repo, agency = roots
    monkeypatch.setenv(config.AGENCY_ENV, str(agency))
    assert config.agency_file() == agency / "params" / "agency.yaml"
    assert config.prose_dir(2017) == agency / "params" / "prose" / "2017"
    assert config.raw_dir(2017) == agency / "data" / "raw" / "2017"
    assert config.catalogue_file() == agency / "data" / "raw" / "catalogue.yaml"
    assert config.processed_dir(2017) == agency / "data" / "processed" / "2017"
    assert config.outputs_dir(2017) == agency / "outputs" / "2017"
    assert config.cache_dir() == agency / ".cache"
    # code, notebooks and the book template stay in the repository
    assert config.notebooks_dir() == repo / "notebooks"
    assert config.book_template_dir() == repo / "book"
    assert config.display_path(agency / "params" / "2017.yaml") == "params/2017.yaml"
    assert config.display_path(repo / "notebooks" / "bab1.ipynb") == "notebooks/bab1.ipynb"


def test_use_agency_sets_an_absolute_folder_for_child_processes(roots, monkeypatch):
    _, agency = roots
    monkeypatch.chdir(agency.parent)
    assert config.use_agency("dinas") == agency
    assert os.environ[config.AGENCY_ENV] == str(agency)


@pytest.mark.parametrize(
    ("remove", "message"),
    [
        (None, "does not exist"),
        ("params/agency.yaml", "params/agency.yaml missing"),
        ("data/raw", "data/raw missing"),
    ],
)
def test_a_folder_that_is_no_agency_is_a_clear_error(roots, monkeypatch, remove, message):
    repo, agency = roots
    target = agency if remove else agency.parent / "nowhere"
    if remove == "params/agency.yaml":
        (agency / remove).unlink()
    elif remove:
        (agency / remove).rmdir()
    monkeypatch.setenv(config.AGENCY_ENV, str(target))
    with pytest.raises(ParamsError, match=message) as info:
        config.check_agency()
    assert "new-agency --dir" in str(info.value)


def test_scales_sentences_and_chapters_default_to_the_package(roots, monkeypatch):
    _, agency = roots
    monkeypatch.setenv(config.AGENCY_ENV, str(agency))
    for name, get in [
        ("narrative.yaml", config.narrative_file),
        ("scales.yaml", config.scales_file),
        ("report.yaml", config.report_file),
    ]:
        assert get() == config.DEFAULTS_DIR / name
        (agency / "params" / name).write_text("own: 1\n", encoding="utf-8")
        assert get() == agency / "params" / name  # the agency's own file wins
    assert config.params_or_default("agency.yaml") == agency / "params" / "agency.yaml"


def test_package_defaults_are_in_step_with_the_example():
    """An agency without its own files gets every template, scale and chapter the
    example (and so the code) uses: copy the example's file to lkjip_helpers/bawaan/."""
    import yaml

    root = Path(__file__).resolve().parent.parent

    def read(path):
        return yaml.safe_load(path.read_text(encoding="utf-8"))

    own = [n for n in config.DEFAULT_PARAMS if (root / "params" / n).exists()]
    if not own:
        pytest.skip("this agency uses the package's defaults (no params/narrative.yaml ...)")
    for name in own:
        example, default = read(root / "params" / name), read(config.DEFAULTS_DIR / name)
        assert example == default, f"lkjip_helpers/bawaan/{name} differs from params/{name}"


def test_falling_back_to_a_default_is_recorded_as_an_input(roots, monkeypatch):
    from lkjip_helpers.core import reads

    _, agency = roots
    monkeypatch.setenv(config.AGENCY_ENV, str(agency))
    with reads.recording() as got:
        config.narrative_file()
    # the agency's own file is absent: adding it later changes the build
    assert ("file", "@agensi/params/narrative.yaml", "-") in got
