"""A generator of Vietnamese administrative documents with their truth, for tests and benches.

``content`` invents a document (header, type, abstract, body, signer, recipients), ``layout``
places it on A4 pages following Decree 30 Phụ lục I, ``render`` draws the pages as images or as a
text-layer PDF, and ``degrade`` turns page images into realistic scans.
"""
