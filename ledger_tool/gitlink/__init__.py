"""The one seam to git: facts about commits and ancestry, the repository's state, the hooks."""
