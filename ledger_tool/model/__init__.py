"""The ledger's vocabulary and values: entries, their history, times, trailers; no files, no git."""
