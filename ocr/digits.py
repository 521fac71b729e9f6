"""A small classifier of single handwritten digits: a one-hidden-layer perceptron on 28×28
crops, trained on synthetic digits drawn from the installed fonts (``ocr.digitsynth``, which
never uses the test corpus's hand font).

Training is deterministic and takes a few seconds; the weights are kept in a cache folder
(``npz``: plain arrays, nothing executable) under a name that hashes the training recipe and
the font files, so a new recipe or new fonts train afresh. No weights are committed;
``python -c "from ocr.digits import load; load()"`` trains ahead of use (an install step can
run it, so that no page read ever waits for the training).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ocr.digitsynth import font_files, synthetic_digits

# Bump when the features, the drawing or the training change (the cache key holds it).
RECIPE = {"version": 4, "per_font": 20, "hidden": 64, "epochs": 20, "alpha": 1e-4, "seed": 0}
DEFAULT_CACHE = Path.home() / ".cache" / "vanthu"


@dataclass(frozen=True)
class DigitModel:
    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray

    def proba(self, x: np.ndarray) -> np.ndarray:
        """Probabilities of the digits 0–9 for each row of features."""
        h = np.maximum(x @ self.w1 + self.b1, 0)
        z = h @ self.w2 + self.b2
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)


def train() -> DigitModel:
    """Fit the perceptron on freshly drawn synthetic digits (same machine, same weights)."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    from threadpoolctl import threadpool_limits

    x, y = synthetic_digits(RECIPE["per_font"], RECIPE["seed"])
    clf = MLPClassifier(hidden_layer_sizes=(RECIPE["hidden"],), alpha=RECIPE["alpha"],
                        max_iter=RECIPE["epochs"], batch_size=128,
                        random_state=RECIPE["seed"], shuffle=True)
    # One BLAS thread: the pages around it are read in parallel processes already.
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore", ConvergenceWarning)  # a fixed budget of epochs
        clf.fit(x, y)
    (w1, w2), (b1, b2) = clf.coefs_, clf.intercepts_
    return DigitModel(*(a.astype(np.float32) for a in (w1, b1, w2, b2)))


def cache_key() -> str:
    h = hashlib.sha256(repr(sorted(RECIPE.items())).encode())
    for path in font_files():
        h.update(f"{path.name}:{path.stat().st_size}".encode())
    return h.hexdigest()[:16]


_lock = threading.Lock()
_loaded: dict[Path, DigitModel] = {}


def load(cache_dir: Path | None = None) -> DigitModel:
    """The model from ``cache_dir`` (default ~/.cache/vanthu), trained and saved there first
    when missing. An unwritable folder only costs the training on each process start."""
    folder = Path(cache_dir or DEFAULT_CACHE)
    with _lock:
        if folder in _loaded:
            return _loaded[folder]
        path = folder / f"digits-{cache_key()}.npz"
        model = _read(path)
        if model is None:
            model = train()
            _write(path, model)
        _loaded[folder] = model
        return model


def _read(path: Path) -> DigitModel | None:
    try:
        with np.load(path, allow_pickle=False) as z:
            return DigitModel(z["w1"], z["b1"], z["w2"], z["b2"])
    except (OSError, KeyError, ValueError):
        return None


def _write(path: Path, model: DigitModel) -> None:
    """Written to a temporary name and renamed: two processes training at once both win."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npz.tmp")
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, w1=model.w1, b1=model.b1, w2=model.w2, b2=model.b2)
        os.replace(tmp, path)
    except OSError:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)

