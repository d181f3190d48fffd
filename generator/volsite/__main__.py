"""python -m volsite: the volsite command, where the scripts folder is not on PATH."""

from .cli import run

run()
