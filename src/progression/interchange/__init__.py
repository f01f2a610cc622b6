"""Importers: career frameworks published in other formats, as progression frameworks.

``from_ft(path)`` reads a job family of the FT engineering-progression repository and
``from_monzo(path)`` a page of Monzo's progression-framework. Each returns an `Imported`:
the ``framework`` and a ``report`` of what was mapped, what was assumed where the source
is silent, what was left out and why, and what the framework still needs.
"""

from ._ft import PROFICIENCY_LABELS, from_ft
from ._monzo import from_monzo
from ._report import Imported, ImportReport, Note

__all__ = ["PROFICIENCY_LABELS", "ImportReport", "Imported", "Note", "from_ft", "from_monzo"]
