"""Starts the Rasa server: `python scripts/rasa_server.py run --model ... [rasa run options]`.

The same as `rasa run`, with the project's changes to Rasa installed first
(assistant_server/): a kind reply and no silent loss when the action server or the
tracker store fails, and only models this project trained are loaded.
"""
import sys
from pathlib import Path

# The project's packages are found from the project root, wherever this is started from.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant_server import reliability, trusted_models  # noqa: E402

if __name__ == "__main__":
    reliability.install()
    trusted_models.install()
    from rasa.__main__ import main

    main()
