"""Starts the action server: `python scripts/action_server.py --actions actions --port 5055`.

The same as `rasa run actions`, with these differences:
- without TensorFlow. The actions never use it, but spaCy's thinc imports it whenever it
  is installed (it is, for Rasa): that costs the action server about 360 MB of memory and
  2 s of start-up (bench/README.md). `rasa run actions` would also load the whole of Rasa;
- it listens on 127.0.0.1 unless SANIC_HOST says otherwise (rasa-sdk's default is every
  interface, 0.0.0.0); `make run` sets SANIC_HOST from ACTIONS_HOST;
- it answers only callers with the token in ACTION_SERVER_TOKEN (Rasa sends it; GET
  /health stays open), and does not start without one;
- it reads at most a bounded body, also once inflated; calls it cannot use get 400 and
  its error responses never carry the conversation back (actions/webhook_checks.py,
  added through rasa-sdk's plugin hook);
- it loads the spaCy pipeline before it opens, so the first message does not wait for it.
"""
import os
import sys
from pathlib import Path

# An import of tensorflow now raises ImportError, which thinc takes as "not installed".
sys.modules["tensorflow"] = None
# The actions package is found from the project root, wherever this is started from.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pluggy  # noqa: E402  (after the lines above, on purpose)
from rasa_sdk.__main__ import main  # noqa: E402
from rasa_sdk.plugin import plugin_manager  # noqa: E402

from actions import language, webhook_checks  # noqa: E402

DEFAULT_HOST = "127.0.0.1"
hookimpl = pluggy.HookimplMarker("rasa_sdk")


class WebhookChecks:
    def __init__(self, token: str) -> None:
        self.token = token

    @hookimpl
    def attach_sanic_app_extensions(self, app) -> None:
        webhook_checks.install(app, self.token)


def token_from_environment() -> str:
    """The shared token; exits when there is none, rather than run actions for anyone."""
    token = os.environ.get(webhook_checks.TOKEN_VARIABLE, "")
    # Spaces around it would never match: HTTP drops them from the header Rasa sends.
    if not token or token != token.strip():
        sys.exit(f"{webhook_checks.TOKEN_VARIABLE} must be set, without spaces around it: the action server "
                 f"answers only callers that send it in the {webhook_checks.TOKEN_HEADER} header (endpoints.yml).")
    return token


if __name__ == "__main__":
    token = token_from_environment()
    # Empty counts as unset: Sanic would take "" as every interface.
    if not os.environ.get("SANIC_HOST"):
        os.environ["SANIC_HOST"] = DEFAULT_HOST
    plugin_manager().register(WebhookChecks(token))
    # Load the spaCy pipeline before the server opens. Loaded by the first message instead,
    # it can outlast Rasa's action timeout under load, and that person is told something
    # went wrong (seen in CI right after a restart).
    language.parse("")
    main()
