"""The outgoing workflow (văn bản đi): submit → prepare → the official signs → the clerk issues.

Decree 30 order (vn-clerical.md §3, §5): the competent person signs; the system assigns the
number and date and writes them into the document; the clerical office applies the
organization's signature (seal image over the left third of the official's); the document is
registered and issued — urgent ones at once.

Modules, one concern each: :mod:`.prepare` (fields, blanks, QR code), :mod:`.submit`,
:mod:`.approve` (the official's signature, batches), :mod:`.remote` (split signing flow),
:mod:`.issue` (number, seal, appendices, register — all or nothing), :mod:`.register` (the
outgoing register), :mod:`.keys` (credentials, owner-checked), :mod:`.routes` (HTTP).
This package imports registry and the PAdES half of signing; never vanthu or intake.
"""
