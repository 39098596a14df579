"""The ``clustermap`` command line: one subcommand module per family of commands."""

from geo.cli.commands import main

__all__ = ["main"]
