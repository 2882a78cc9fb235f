"""What both benchmarks share: held-out texts must be new to the model, and Rasa kept quiet."""
import logging
import os
import re
import sys
import warnings
from pathlib import Path
from typing import Dict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
NLU_DIR = PROJECT_ROOT / "data" / "nlu"


def prepare_process() -> None:
    """Work from the project root, with it importable and Rasa's telemetry off. Library
    deprecation chatter (matplotlib, pyparsing, tensorflow, SQLAlchemy) is not ours to fix."""
    os.chdir(PROJECT_ROOT)
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=PendingDeprecationWarning)
    warnings.filterwarnings("ignore", message=".*SQLAlchemy 2.0.*")


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", str(text).strip().lower())


def training_texts() -> Dict[str, str]:
    """Every training example of data/nlu (markup stripped), normalised -> intent."""
    from rasa.shared.nlu.training_data.loading import load_data

    texts: Dict[str, str] = {}
    for path in sorted(NLU_DIR.glob("*.yml")):
        for example in load_data(str(path)).training_examples:
            if example.get("text"):
                texts[normalise(example.get("text"))] = example.get("intent")
    return texts


def quiet_rasa() -> None:
    """Rasa logs every parsed message at debug level through structlog; keep the output to progress lines."""
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)
