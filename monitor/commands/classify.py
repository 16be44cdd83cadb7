"""`chorus classify`, `chorus eval` and `chorus train`: the narrative classifier's commands.

The tagging itself lives in monitor/classifying.py, shared with the daemon and the demo.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from classifiers.evaluation import evaluate, read_gold
from classifiers.training import LabelledPost, from_gold, train_head
from monitor.app import App, pass_app
from monitor.classifying import (
    classifier_errors,
    configured_tagger,
    forget_taggers,
    load_base_tagger,
    model_path,
    tag_pending_posts,
)
from monitor.errors import UserError
from monitor.output import print_json
from storage import tagging
from storage.database import Database

MODEL_HELP = ("e5 (multilingual-e5-small, the default: built on first use), minilm (the "
              "packaged English all-MiniLM-L6-v2), or a local Hugging Face model folder "
              "(default: the `model` setting, CHORUS_MODEL).")


@click.command("classify")
@click.option("--backfill", is_flag=True,
              help="Also re-tag posts tagged by another model version (resumable).")
@click.option("--model", "model", default=None, metavar="MODEL", help=MODEL_HELP)
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Stop after N posts.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def classify(app: App, backfill: bool, model: str | None, limit: int | None,
             as_json: bool) -> None:
    """Tag pending posts with narratives (new or edited posts; --backfill: stale ones too)."""
    tagger = configured_tagger(app.config, app.db, model)
    counts = tag_pending_posts(app.config, app.db, backfill=backfill, tagger=tagger,
                               limit=limit)
    with app.db.connection() as conn:
        progress = tagging.tagging_progress(conn, tagger.model_version)
    report = {"model_version": tagger.model_version, "languages": sorted(tagger.languages),
              **counts.as_dict(), "progress": progress}
    if as_json:
        print_json(report)
        return
    click.echo(f"model {tagger.model_version} (reads {', '.join(sorted(tagger.languages)) or 'none'}; "
               "other languages by cues)")
    click.echo(f"tagged {counts.posts} posts in {counts.batches} batches: "
               f"{counts.tagged_posts} with narratives, {counts.tags} tags")
    click.echo(f"posts: {progress['current']} current, {progress['stale']} stale "
               f"(chorus classify --backfill), {progress['untagged']} untagged")


@click.command("eval")
@click.argument("gold", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--model", "model", default=None, metavar="MODEL", help=MODEL_HELP)
@click.option("--head", "head_source", type=click.Choice(["packaged", "latest"]),
              default="packaged", show_default=True,
              help="packaged: the head shipped for the model; latest: the newest one trained "
                   "in the database (chorus train).")
@click.option("--samples", type=click.IntRange(min=100), default=1000, show_default=True,
              help="Bootstrap resamples for the 95% intervals.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_app
def eval_cmd(app: App, gold: Path, model: str | None, head_source: str, samples: int,
             as_json: bool) -> None:
    """Score the classifier on a gold file (one JSON post per line: id, text, lang, labels)."""
    db = app.db if head_source == "latest" else None
    tagger = configured_tagger(app.config, db, model)
    posts, problems = read_gold(gold, tagger.keys)
    for problem in problems:
        click.echo(f"skipped {problem.location}: {problem.reason}", err=True)
    if not posts:
        raise UserError(f"{gold}: no usable posts")
    results = tagger.tag([p.text for p in posts], [p.lang for p in posts])
    report = evaluate(posts, [{r.narrative for r in rs} for rs in results], tagger.keys,
                      samples=samples)
    report["model_version"] = tagger.model_version
    report["skipped"] = len(problems)
    if as_json:
        print_json(report)
    else:
        _print_eval(report)
    if problems:
        sys.exit(1)


def _ci(ci: list[float] | None) -> str:
    return f"[{ci[0]:.3f}, {ci[1]:.3f}]" if ci else "[n/a]"


def _print_eval(report: dict[str, Any]) -> None:
    def line(name: str, p: float, r: float, f1: float, ci: list[float] | None) -> str:
        return f"{name:24s} P {p:.3f}  R {r:.3f}  F1 {f1:.3f}  {_ci(ci)}"

    click.echo(f"{report['n']} posts, model {report['model_version']}")
    for kind in ("micro", "macro"):
        s = report[kind]
        click.echo(line(kind, s["precision"], s["recall"], s["f1"], s["f1_ci95"]))
    for key, s in report["per_label"].items():
        click.echo(line(f"  {key} ({s['support']})", s["precision"], s["recall"], s["f1"],
                        s["f1_ci95"]))
    for lang, s in report["per_language"].items():
        click.echo(f"{lang} ({s['n']}): micro F1 {s['micro_f1']:.3f} "
                   f"{_ci(s['micro_f1_ci95'])}, macro F1 {s['macro_f1']:.3f} "
                   f"{_ci(s['macro_f1_ci95'])}")
    a = report["any_narrative"]
    click.echo(f"any narrative vs none: precision {a['precision']:.3f} "
               f"{_ci(a['precision_ci95'])}, recall {a['recall']:.3f}")
    for kind, s in report["hard_negatives"].items():
        click.echo(f"hard negatives, {kind}: {s['tagged']}/{s['n']} wrongly tagged")
    for kind, s in report["per_kind"].items():
        recall = f", recall {s['recall']:.3f} of {s['labels']} labels" if s["labels"] else ""
        click.echo(f"kind {kind} ({s['n']}): {s['tagged']} tagged{recall}")


def _analyst_examples(db: Database) -> list[LabelledPost]:
    texts: dict[int, tuple[str, str | None]] = {}
    labels: dict[int, dict[str, bool]] = {}
    with db.connection() as conn:
        for row in tagging.labelled_posts(conn):
            texts.setdefault(row["post_id"], (row["text"], row["lang"]))
            labels.setdefault(row["post_id"], {})[row["narrative"]] = row["verdict"] == "confirm"
    return [LabelledPost(text, lang, labels[post]) for post, (text, lang) in texts.items()]


@click.command("train")
@click.option("--model", "model", default=None, metavar="MODEL", help=MODEL_HELP)
@click.option("--gold", "gold_files", multiple=True,
              type=click.Path(path_type=Path, dir_okay=False),
              help="Also learn from a gold file (e.g. tests/data/narratives_dev.jsonl). "
                   "Never pass the test split.")
@click.option("--dry-run", is_flag=True, help="Fit and report, but do not store the head.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def train(app: App, model: str | None, gold_files: tuple[Path, ...], dry_run: bool,
          as_json: bool) -> None:
    """Refit the classifier head and thresholds from analyst labels (and gold files)."""
    path = model_path(app.config, model)
    with classifier_errors():
        base = load_base_tagger(app.config, path)
    examples = _analyst_examples(app.db)
    from_labels = len(examples)
    for gold in gold_files:
        posts, problems = read_gold(gold, base.keys)
        for problem in problems:
            click.echo(f"skipped {problem.location}: {problem.reason}", err=True)
        examples.extend(from_gold(posts, base.keys))
    with classifier_errors():
        head = train_head(base, examples)
    head.trained["analyst_labelled_posts"] = from_labels
    head.trained["gold_files"] = [g.name for g in gold_files]
    if not dry_run:
        with app.db.connection() as conn:
            tagging.save_head(conn, head.model_id, head.version, head.to_dict(), head.trained)
        forget_taggers()
    with classifier_errors():
        tagger = base.with_head(head)
    report = {"head": head.version, "model_version": tagger.model_version,
              "stored": not dry_run, "thresholds": dict(zip(head.narratives,
                                                             head.thresholds.tolist(),
                                                             strict=True)),
              "trained": head.trained}
    if as_json:
        print_json(report)
        return
    click.echo(f"head {head.version} fitted on {head.trained['posts']} posts "
               f"({from_labels} analyst-labelled)" + ("" if not dry_run else " (not stored)"))
    click.echo(f"new model version {tagger.model_version}; "
               "run `chorus classify --backfill` to re-tag older posts")


COMMANDS = [classify, eval_cmd, train]
