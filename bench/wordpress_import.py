"""A WordPress export of 2,000 posts with 10,000 comments through `flask import wordpress`:
how long it takes and how much memory the command needs.

    .venv/bin/python bench/wordpress_import.py [--posts 2000] [--comments 10000]
    .venv/bin/python bench/wordpress_import.py --postgres postgresql://127.0.0.1/scratch

The export is written to a temporary folder (about 20 MB): letters in German and English
("Liebe Svenja, … Gruß\\n\\nSven\\n\\nP.S. …"), classic and Gutenberg posts, shortcodes,
categories and tags, links between posts, comments spread over the posts. The command runs
as in production, in a process of its own, on a fresh SQLite file (or the PostgreSQL
database given, which it empties first). Aims (issue 14): under 2 minutes and 300 MB. It
prints the wall time, the command's CPU time and its peak memory (ru_maxrss), then runs
the import again, which must find everything there already.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = [("sven", "Sven Albrecht"), ("svenja", "Svenja Köhler"), ("priya", "Priya Natarajan"),
          ("jonas", "Jonas Weber"), ("mia", "Mia Schulz")]  # fmt: skip
WORDS = (
    "Zuhören ist Arbeit und sie lohnt sich gerade dann wenn es schwer fällt die anderen "
    "ausreden zu lassen listening is work and it pays off when the room is loud and the "
    "deadline is near Entscheidungen brauchen Zeit decisions need time and trust"
).split()


def paragraph(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 70))).capitalize() + "."


def content(rng: random.Random, number: int, author: str, to: str) -> str:
    """A post's text: a letter, in classic or Gutenberg form, with a link and a P.S. at times."""
    german = number % 3 != 0
    parts = [f"{'Liebe' if german else 'Dear'} {to},"]
    parts += [paragraph(rng) for _ in range(rng.randint(2, 6))]
    if number > 1 and number % 4 == 0:
        parts.append(f'Siehe <a href="https://blog.example.org/?p={number - 1}">den letzten</a>.')
    if number % 7 == 0:
        parts.append('[caption id="a" width="300"]<img src="/wp-content/uploads/x.jpg" '
                     'alt="Ein Bild" /> Bildunterschrift[/caption]')  # fmt: skip
    parts += ["Gruß" if german else "Best", author]
    if number % 5 == 0:
        parts.append("P.S. https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    if number % 2:
        return "\n\n".join(parts)
    return "\n\n".join(f"<!-- wp:paragraph -->\n<p>{part}</p>\n<!-- /wp:paragraph -->"
                       for part in parts)  # fmt: skip


def comment(number: int, post: int) -> str:
    return f"""
    <wp:comment><wp:comment_id>{number}</wp:comment_id>
      <wp:comment_author><![CDATA[Leser {number}]]></wp:comment_author>
      <wp:comment_author_email>leser{number}@example.net</wp:comment_author_email>
      <wp:comment_author_url>https://leser{number}.example.net/</wp:comment_author_url>
      <wp:comment_date_gmt>2015-01-01 10:00:00</wp:comment_date_gmt>
      <wp:comment_content><![CDATA[Danke für Brief {post}! Sehe ich auch so.]]></wp:comment_content>
      <wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment</wp:comment_type>
      <wp:comment_parent>0</wp:comment_parent></wp:comment>"""


def item(rng: random.Random, number: int, comments: int, first_comment: int) -> str:
    login, name = PEOPLE[number % len(PEOPLE)]
    to = PEOPLE[(number + 1) % len(PEOPLE)][1].split()[0]
    tags = "".join(f'<category domain="post_tag" nicename="tag-{t}"><![CDATA[Tag {t}]]></category>'
                   for t in rng.sample(range(40), 3))  # fmt: skip
    day = f"20{10 + number % 14:02d}-{1 + number % 12:02d}-{1 + number % 28:02d} 09:00:00"
    return f"""
  <item><title><![CDATA[Brief Nummer {number}]]></title>
    <link>https://blog.example.org/{day[:4]}/brief-{number}/</link>
    <dc:creator><![CDATA[{login}]]></dc:creator>
    <guid isPermaLink="false">https://blog.example.org/?p={number}</guid>
    <content:encoded><![CDATA[{content(rng, number, name.split()[0], to)}]]></content:encoded>
    <wp:post_id>{number}</wp:post_id><wp:post_date_gmt>{day}</wp:post_date_gmt>
    <wp:post_name>brief-{number}</wp:post_name><wp:status>publish</wp:status>
    <wp:post_type>post</wp:post_type>
    <category domain="category" nicename="briefe"><![CDATA[Briefe]]></category>{tags}
    {"".join(comment(first_comment + c, number) for c in range(comments))}
  </item>"""


def write_export(path: Path, posts: int, comments: int) -> None:
    rng = random.Random(14)
    authors = "".join(
        f"<wp:author><wp:author_login>{login}</wp:author_login><wp:author_email>{login}"
        f"@example.org</wp:author_email><wp:author_display_name>{escape(name)}"
        "</wp:author_display_name></wp:author>"
        for login, name in PEOPLE
    )
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
                  'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
                  'xmlns:dc="http://purl.org/dc/elements/1.1/" '
                  'xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
                  "<title>Bench</title><link>https://blog.example.org</link>"
                  "<language>de-DE</language><wp:wxr_version>1.2</wp:wxr_version>"
                  "<wp:base_blog_url>https://blog.example.org</wp:base_blog_url>")  # fmt: skip
        out.write(authors)
        given = 0
        for number in range(1, posts + 1):
            count = comments * number // posts - given
            out.write(item(rng, number, count, given + 1))
            given += count
        out.write("\n</channel></rss>\n")


def flask(args: list[str], env: dict[str, str]) -> tuple[float, float, float, str]:
    """Run a flask command: wall seconds, CPU seconds, peak memory in MB, its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "flask", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, check=True)  # fmt: skip
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss / 1024, done.stdout


def fresh_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--comments", type=int, default=10000)
    parser.add_argument("--postgres", default="", help="a database the bench may empty")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "export.xml"
        write_export(export, args.posts, args.comments)
        url = args.postgres or f"sqlite:///{Path(folder) / 'bench.sqlite'}"
        if args.postgres:
            fresh_postgres(url)
        env = {**os.environ, "FLASK_APP": "app", "DATABASE_URL": url, "SECRET_KEY": "bench",
               "MAIL_SERVER": "", "PYTHONPATH": str(ROOT)}  # fmt: skip
        flask(["db", "upgrade"], env)
        size = export.stat().st_size / 1e6
        print(f"{args.posts} posts, {args.comments} comments, {size:.1f} MB, {url.split(':')[0]}")
        wall, cpu, peak, output = flask(["import", "wordpress", str(export)], env)
        print("\n".join(line for line in output.splitlines() if not line.startswith("Importing")))
        print(f"first import: {wall:.1f} s (CPU {cpu:.1f} s), peak memory {peak:.0f} MB "
              "(aims: < 120 s, < 300 MB)")  # fmt: skip
        wall, cpu, peak, output = flask(["import", "wordpress", str(export)], env)
        again = [line.strip() for line in output.splitlines() if "already there" in line]
        print(f"second import: {wall:.1f} s (CPU {cpu:.1f} s): {again or output}")


if __name__ == "__main__":
    main()
