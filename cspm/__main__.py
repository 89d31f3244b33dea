"""`python -m cspm` is the command line."""

from cspm.cli import run

run()
