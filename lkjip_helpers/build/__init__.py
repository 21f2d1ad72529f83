"""The build machinery: data step, notebooks, cache, stitch, render, preview, bench.

One process-wide setting, made before any module of the package imports
nbformat (papermill, the stitcher, the benchmark): jsonschema, which nbformat
imports, loads the optional ``rfc3987_syntax`` package when it is installed
(JupyterLab's dependencies install it) and builds about forty Lark grammars at
import, some 3 CPU-seconds in every build and every ``make preview`` process.
It only adds the ``iri`` string format check, which no notebook schema uses;
marking it absent makes jsonschema skip that check, as where the package is
not installed. A process that imported it before keeps it.
"""

import sys

sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
