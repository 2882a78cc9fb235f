"""Only models this project trained are loaded.

`make train` writes the SHA-256 of the model it made next to it (<model>.sha256). Rasa
loads a model at start and, through the HTTP API, on `PUT /model` from any path; both go
through Agent.load_model, which here refuses a file without a matching checksum.
"""
import hashlib
import logging
from pathlib import Path
from typing import Any, Text

from rasa.core.agent import Agent
from rasa.exceptions import ModelNotFound

logger = logging.getLogger(__name__)

CHECKSUM_SUFFIX = ".sha256"


class UntrustedModel(ModelNotFound):
    """A model file this project did not train (no matching checksum beside it)."""


def sha256_of(path: Path) -> Text:
    digest = hashlib.sha256()
    with path.open("rb") as model:
        for block in iter(lambda: model.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def is_trusted(model_path: Path) -> bool:
    checksum_file = model_path.with_name(model_path.name + CHECKSUM_SUFFIX)
    if not model_path.is_file() or not checksum_file.is_file():
        return False
    return checksum_file.read_text().split()[0] == sha256_of(model_path)


def resolved_model_file(model_path: Text) -> Path:
    """A directory means its newest model, as Rasa reads it."""
    path = Path(model_path)
    if path.is_dir():
        models = sorted(path.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
        if models:
            return models[-1]
    return path


_original_load_model = Agent.load_model


def load_trusted_model(self: Agent, model_path: Any, *args: Any, **kwargs: Any) -> None:
    model_file = resolved_model_file(str(model_path))
    if not is_trusted(model_file):
        logger.error("Refused to load %s: it has no matching %s from `make train`.", model_file, CHECKSUM_SUFFIX)
        raise UntrustedModel(f"{model_file} was not trained by this project (no matching checksum)")
    _original_load_model(self, str(model_file), *args, **kwargs)


def install() -> None:
    Agent.load_model = load_trusted_model
