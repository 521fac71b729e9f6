"""The handling unit a leader will probably choose, learned from the register itself.

Training data: documents whose lead unit was assigned, with their text. A routing that differs
from the unit suggested at the time is a correction and counts more. The model lives in
``data_dir/models/``; it is retrained in the background after every ``RETRAIN_EVERY``
assignments, and reloaded by each process when the file changes.
"""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from registry.documents import Assignment, AssignmentRole, IncomingDocument
from registry.jobs import enqueue
from registry.org import Unit

TRAIN_JOB = "intake.train"
RETRAIN_EVERY = 20
MIN_EXAMPLES = 20

_cache: dict[Path, tuple[float, object]] = {}
_lock = threading.Lock()


def model_path(settings) -> Path:  # noqa: ANN001
    return settings.data_dir / "models" / "units.joblib"


def load_model(settings):  # noqa: ANN001, ANN201
    """The saved UnitClassifier, or None. (scikit-learn is imported on first use, not at start.)"""
    path = model_path(settings)
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return None
    from ocr.classify import UnitClassifier

    with _lock:
        cached = _cache.get(path)
        if cached is None or cached[0] != mtime:
            cached = (mtime, UnitClassifier.load(path))
            _cache[path] = cached
        return cached[1]


def suggest_unit(session, settings, doc: IncomingDocument) -> None:  # noqa: ANN001
    """Record the model's suggestion on the entry (nothing when it abstains or has no model)."""
    model = load_model(settings)
    if model is None or not doc.text:
        return
    suggestion = model.suggest(doc.text)
    unit = session.scalar(select(Unit).where(Unit.code == suggestion.unit)) if suggestion.unit \
        else None
    doc.suggested_unit_id = unit.id if unit else None
    doc.suggestion_confidence = round(suggestion.confidence, 3)


def examples(session) -> list:  # noqa: ANN001
    from ocr.classify import Example

    leads = session.execute(
        select(Assignment.document_id, Unit.code)
        .join(Unit, Unit.id == Assignment.unit_id)
        .where(Assignment.role == AssignmentRole.LEAD.value)
    ).all()
    lead_of = dict(leads)
    units = {u.id: u.code for u in session.scalars(select(Unit))}
    docs = session.scalars(
        select(IncomingDocument)
        .options(selectinload(IncomingDocument.body))
        .where(IncomingDocument.id.in_(list(lead_of)))
    ).all()
    return [
        Example(d.text, lead_of[d.id],
                corrected=d.suggested_unit_id is not None
                and units.get(d.suggested_unit_id) != lead_of[d.id])
        for d in docs if d.text
    ]


def train(services) -> int:  # noqa: ANN001
    """Fit on the register and save the model; returns how many examples it learned from."""
    from ocr.classify import UnitClassifier
    from ocr.errors import ClassifyError

    with services.sessions() as session:
        data = examples(session)
    if len(data) < MIN_EXAMPLES or len({e.unit for e in data}) < 2:
        return 0
    try:
        model = UnitClassifier().fit(data)
    except ClassifyError:
        return 0
    path = model_path(services.settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    model.save(path)
    return len(data)


def maybe_schedule_training(session, clock) -> None:  # noqa: ANN001
    """After every RETRAIN_EVERY lead assignments, queue a retraining (lowest priority)."""
    count = session.scalar(select(func.count()).select_from(Assignment).where(
        Assignment.role == AssignmentRole.LEAD.value))
    if count and count % RETRAIN_EVERY == 0:
        enqueue(session, TRAIN_JOB, None, priority=9, clock=clock)


def run_training(services, _subject, _done=None) -> None:  # noqa: ANN001
    train(services)
