"""Open aggregate data: published figures per unit and year, no login (docs/opendata.md)."""
