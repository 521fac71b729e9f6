"""Suggest the handling unit of a document from its text: TF-IDF word and word-pair features
and a linear model, trained from registered documents and the clerks' corrections. Below the
threshold it abstains rather than guess."""

from __future__ import annotations

import io
import os
import pickle
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import joblib
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier
from sklearn.pipeline import Pipeline

from ocr.errors import ClassifyError

_FORMAT = "vanthu-unit-classifier/1"


@dataclass(frozen=True)
class Example:
    text: str
    unit: str
    corrected: bool = False  # a clerk's correction counts more than an unchecked registration


@dataclass(frozen=True)
class Suggestion:
    unit: str | None  # None: abstained
    confidence: float
    ranking: list[tuple[str, float]]  # best first


def _normalize(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower()


class UnitClassifier:
    def __init__(self, threshold: float = 0.5, correction_weight: float = 3.0) -> None:
        self.threshold = threshold
        self.correction_weight = correction_weight
        self._model: Pipeline | None = None

    @property
    def units(self) -> list[str]:
        if self._model is None:
            return []
        return [str(u) for u in self._model.classes_]

    def fit(self, examples: Iterable[Example]) -> UnitClassifier:
        data = list(examples)
        units = {e.unit for e in data}
        if len(units) < 2:
            raise ClassifyError("training needs examples of at least two units")
        model = Pipeline([
            ("tfidf", TfidfVectorizer(preprocessor=_normalize, ngram_range=(1, 2), min_df=2,
                                      max_features=300_000, sublinear_tf=True)),
            # A fixed number of passes (tol=None): enough on TF-IDF, and a bounded time.
            ("clf", SGDClassifier(loss="log_loss", alpha=2e-5, max_iter=10, tol=None,
                                  class_weight="balanced", random_state=0,
                                  n_jobs=min(2, os.cpu_count() or 1))),
        ])
        weights = [self.correction_weight if e.corrected else 1.0 for e in data]
        model.fit([e.text for e in data], [e.unit for e in data], clf__sample_weight=weights)
        self._model = model
        return self

    def suggest(self, text: str) -> Suggestion:
        if self._model is None:
            raise ClassifyError("the classifier is not trained")
        probs = self._model.predict_proba([text])[0]
        ranking = sorted(zip(self.units, (float(p) for p in probs), strict=True),
                         key=lambda kv: kv[1], reverse=True)
        best, conf = ranking[0]
        return Suggestion(best if conf >= self.threshold else None, conf, ranking[:5])

    def save(self, path: str | os.PathLike[str]) -> None:
        if self._model is None:
            raise ClassifyError("the classifier is not trained")
        buf = io.BytesIO()
        joblib.dump({"format": _FORMAT, "threshold": self.threshold,
                     "correction_weight": self.correction_weight, "model": self._model}, buf)
        target = Path(path)
        tmp = target.with_suffix(target.suffix + ".tmp")
        with open(tmp, "wb") as fh:
            fh.write(buf.getvalue())
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> UnitClassifier:
        """Load a model saved by ``save``. Models are pickles: load only files we wrote."""
        try:
            state = joblib.load(path)
        except (OSError, EOFError, ValueError, KeyError, IndexError, TypeError, AttributeError,
                pickle.UnpicklingError) as exc:
            raise ClassifyError(f"cannot load the classifier from {path}: {exc}") from exc
        if not isinstance(state, dict) or state.get("format") != _FORMAT:
            raise ClassifyError(f"{path} is not a saved unit classifier")
        out = cls(state["threshold"], state["correction_weight"])
        out._model = state["model"]
        return out
