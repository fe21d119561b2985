"""Importing: letters brought in from elsewhere, a WordPress blog's export for one.

`flask import wordpress FILE.xml` (cli.py) reads the export as a stream (wxr.py), turns
each post's HTML into Markdown (html_markdown.py), finds the letter's parts in it and brings
it in through the letters service without telling anyone (posts.py, service.py), and ends
with a report of what came in, what did not and why (report.py).
"""

# The site's record of what came in is one of its tables, made and migrated with the others,
# while the importer itself is loaded only by the command that runs it.
from app.importing import models  # noqa: E402, F401
