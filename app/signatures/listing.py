"""Reading signatures: how many a letter has, and the names shown, in order of signing.

Only confirmed signatures that no admin removed count; of those, the signers who chose to
be counted but not named are left out of the lists. Each function runs one statement,
however many signatures a letter has.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ScalarSelect, Select, bindparam, case, exists, func, select, true

from app.accounts.models import User
from app.extensions import db
from app.reads import prepared, read_rows
from app.signatures.models import ClosedSigning, Signature

NAMES_PER_PAGE = 100
# The Atom entry of a letter names at most this many signers (and says how many signed).
NAMES_IN_FEED = 100


@dataclass(frozen=True)
class ShownSignature:
    """A signer as readers see them: name, affiliation, when, and whether a colleague."""

    id: int
    name: str
    affiliation: str
    signed_at: datetime
    handle: str | None = None  # a colleague's, for a link to their page


SIGNED, PENDING, REMOVED = "signed", "pending", "removed"


@dataclass(frozen=True)
class SignatureCount:
    """How many signatures count, how many are named, whether signing is closed, and the
    viewer's own signature: SIGNED, PENDING, REMOVED or None (a colleague's, if asked)."""

    total: int
    named: int
    closed: bool
    own: str | None = None

    @property
    def pages(self) -> int:
        """Pages of names, NAMES_PER_PAGE each (at least one)."""
        return max(1, -(-self.named // NAMES_PER_PAGE))


def counted(letter_ids: object) -> list:
    """Conditions of the signatures that count for these letters (a list of ids or one id)."""
    letter_match = (
        Signature.letter_id.in_(letter_ids)
        if isinstance(letter_ids, list)
        else Signature.letter_id == letter_ids
    )
    return [letter_match, Signature.confirmed_at.is_not(None), Signature.removed_at.is_(None)]


def shown_columns() -> Select:
    """A shown signature's columns; a colleague under their current name and role line."""
    return select(
        Signature.id,
        func.coalesce(User.display_name, Signature.name),
        case((User.id.is_not(None), User.role_line), else_=Signature.affiliation),
        Signature.confirmed_at,
        User.handle,
        Signature.letter_id,
    ).outerjoin(User, User.id == Signature.user_id)


def shown_signature(row: tuple) -> ShownSignature:
    return ShownSignature(row[0], row[1], row[2] or "", row[3], row[4])


def shown_signatures(
    letter_id: int, offset: int = 0, limit: int | None = None
) -> list[ShownSignature]:
    """The named signers of a letter in order of signing (for pages, the API, exports)."""
    query = (
        shown_columns()
        .where(*counted(letter_id), Signature.named.is_(True))
        .order_by(Signature.confirmed_at, Signature.id)
        .offset(offset)
        .limit(limit)
    )
    return [shown_signature(row) for row in db.session.execute(query)]


def own_signature_state(letter_id: object, colleague_id: object, email: object) -> ScalarSelect:
    """A colleague's own signature of the letter (as a colleague or by address), as a state."""
    state = case(
        (Signature.removed_at.is_not(None), REMOVED),
        (Signature.confirmed_at.is_not(None), SIGNED),
        else_=PENDING,
    )
    mine = (Signature.user_id == colleague_id) | (Signature.email == email)
    query = select(state).where(Signature.letter_id == letter_id, mine)
    return query.order_by(Signature.user_id.is_(None)).limit(1).scalar_subquery()


def counts_of(letter_id: object) -> list:
    """The columns of a SignatureCount but the viewer's own signature."""
    total = select(func.count()).where(*counted(letter_id)).scalar_subquery()
    named = (
        select(func.count()).where(*counted(letter_id), Signature.named.is_(True)).scalar_subquery()
    )
    return [total, named, exists().where(ClosedSigning.letter_id == letter_id)]


