"""The three files as the tool reads and writes them: ERRORS.md, JOURNAL.md, TASKS.md, templates, atomic writes, the cache."""
