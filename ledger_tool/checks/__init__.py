"""`ledger check`: the rules, by what they look at, and the sources they read."""
