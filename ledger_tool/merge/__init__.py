"""The merge driver: three versions of a ledger file merged by entry."""
