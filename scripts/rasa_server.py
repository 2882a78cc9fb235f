"""Starts the Rasa server: `python scripts/rasa_server.py run --model ... [rasa run options]`.

The same as `rasa run`, with the project's changes to Rasa installed first
(assistant_server/): a kind reply and no silent loss when the action server or the
tracker store fails, and only models this project trained are loaded.

The HTTP API's token comes from RASA_API_TOKEN in the environment and is handed to Rasa
inside this process: on the command line, any local user could read it with `ps`.
"""
import os
import sys
from pathlib import Path

# The project's packages are found from the project root, wherever this is started from.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant_server import action_results, reliability, trusted_models  # noqa: E402

TOKEN_VARIABLE = "RASA_API_TOKEN"


def with_token_from_environment(argv: list) -> list:
    """argv with `--auth-token=<RASA_API_TOKEN>` added; a token given in argv is refused."""
    if any(arg == "--auth-token" or arg.startswith("--auth-token=") for arg in argv):
        sys.exit(f"Pass the API token in {TOKEN_VARIABLE}, not on the command line (`ps` shows it).")
    token = os.environ.get(TOKEN_VARIABLE)
    return [*argv, f"--auth-token={token}"] if token else argv  # "=": a token may start with "-"


if __name__ == "__main__":
    reliability.install()
    action_results.install()
    trusted_models.install()
    sys.argv = with_token_from_environment(sys.argv)
    from rasa.__main__ import main

    main()
