"""The versioned REST API (/api/v1/, docs/api.md)."""
