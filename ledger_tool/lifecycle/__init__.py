"""What happens to an error: open, see, note, resolve, reopen, sync, repair, renumber, adopt."""
