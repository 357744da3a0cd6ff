"""`python -m briefgen`: the `briefgen` command."""

from briefgen.cli import run

run()
