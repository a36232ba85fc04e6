"""Knowledge files → database rows: one reader per format, then one transaction.

Readers parse and validate everything before the database is touched, so a malformed file
fails the whole run with its file and line and the previous knowledge stays live.
"""
