"""`ledger check`: the rules, by what they look at (one block, the blocks together, the other files
and the repository), the entry point that runs them over the sources it reads, and the commit-msg
hook's check of a message's trailers."""
