"""Surveys on field tablets: ODK Collect and KoboToolbox (docs/field.md)."""
