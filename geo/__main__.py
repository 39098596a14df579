"""``python -m geo`` is the ``clustermap`` command line."""

from geo.cli import main

raise SystemExit(main())
