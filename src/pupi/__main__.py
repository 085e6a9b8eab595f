"""``python -m pupi`` is the ``pupi`` command."""

from pupi.cli import main

main()
