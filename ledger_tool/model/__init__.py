"""The ledger's vocabulary and values: entries, their history, times, trailers, commits and the
questions the core asks git about them (`commits.GitFacts`); no files, no git."""
