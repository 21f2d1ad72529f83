"""Dependencies are declared once, in pyproject.toml; environment.yml installs from it."""

import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_environment_yml_installs_the_project_itself():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    assert pip == ["-e .[dev]"]
    assert "python=3.11" in env["dependencies"]


def test_dependencies_are_pinned():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    deps = project["dependencies"] + project["optional-dependencies"]["dev"]
    assert deps
    for req in deps:
        assert "==" in req, f"{req} is not pinned"


def test_no_second_requirements_list():
    assert not (ROOT / "requirements.txt").exists()
