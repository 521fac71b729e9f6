"""Classification: the document type from the title (rules), and a learned suggestion of the
handling unit from the text that abstains when unsure."""

from ocr.classify.rules import TypeGuess, document_type
from ocr.classify.units import Example, Suggestion, UnitClassifier

__all__ = ["Example", "Suggestion", "TypeGuess", "UnitClassifier", "document_type"]
