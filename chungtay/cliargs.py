"""argparse types shared by the command line: a bad value is a one-line usage error (status 2)."""
from __future__ import annotations

import argparse
import math


def bounded(kind: type, low, high, noun: str):
    """A ``type=`` for argparse: a ``kind`` (int or float) between ``low`` and ``high``.
    ``noun`` names the value in the message ("a whole number", "a port number")."""
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not {noun}: {text!r}") from None
        if (isinstance(value, float) and not math.isfinite(value)) or not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{noun} between {low} and {high}, got {text}")
        return value
    return parse
