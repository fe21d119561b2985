"""What pages show of other sites' webmentions: answers in full, mentions and likes counted."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, and_, bindparam, func, select

from app.letters.models import Letter, LetterStatus
from app.letters.shown import PageLetter
from app.reads import prepared, read_rows
from app.webmentions.models import (
    MentionKind,
    MentionStatus,
    ReceivedWebmention,
    SiteStanding,
    WebmentionSite,
)


@dataclass(frozen=True)
class OutsideAnswer:
    """A page elsewhere that answers, likes, reposts or mentions a letter."""

    letter_id: int
    source: str
    domain: str
    kind: MentionKind
    author_name: str
    author_url: str
    title: str
    content_html: str
    published_at: datetime


@dataclass
class OutsideResponses:
    """Everything a letter page shows of other sites."""

    replies: list[OutsideAnswer] = field(default_factory=list)
    mentions: list[OutsideAnswer] = field(default_factory=list)
    likes: int = 0
    reposts: int = 0

    def __bool__(self) -> bool:
        return bool(self.replies or self.mentions or self.likes or self.reposts)


_mention = ReceivedWebmention
COLUMNS = (
    _mention.letter_id, _mention.source, _mention.domain, _mention.kind, _mention.author_name,
    _mention.author_url, _mention.title, _mention.content_html,
    func.coalesce(_mention.published_at, _mention.verified_at),
)  # fmt: skip


def shown_mentions() -> Select:
    """Mentions an admin let through (or from an approved site), unless their site is blocked."""
    blocked = (
        select(WebmentionSite.domain)
        .where(WebmentionSite.domain == _mention.domain)
        .where(WebmentionSite.standing == SiteStanding.BLOCKED)
        .exists()
    )
    return (
        select(*COLUMNS)
        .where(_mention.status == MentionStatus.SHOWN, ~blocked)
        .order_by(COLUMNS[-1], _mention.id)
    )


# Built once: these run on every letter and correspondence page.
OF_LETTER = prepared(shown_mentions().where(_mention.letter_id == bindparam("letter_id")))
ANSWERS_IN_CORRESPONDENCE = prepared(
    shown_mentions()
    .join(
        Letter,
        and_(
            Letter.id == _mention.letter_id,
            Letter.thread_root_id == bindparam("root_id"),
            Letter.status == LetterStatus.PUBLISHED,
        ),
    )
    .where(_mention.kind == MentionKind.REPLY)
)


def responses_to(letter: PageLetter) -> OutsideResponses:
    """The letter's answers and mentions from other sites, oldest first (one query)."""
    responses = OutsideResponses()
    for row in read_rows(OF_LETTER, {"letter_id": letter.id}):
        answer = OutsideAnswer(*row)
        if answer.kind == MentionKind.REPLY:
            responses.replies.append(answer)
        elif answer.kind == MentionKind.LIKE:
            responses.likes += 1
        elif answer.kind == MentionKind.REPOST:
            responses.reposts += 1
        else:
            responses.mentions.append(answer)
    return responses


def answers_in_correspondence(root: PageLetter) -> dict[int, list[OutsideAnswer]]:
    """Other sites' answers to the letters of a correspondence, by letter (one query)."""
    answers: dict[int, list[OutsideAnswer]] = {}
    for row in read_rows(ANSWERS_IN_CORRESPONDENCE, {"root_id": root.id}):
        answer = OutsideAnswer(*row)
        answers.setdefault(answer.letter_id, []).append(answer)
    return answers
