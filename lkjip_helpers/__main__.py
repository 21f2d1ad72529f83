"""``python -m lkjip_helpers``: the command line behind the Makefile."""

from .cli import main

raise SystemExit(main())
