"""Starts the action server: `python scripts/action_server.py --actions actions --port 5055`.

The same as `rasa run actions`, with three differences:
- without TensorFlow. The actions never use it, but spaCy's thinc imports it whenever it
  is installed (it is, for Rasa): that costs the action server about 360 MB of memory and
  2 s of start-up (bench/README.md). `rasa run actions` would also load the whole of Rasa;
- it listens on 127.0.0.1 unless SANIC_HOST says otherwise (rasa-sdk's default is every
  interface, 0.0.0.0); `make run` sets SANIC_HOST from ACTIONS_HOST;
- calls it cannot use get 400 and its error responses never carry the conversation back
  (actions/webhook_checks.py, added through rasa-sdk's plugin hook).
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

from actions import webhook_checks  # noqa: E402

DEFAULT_HOST = "127.0.0.1"
hookimpl = pluggy.HookimplMarker("rasa_sdk")


class WebhookChecks:
    @hookimpl
    def attach_sanic_app_extensions(self, app) -> None:
        webhook_checks.install(app)


if __name__ == "__main__":
    # Empty counts as unset: Sanic would take "" as every interface.
    if not os.environ.get("SANIC_HOST"):
        os.environ["SANIC_HOST"] = DEFAULT_HOST
    plugin_manager().register(WebhookChecks())
    main()
