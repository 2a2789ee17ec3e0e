"""Pure-Python core of Chung Tay: standards, classification, measures.

Nothing in this package imports Django, so a researcher can use it from a notebook:

    >>> from chungtay.core import get_standard, classify
    >>> r = classify(get_standard("2021-2025"), area="rural", income=1_200_000,
    ...              deprived={"employment", "nutrition", "latrine", "telecom"})
    >>> r.category
    'poor'
"""
from .standards import (  # noqa: F401
    CATEGORIES, Standard, StandardError, all_standards, get_standard, standard_for_year,
    load_standard,
)
from .classify import Classification, ClassificationError, classify  # noqa: F401
