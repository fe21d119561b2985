"""Text tools every feature shares: Markdown to safe HTML, excerpts, video links, slugs."""