# Built once: every letter page runs one of them (bound parameters fill them in), and
# building such a statement takes longer than running it.
LETTER = bindparam("letter_id")
COUNTS = prepared(select(*counts_of(LETTER)))
COUNTS_AND_OWN = prepared(
    select(
        *counts_of(LETTER), own_signature_state(LETTER, bindparam("user_id"), bindparam("email"))
    )
)
PAGE_OF_NAMES = (
    shown_columns()
    .where(*counted(LETTER), Signature.named.is_(True))
    .order_by(Signature.confirmed_at, Signature.id)
    .offset(bindparam("offset"))
    .limit(NAMES_PER_PAGE)
)


def page_of_names(letter_id: int, page: int) -> list[ShownSignature]:
    """One page of NAMES_PER_PAGE names (page 1 is the first)."""
    rows = db.session.execute(
        PAGE_OF_NAMES, {"letter_id": letter_id, "offset": (page - 1) * NAMES_PER_PAGE}
    )
    return [shown_signature(row) for row in rows]


def with_first_names(counts: Select) -> Select:
    """The counts beside each name of the first page: one row with no name when none."""
    summed, names = counts.subquery("counts"), PAGE_OF_NAMES.subquery("names")
    return (
        select(summed, names)
        .select_from(summed.outerjoin(names, true()))
        .order_by(names.c.confirmed_at, names.c.id)
    )


COUNTS_AND_NAMES = prepared(with_first_names(COUNTS))
COUNTS_OWN_AND_NAMES = prepared(with_first_names(COUNTS_AND_OWN))


def count_and_first_names(
    letter_id: int, colleague: User | None = None
) -> tuple[SignatureCount, list[ShownSignature]]:
    """signature_count and the first page of names, in one statement (the letter page's box)."""
    values: dict[str, object] = {"letter_id": letter_id, "offset": 0}
    if colleague is not None:
        values.update(user_id=colleague.id, email=colleague.email.lower())
    rows = read_rows(COUNTS_AND_NAMES if colleague is None else COUNTS_OWN_AND_NAMES, values)
    width = 3 if colleague is None else 4
    first = rows[0]
    count = SignatureCount(int(first[0] or 0), int(first[1] or 0), bool(first[2]),
                           first[3] if colleague is not None else None)  # fmt: skip
    names = [shown_signature(row[width:]) for row in rows if row[width] is not None]
    return count, names


def signature_count(letter_id: int, colleague: User | None = None) -> SignatureCount:
    """The counts, whether the author closed signing and the colleague's own signature, in one
    statement."""
    if colleague is None:
        (row,) = read_rows(COUNTS, {"letter_id": letter_id})
        return SignatureCount(int(row[0] or 0), int(row[1] or 0), bool(row[2]))
    mine = {"letter_id": letter_id, "user_id": colleague.id, "email": colleague.email.lower()}
    (row,) = read_rows(COUNTS_AND_OWN, mine)
    return SignatureCount(int(row[0] or 0), int(row[1] or 0), bool(row[2]), row[3])


@dataclass(frozen=True)
class FeedSignatures:
    total: int
    names: list[ShownSignature]


def signatures_for_feed(letter_ids: list[int]) -> dict[int, FeedSignatures]:
    """Each letter's count and first NAMES_IN_FEED names, for a feed's entries: two statements."""
    if not letter_ids:
        return {}
    totals = dict(
        db.session.execute(
            select(Signature.letter_id, func.count())
            .where(*counted(letter_ids))
            .group_by(Signature.letter_id)
        ).all()
    )
    if not totals:
        return {}
    position = func.row_number().over(
        partition_by=Signature.letter_id, order_by=(Signature.confirmed_at, Signature.id)
    )
    ranked = (
        shown_columns()
        .add_columns(position.label("position"))
        .where(*counted(list(totals)), Signature.named.is_(True))
        .subquery()
    )
    rows = db.session.execute(
        select(ranked).where(ranked.c.position <= NAMES_IN_FEED).order_by(ranked.c.position)
    )
    names: dict[int, list[ShownSignature]] = {letter_id: [] for letter_id in totals}
    for row in rows:
        names[row[5]].append(shown_signature(row))
    return {key: FeedSignatures(total, names[key]) for key, total in totals.items()}
