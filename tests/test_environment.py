"""environment.yml (conda users) lists exactly the pip requirements."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _requirements() -> set[str]:
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def test_environment_yml_matches_requirements():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    assert set(pip) == _requirements()
    assert "python=3.11" in env["dependencies"]


def test_requirements_are_pinned():
    for req in _requirements():
        assert "==" in req, f"{req} is not pinned"
