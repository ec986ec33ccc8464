"""The command listing that lets ``spacefilms --help`` answer without importing the library matches the commands."""

from __future__ import annotations

import click

from spacefilms.cli import COMMANDS, main


def test_every_listed_command_exists_with_the_listed_help() -> None:
    ctx = click.Context(main)
    for name, (_, help_text) in COMMANDS.items():
        command = main.get_command(ctx, name)
        assert command is not None and command.name == name
        assert command.get_short_help_str(limit=1000) == help_text, name


def test_an_unknown_command_is_a_usage_error(cli) -> None:
    result = cli("qurey", "cast")
    assert result.exit_code == 2 and "No such command 'qurey'" in result.stderr
