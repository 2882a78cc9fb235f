"""Deletes the conversations nobody has written to for DAYS days: `make purge DAYS=n`.

The retention setting is RETENTION_DAYS in the Makefile (`make purge` uses it when DAYS
is not given). Also forgets the handled Twilio message ids older than the store keeps
them (assistant_server/tracker_store.py). Reads the tracker store from endpoints.yml, as
the server does; prints only how many of each were deleted. Safe to run from cron while
the assistant runs.
"""
import argparse
import os
import sys
import time
from pathlib import Path
from typing import Tuple

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

SECONDS_PER_DAY = 86400
ACTION_ENDPOINT_VARIABLES = ("ACTION_ENDPOINT_URL", "ACTION_SERVER_TOKEN")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, required=True, help="delete conversations idle for longer than this")
    parser.add_argument("--endpoints", default=str(PROJECT / "endpoints.yml"))
    args = parser.parse_args(argv)
    if args.days < 0:
        parser.error("--days must be 0 or more")
    return args


def purge(days: float, endpoints_path: str) -> Tuple[int, int]:
    """(conversations deleted, message ids forgotten)."""
    from rasa.core.tracker_store import TrackerStore
    from rasa.core.utils import AvailableEndpoints

    from assistant_server.tracker_store import forgetting_store_of

    # Only the tracker store is used: the action endpoint's settings need not be set
    # (Rasa refuses a file whose ${VARS} are unset), so a purge job holds no action token.
    for unused in ACTION_ENDPOINT_VARIABLES:
        os.environ.setdefault(unused, "")
    endpoints = AvailableEndpoints.read_endpoints(endpoints_path)
    store = forgetting_store_of(TrackerStore.create(endpoints.tracker_store))
    idle = store.conversations_idle_since(time.time() - days * SECONDS_PER_DAY)
    return store.delete_conversations(idle), store.forget_seen_messages()


def main(argv=None) -> int:
    args = parse_args(argv)
    deleted, forgotten = purge(args.days, args.endpoints)
    print(f"Deleted {deleted} conversation(s) idle for more than {args.days:g} day(s).")
    print(f"Forgot {forgotten} handled text message id(s).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
