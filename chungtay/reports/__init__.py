"""Official outputs of the annual review: posting lists, certificates, summary reports.

Generated from the data, never typed (docs/reports.md)."""
