"""``python -m lkjip_helpers``: the command line behind the Makefile."""

from lkjip_helpers.cli import main

raise SystemExit(main())
