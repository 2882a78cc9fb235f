"""Starts the action server: `python scripts/action_server.py --actions actions --port 5055`.

The same as `rasa run actions`, without TensorFlow. The actions never use it, but spaCy's
thinc imports it whenever it is installed (it is, for Rasa): that costs the action server
about 360 MB of memory and 2 s of start-up (bench/README.md). `rasa run actions` would
also load the whole of Rasa.
"""
import sys
from pathlib import Path

# An import of tensorflow now raises ImportError, which thinc takes as "not installed".
sys.modules["tensorflow"] = None
# The actions package is found from the project root, wherever this is started from.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rasa_sdk.__main__ import main  # noqa: E402  (after the lines above, on purpose)

if __name__ == "__main__":
    main()
