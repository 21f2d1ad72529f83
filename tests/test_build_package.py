"""The build package's process-wide setting: no costly unused jsonschema format checker."""

from __future__ import annotations

import subprocess
import sys

from lkjip_helpers.build import execute


def test_build_processes_skip_the_iri_format_checker_and_still_validate_notebooks():
    code = (
        "import sys\n"
        "import lkjip_helpers.build.pipeline\n"
        "import nbformat, papermill\n"
        "from nbformat.v4 import new_notebook, new_code_cell\n"
        "nbformat.validate(new_notebook(cells=[new_code_cell('x = 1')]))\n"
        "try:\n"
        "    nbformat.validate({'nbformat': 4})\n"
        "except nbformat.ValidationError:\n"
        "    print('invalid rejected')\n"
        "print(sys.modules.get('rfc3987_syntax'))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=execute.kernel_env(), capture_output=True, text=True,
        check=True,
    ).stdout.split()  # fmt: skip
    assert out[-1] == "None" and "rejected" in out
