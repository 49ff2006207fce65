"""Text: the outline of a Markdown file (headings, breaks, hidden spans), splicing, blocks of fields, the codec of stored text."""
