"""Command line: ``python -m analysis {classify,train,evaluate}``."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

EXIT_REFUSED = 3


def _cmd_classify(args: argparse.Namespace) -> int:
    from analysis import load_model
    from analysis.stream import classify_stream

    model = load_model()
    classify_stream(sys.stdin.fileno(), sys.stdout, model.classify_many)
    return 0


def _cmd_train(args: argparse.Namespace) -> int:
    from analysis.pipeline import train_and_activate
    from analysis.report import format_metrics

    outcome = train_and_activate(labels=args.labels, force=args.force)
    if args.json:
        print(json.dumps({"version": outcome.version, "activated": outcome.activated,
                          "message": outcome.message, "metrics": outcome.metrics,
                          "previous": outcome.previous}, ensure_ascii=False, indent=2))
    else:
        print(format_metrics(outcome.metrics, title=f"{outcome.metrics['guard_set']} metrics of {outcome.version}"))
        print(outcome.message)
    if not outcome.activated:
        print(outcome.message, file=sys.stderr)
        return EXIT_REFUSED
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from analysis import load_model

    model = load_model()
    if args.file:
        from analysis.corpus import read_jsonl
        from analysis.pipeline import evaluate_model
        from analysis.report import format_metrics

        metrics = evaluate_model(model, read_jsonl(args.file))
        metrics["model_version"] = model.version
        text = format_metrics(metrics, title=f"model {model.version} on {args.file}")
    else:
        from analysis.scorecard import evaluation_sets, format_scorecard, scorecard

        metrics = scorecard(model, evaluation_sets())
        text = format_scorecard(metrics)
    print(json.dumps(metrics, ensure_ascii=False, indent=2) if args.json else text)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Argument parser for the three sub-commands."""
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("classify", help="classify JSON Lines {id, text} from stdin")
    p.set_defaults(func=_cmd_classify)
    p = sub.add_parser("train", help="train, save a versioned artifact, activate if not worse")
    p.add_argument("--labels", type=Path, help="staff-corrected labels (JSONL, corpus format)")
    p.add_argument("--force", action="store_true", help="activate even if held-out metrics are worse")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=_cmd_train)
    p = sub.add_parser("evaluate", help="figures per set (ours, eval files, real validation, real held-out), "
                                        "per length and per source; or per theme on one labelled file")
    p.add_argument("--file", type=Path, help="one labelled JSONL file, e.g. analysis/eval/fresh2.jsonl")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=_cmd_evaluate)
    __import__("analysis.cluster_cli").cluster_cli.register(sub)  # issue 14; kept in its own module
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    return int(args.func(args))
