"""文书: every official document, rendered by one WeasyPrint renderer and stored with its hash."""
