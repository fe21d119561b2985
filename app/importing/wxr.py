"""Reading a WordPress export (WXR 1.0 to 1.2) as a stream, one item at a time.

The file is never held whole: lxml parses it as it is read and each item is thrown away
once handed on, so an export of any size takes little memory. It is read safely: no DTD
(a WordPress export has none; one could declare an entity bomb), no entities resolved, no
network. Characters XML does not allow (NUL, other control characters), which some exports
carry, are taken out on the way in and counted (see xml_stream.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

from lxml import etree

from app.importing.xml_stream import CleanXmlStream

# The versions' namespaces differ only in their number: http://wordpress.org/export/1.2/
WP_NAMESPACE = "http://wordpress.org/export/"
CONTENT_NAMESPACE = "http://purl.org/rss/1.0/modules/content/"


class ExportError(Exception):
    """The file cannot be imported; the message says why and, when known, at which line."""


@dataclass
class Author:
    login: str
    email: str = ""
    display_name: str = ""


@dataclass
class Term:
    domain: str  # "category", "post_tag" ("tag" in WXR 1.0), "post_format" …
    name: str


@dataclass
class Comment:
    wp_id: int
    author: str = ""
    author_email: str = ""
    author_url: str = ""
    date: datetime | None = None
    content: str = ""
    approved: str = ""  # "1", "0", "spam", "trash"
    kind: str = ""  # "" or "comment", "pingback", "trackback"


@dataclass
class Item:
    """A post, page, attachment, menu item … of the export, as WordPress wrote it."""

    line: int
    wp_id: int = 0
    post_type: str = ""
    status: str = ""
    title: str = ""
    link: str = ""
    guid: str = ""
    post_name: str = ""
    content: str = ""
    creator: str = ""
    password: str = ""
    date: datetime | None = None
    terms: list[Term] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)


@dataclass
class Channel:
    """What the export says about the blog itself."""

    title: str = ""
    link: str = ""
    base_blog_url: str = ""
    language: str = ""
    version: str = ""
    authors: dict[str, Author] = field(default_factory=dict)

    @property
    def address(self) -> str:
        """The blog's own address, which its permalinks start with."""
        return (self.base_blog_url or self.link).strip().rstrip("/")


def local_name(element: etree._Element) -> tuple[str, str]:
    """("wp", name), ("content", name) or ("", name) for an element of the export."""
    if not isinstance(element.tag, str):
        return "", ""  # a comment or processing instruction
    namespace, _, name = element.tag.rpartition("}")
    namespace = namespace.removeprefix("{")
    if namespace.startswith(WP_NAMESPACE):
        return ("excerpt" if namespace.endswith("/excerpt/") else "wp"), name
    return ("content" if namespace == CONTENT_NAMESPACE else ""), name


def text_of(element: etree._Element) -> str:
    return element.text or ""


def integer(text: str) -> int:
    text = text.strip()
    return int(text) if text.isdigit() else 0


def stored_date(text: str) -> datetime | None:
    """A date as WordPress stores it ("2014-09-17 08:00:00"); drafts have "0000-00-00 …"."""
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def rss_date(text: str) -> datetime | None:
    """An RSS date ("Wed, 17 Sep 2014 08:00:00 +0000"); a draft's lies in the year -1."""
    try:
        moment = parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if moment.year < 1970:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def item_date(gmt: str, pub_date: str, local: str) -> datetime | None:
    """The moment of a post: its GMT date, else its local date as if GMT (a draft's last
    change), else its RSS date."""
    return stored_date(gmt) or stored_date(local) or rss_date(pub_date)


