"""Deletes the conversations nobody has written to for DAYS days: `make purge DAYS=n`.

The retention setting is RETENTION_DAYS in the Makefile (`make purge` uses it when DAYS
is not given). Reads the tracker store from endpoints.yml, as the server does; prints
only how many conversations were deleted. Safe to run from cron while the assistant runs.
"""
import argparse
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

SECONDS_PER_DAY = 86400


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, required=True, help="delete conversations idle for longer than this")
    parser.add_argument("--endpoints", default=str(PROJECT / "endpoints.yml"))
    args = parser.parse_args(argv)
    if args.days < 0:
        parser.error("--days must be 0 or more")
    return args


def purge(days: float, endpoints_path: str) -> int:
    from rasa.core.tracker_store import TrackerStore
    from rasa.core.utils import AvailableEndpoints

    from assistant_server.tracker_store import forgetting_store_of

    endpoints = AvailableEndpoints.read_endpoints(endpoints_path)
    store = forgetting_store_of(TrackerStore.create(endpoints.tracker_store))
    idle = store.conversations_idle_since(time.time() - days * SECONDS_PER_DAY)
    return store.delete_conversations(idle)


def main(argv=None) -> int:
    args = parse_args(argv)
    deleted = purge(args.days, args.endpoints)
    print(f"Deleted {deleted} conversation(s) idle for more than {args.days:g} day(s).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
