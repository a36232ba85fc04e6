"""BM25 search over passages and records, and snippets cut from the best passages."""
