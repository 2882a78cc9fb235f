"""Training time from scratch and model size, ours and Rasa's starter bot (`rasa init`).

"From scratch" means a fresh, empty Rasa cache (RASA_CACHE_DIRECTORY in a new temporary
folder), so no component is reused from an earlier training. Each figure is the wall
time of the command, Python's start-up and imports included, as a person would see it.
"""
import os
import subprocess
import time
from pathlib import Path
from typing import Dict, List, Optional

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = PROJECT_ROOT / ".venv" / "bin"
HEARTBEAT_S = 20
TIMEOUT_S = 30 * 60


def say(line: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {line}", flush=True)


def timed_command(command: List[str], cwd: Path, env: Dict[str, str], log_path: Path, label: str) -> float:
    """Runs command to its end with its output in log_path and a progress line every HEARTBEAT_S."""
    started = time.monotonic()
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        while True:
            try:
                code = process.wait(timeout=HEARTBEAT_S)
                break
            except subprocess.TimeoutExpired:
                elapsed = time.monotonic() - started
                if elapsed > TIMEOUT_S:
                    process.kill()
                    raise RuntimeError(f"{label} took longer than {TIMEOUT_S}s; see {log_path}")
                say(f"{label}: still running ({elapsed:.0f}s)")
    seconds = round(time.monotonic() - started, 1)
    if code != 0:
        raise RuntimeError(f"{label} exited with {code} after {seconds}s; see {log_path}")
    return seconds


def fresh_cache_env(cache_dir: Path) -> Dict[str, str]:
    return {**os.environ, "RASA_CACHE_DIRECTORY": str(cache_dir), "RASA_TELEMETRY_ENABLED": "false"}


def only_model(folder: Path) -> Path:
    models = sorted(folder.glob("*.tar.gz"))
    if len(models) != 1:
        raise RuntimeError(f"expected one model in {folder}, found {len(models)}")
    return models[0]


def train_ours(scratch: Path, log_dir: Path) -> Dict[str, object]:
    """`rasa train` of this project into scratch/, with an empty cache."""
    out = scratch / "ours_models"
    say("training our assistant from scratch (empty cache; `make train` takes about as long on a fresh clone)")
    seconds = timed_command(
        [str(VENV_BIN / "rasa"), "train", "--fixed-model-name", "candidacy", "--out", str(out)],
        PROJECT_ROOT, fresh_cache_env(scratch / "ours_cache"), log_dir / "train_ours.log", "training ours",
    )
    model = only_model(out)
    say(f"trained ours in {seconds:.0f}s; model {model.stat().st_size / 1e6:.1f} MB")
    return {"seconds": seconds, "model_mb": round(model.stat().st_size / 1e6, 2), "model": str(model)}


def init_starter(scratch: Path, log_dir: Path) -> Dict[str, object]:
    """`rasa init --no-prompt` in scratch/starter: writes the starter project and trains it."""
    folder = scratch / "starter"
    folder.mkdir()
    say("creating and training Rasa's starter bot (`rasa init --no-prompt`, empty cache)")
    seconds = timed_command(
        [str(VENV_BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(folder)],
        folder, fresh_cache_env(scratch / "starter_cache"), log_dir / "train_starter.log", "rasa init",
    )
    model = only_model(folder / "models")
    say(f"starter bot created and trained in {seconds:.0f}s; model {model.stat().st_size / 1e6:.1f} MB")
    return {"seconds": seconds, "model_mb": round(model.stat().st_size / 1e6, 2), "model": str(model),
            "folder": str(folder)}


def model_size_mb(path: Path) -> Optional[float]:
    return round(path.stat().st_size / 1e6, 2) if path.exists() else None
