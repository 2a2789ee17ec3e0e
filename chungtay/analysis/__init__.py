"""National analysis (issue 13): the figures of the nation that the pages cannot keep as summaries
— the radar's lists counted by province and the outcomes of support — computed by DuckDB
(:mod:`chungtay.core.radar_sql`) over a Parquet snapshot of the database that the job worker
refreshes (docs/analysis.md)."""