class ExportReader:
    """The items of one export file, read anew each time `items()` is called.

    `channel` is filled while reading: the blog's address, language and authors come
    before the first item in every version of the format.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.channel = Channel()
        self.removed_characters = 0

    def items(self) -> Iterator[Item]:
        """Every item in the file's order; ExportError when the file is not a readable export."""
        with self.path.open("rb") as raw:
            stream = CleanXmlStream(raw)
            events = etree.iterparse(
                stream, events=("end",), resolve_entities=False, no_network=True,
                load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True,
            )  # fmt: skip
            try:
                yield from self._items_of(events)
            except etree.XMLSyntaxError as error:
                line = error.lineno or (error.position[0] if error.position else 0)
                raise ExportError(
                    f"The file is not well-formed XML at line {line}: {error.msg}"
                ) from None
            self.removed_characters = stream.removed
        if not self.channel.version and not self.channel.authors:
            raise ExportError("This is not a WordPress export (WXR): it has no wp: elements.")

    def _items_of(self, events: etree.iterparse) -> Iterator[Item]:
        checked = False
        for _event, element in events:
            if not checked:
                check_document(element)
                checked = True
            parent = element.getparent()
            if parent is None or local_name(parent)[1] != "channel":
                continue
            kind, name = local_name(element)
            if name == "item" and kind == "":
                yield read_item(element)
            else:
                read_channel_field(self.channel, kind, name, element)
            # Let the parsed tree go: the item and everything before it in the channel.
            element.clear()
            while element.getprevious() is not None:
                del parent[0]


def check_document(element: etree._Element) -> None:
    """Refuse a DTD (an export has none: it could declare an entity bomb) and other formats."""
    tree = element.getroottree()
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        raise ExportError("The file declares a DTD, which a WordPress export never does.")
    root = tree.getroot()
    if local_name(root)[1] != "rss":
        raise ExportError(
            f"This is not a WordPress export (WXR): it starts with <{local_name(root)[1]}>."
        )


def read_channel_field(channel: Channel, kind: str, name: str, element: etree._Element) -> None:
    """The blog's title, address, language, format version, or one of its authors."""
    if kind == "" and name in ("title", "link", "language"):
        setattr(channel, name, text_of(element).strip())
    elif kind == "wp" and name == "base_blog_url":
        channel.base_blog_url = text_of(element).strip()
    elif kind == "wp" and name == "wxr_version":
        channel.version = text_of(element).strip()
    elif kind == "wp" and name == "author":
        fields = {local_name(child)[1]: text_of(child).strip() for child in element}
        login = fields.get("author_login", "")
        if login:
            channel.authors[login] = Author(
                login, fields.get("author_email", ""), fields.get("author_display_name", "")
            )


ITEM_FIELDS = {
    ("", "title"): "title",
    ("", "link"): "link",
    ("", "guid"): "guid",
    ("content", "encoded"): "content",
    ("wp", "post_type"): "post_type",
    ("wp", "status"): "status",
    ("wp", "post_name"): "post_name",
    ("wp", "post_password"): "password",
}


def read_item(element: etree._Element) -> Item:
    """An item with its terms and comments."""
    item = Item(line=element.sourceline or 0)
    dates = {"post_date_gmt": "", "pubDate": "", "post_date": ""}
    for child in element:
        kind, name = local_name(child)
        if (kind, name) in ITEM_FIELDS:
            setattr(item, ITEM_FIELDS[kind, name], text_of(child))
        elif kind == "wp" and name == "post_id":
            item.wp_id = integer(text_of(child))
        elif name in dates and kind in ("", "wp"):
            dates[name] = text_of(child)
        elif name == "creator":
            item.creator = text_of(child).strip()
        elif kind == "" and name == "category":
            item.terms.append(Term(child.get("domain", "category"), text_of(child).strip()))
        elif kind == "wp" and name == "comment":
            item.comments.append(read_comment(child))
    item.date = item_date(dates["post_date_gmt"], dates["pubDate"], dates["post_date"])
    item.post_type, item.status = item.post_type.strip(), item.status.strip()
    return item


def read_comment(element: etree._Element) -> Comment:
    fields = {local_name(child)[1]: text_of(child) for child in element}
    return Comment(
        wp_id=integer(fields.get("comment_id", "")),
        author=fields.get("comment_author", "").strip(),
        author_email=fields.get("comment_author_email", "").strip(),
        author_url=fields.get("comment_author_url", "").strip(),
        date=stored_date(fields.get("comment_date_gmt", ""))
        or stored_date(fields.get("comment_date", "")),
        content=fields.get("comment_content", ""),
        approved=fields.get("comment_approved", "").strip(),
        kind=fields.get("comment_type", "").strip(),
    )
