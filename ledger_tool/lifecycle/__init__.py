"""What happens to an error: open, see, note, resolve, reopen (`transitions`, with their journal
and task side effects), sync, repair (`check --fix`), renumber, adopt, and the files `init` starts."""
