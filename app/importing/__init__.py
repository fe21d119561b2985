"""Importing: letters brought in from elsewhere, a WordPress blog's export for one.

`flask import wordpress FILE.xml` (cli.py) reads the export as a stream (wxr.py), turns
each post's HTML into Markdown (html_markdown.py), finds the letter's parts in it and brings
it in through the letters service without telling anyone (posts.py, service.py), and ends
with a report of what came in, what did not and why (report.py).
"""
