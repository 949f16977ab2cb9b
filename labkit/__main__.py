"""``python -m labkit serve [--port N] [--host ADDRESS --allow-remote]``: the lab's DynamoDB over HTTP, for
the AWS CLI, other processes and other kernels.

It listens on loopback only, unless told otherwise twice: an address other machines can reach (a study
group on one network) needs ``--allow-remote`` as well, because the lab checks no credentials at all.
"""

from __future__ import annotations

import argparse
import ipaddress
import sys

from .backend import DEFAULT_PORT, serve

NO_AUTHENTICATION = ("WARNING: this lab has no authentication. Anyone who can reach {url} can read, change "
                     "and delete every table in it. Serve it only on a network you trust, and stop it "
                     "(Ctrl+C) when the session ends.")

NOT_ENCRYPTED = ("WARNING: {url} checks every request's signature but does not encrypt it: anyone on the network "
                 "between a member and the lab can read the tables' items as they pass. Serve it on a network you "
                 "trust (a cluster's own).")


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m labkit")
    commands = parser.add_subparsers(dest="command", required=True)
    server = commands.add_parser("serve", help="serve the embedded DynamoDB over HTTP (loopback by default)")
    server.add_argument("--port", type=int, default=DEFAULT_PORT, help="0 picks a free port")
    server.add_argument("--host", default="127.0.0.1",
                        help="the address to listen on; one that is not loopback needs --allow-remote")
    server.add_argument("--allow-remote", action="store_true",
                        help="let other machines reach the lab, which has no authentication")
    server.add_argument("--group", action="store_true",
                        help="a study group's server: every request must be signed with a member's key "
                             "(derived from LABKIT_HUB_SECRET); started by the hub")
    args = parser.parse_args(argv)
    if not (args.allow_remote or _loopback(args.host)):
        parser.error(f"refusing to listen on {args.host}: other machines could reach the lab, which has no "
                     "authentication. Add --allow-remote if that is what you want (a study group on a "
                     "network you trust).")
    try:
        if args.group:
            from .group.server import serve_group

            running = serve_group(args.port, args.host)
        else:
            running = serve(args.port, args.host)
    except OSError as error:  # most often: another lab server already listens on the port
        parser.exit(1, f"python -m labkit: cannot listen on {args.host}:{args.port}: {error.strerror or error}\n")
    except RuntimeError as error:  # a group server without the hub's secret
        parser.exit(1, f"python -m labkit: {error}\n")
    if args.allow_remote:
        print((NOT_ENCRYPTED if args.group else NO_AUTHENTICATION).format(url=running.url), file=sys.stderr, flush=True)
    print(f"labkit DynamoDB listening on {running.url}", flush=True)
    try:
        running.thread.join()
    except KeyboardInterrupt:
        running.stop()


if __name__ == "__main__":
    main()
