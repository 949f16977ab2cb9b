"""``python -m labkit.quiz check [--folder DIR] [--no-proofs]``: check the question banks (exit 1 on a problem)."""

from __future__ import annotations

import argparse
import sys

from .check import check


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m labkit.quiz")
    commands = parser.add_subparsers(dest="command", required=True)
    checking = commands.add_parser("check", help="validate every question and run every proof against the lab")
    checking.add_argument("--folder", help="the banks' folder (default: labkit's own)")
    checking.add_argument("--no-proofs", action="store_true", help="check shapes only")
    args = parser.parse_args(argv)
    report = check(args.folder, proofs=not args.no_proofs)
    print(report.summary())
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
