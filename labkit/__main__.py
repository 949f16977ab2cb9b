"""``python -m labkit serve [--port N]``: the lab's DynamoDB on loopback, for the AWS CLI and other processes."""

from __future__ import annotations

import argparse

from .backend import DEFAULT_PORT, serve


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m labkit")
    commands = parser.add_subparsers(dest="command", required=True)
    server = commands.add_parser("serve", help="serve the embedded DynamoDB on a loopback port")
    server.add_argument("--port", type=int, default=DEFAULT_PORT, help="0 picks a free port")
    args = parser.parse_args(argv)
    running = serve(args.port)
    print(f"labkit DynamoDB listening on {running.url}", flush=True)
    try:
        running.thread.join()
    except KeyboardInterrupt:
        running.stop()


if __name__ == "__main__":
    main()
