"""``python -m spacefilms``: the same as the ``spacefilms`` command."""

from spacefilms.cli import main

main(prog_name="spacefilms")
