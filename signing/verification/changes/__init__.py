"""What changed after a signature, judged by what a reader would see.

Shaped like pyHanko's ``diff_analysis`` rules API: one small rule per kind of change and a
policy that combines them.

* ``byte_ranges.py`` — what the signature's ``/ByteRange`` covers (raw bytes, no parser)
* ``pages.py`` — pages added, removed, reordered
* ``geometry.py`` — crop box, media box, rotation, resources inherited from the page tree
* ``content.py`` — content replaced or drawn over (shadow attacks), images and forms replaced,
  page geometry changed, annotations on signed pages; pages to compare by rendering
* ``signatures.py`` — signature dictionaries edited (``/Reason``, ``/M``, ``/ByteRange``…)
* ``forms.py`` — later signatures, form filling, fields and annotations changed
* ``document.py`` — catalog, validation data (DSS), document properties, plumbing
* ``api.py`` — what rules see and say; ``roles.py`` — what each signed object was;
  ``policy.py`` — the diff and the order in which rules are asked
"""

from .api import VISIBLE_KINDS, ChangeAnalysis, ChangedObject, ChangeRule, RevisionDiff
from .byte_ranges import ByteRangeCheck, check_byte_range
from .policy import RULES, analyse

__all__ = [
    "RULES",
    "VISIBLE_KINDS",
    "ByteRangeCheck",
    "ChangeAnalysis",
    "ChangeRule",
    "ChangedObject",
    "RevisionDiff",
    "analyse",
    "check_byte_range",
]
