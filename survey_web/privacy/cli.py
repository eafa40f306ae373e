"""`flask retention purge`: the retention job by hand or from cron (embedded mode has no worker)."""

from __future__ import annotations

import json

import click

from .retention import purge


@click.group("retention")
def retention_group() -> None:
    """Remove free text and contacts past their retention period."""


@retention_group.command("purge")
def purge_command() -> None:
    """Remove what is past its period now; prints the counts as JSON."""
    click.echo(json.dumps(purge()))
