"""The merge driver: three versions of a ledger file merged by entry.

`driver` is the entry point; `kinds` knows the three files, `layout` cuts a version into the
user's text and the entries, `entries` merges those by key, `fields` and `error_block` one entry
both branches changed, and `diff3` the text around them (and any file read as plain text).
"""
