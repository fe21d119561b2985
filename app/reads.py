"""Reading rows for the most read pages: plain rows, and prepared statements on the driver.

A letter page reads six small statements of columns. Through the ORM session each cost
about twice the statement itself on SQLite, and through SQLAlchemy's Core still about as
much again as the database's work: `read_rows` skips the first, `prepared` the second.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Executable
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError

from app.extensions import db

SelectT = TypeVar("SelectT", bound=Executable)


Row = tuple[Any, ...]


def read_rows(statement: Executable, params: dict[str, Any] | None = None) -> list[Row]:
    """Rows of a statement that selects columns, not mapped objects, in the session's transaction.

    The session's ORM layer costs about twice the statement itself on SQLite, and a
    letter page runs several such statements; on the session's connection they skip it.
    A statement made with `prepared` is run on the driver's own cursor (see PreparedRead).
    Pending changes are flushed first, as Session.execute would.
    """
    session = db.session()  # the request's session, looked up once rather than per attribute
    if session.autoflush:
        session.flush()
    connection = session.connection()
    read = PREPARED.get(id(statement))
    if read is None or is_observed(connection):
        return list(connection.execute(statement, params))
    return read.run(connection, params or {})


def prepared(statement: SelectT) -> SelectT:
    """The statement, to be compiled once for each database and run on the driver's cursor.

    For the few fixed statements of the most read pages: each of their runs skips the work
    SQLAlchemy does for any statement at all (its compiled cache's look-up, an execution
    context, a Result), about as much as the database's own work for a letter page.
    """
    PREPARED[id(statement)] = PreparedRead(statement)  # kept here: the id stays its own
    return statement


def is_observed(connection: Connection) -> bool:
    """Whether something listens to the statements run (a tracer, a test counting them):
    it then sees them through SQLAlchemy's own execution, as it expects to."""
    dispatch = connection.dispatch
    return bool(dispatch.before_cursor_execute or dispatch.after_cursor_execute)


@dataclass(frozen=True)
class DriverStatement:
    """A prepared statement compiled for one database driver."""

    sql: str
    positions: tuple[str, ...] | None  # the order of the values, for drivers that number them
    fixed_values: dict[str, Any]  # values the statement itself holds (a status, a limit)
    bind_processors: dict[str, Callable[[Any], Any]]


class PreparedRead:
    """A SELECT compiled once per database driver, its rows converted as SQLAlchemy would.

    Its values go to the driver and its columns come back through the types' own bind and
    result processors (public TypeEngine API), so the rows are the ones Connection.execute
    returns; a test holds that for every prepared statement on both databases. Errors of
    the driver become SQLAlchemy's, and a lost connection is invalidated, as there.
    """

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self.compiled: dict[tuple[str, str], DriverStatement] = {}
        # The columns whose values need converting, by index, for each database driver.
        self.conversions: dict[tuple[str, str], tuple[tuple[int, Callable], ...]] = {}

    def run(self, connection: Connection, params: dict[str, Any]) -> list[Row]:
        dialect = connection.dialect
        driver = (dialect.name, dialect.driver)
        compiled = self.compiled.get(driver) or self.compile_for(dialect, driver)
        values = driver_values(compiled, params)
        dbapi_connection = connection.connection.dbapi_connection
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(compiled.sql, values)
            rows = cursor.fetchall()
            conversions = self.conversions.get(driver)
            if conversions is None:
                conversions = self.conversions_for(dialect, driver, cursor.description)
        except dialect.loaded_dbapi.Error as error:
            raise driver_error(connection, cursor, compiled.sql, values, error) from error
        finally:
            cursor.close()
        if not conversions:
            return rows
        return [converted(row, conversions) for row in rows]

    def compile_for(self, dialect: Dialect, driver: tuple[str, str]) -> DriverStatement:
        compiled = self.statement.compile(dialect=dialect)
        if "POSTCOMPILE" in compiled.string:
            raise ValueError("a prepared statement cannot hold expanding values (IN lists)")
        if any(bind.callable is not None for bind in compiled.bind_names):
            raise ValueError("a prepared statement cannot hold values computed at each run")
        fixed: dict[str, Any] = {}
        processors: dict[str, Callable[[Any], Any]] = {}
        for bind, name in compiled.bind_names.items():
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                processors[name] = processor
            if not bind.required:
                fixed[name] = processor(bind.effective_value) if processor else bind.effective_value
        positions = tuple(compiled.positiontup) if compiled.positional else None
        statement = DriverStatement(compiled.string, positions, fixed, processors)
        self.compiled[driver] = statement
        return statement

    def conversions_for(
        self, dialect: Dialect, driver: tuple[str, str], description: Any
    ) -> tuple[tuple[int, Callable], ...]:
        columns = self.statement.selected_columns
        processors = (
            column.type.dialect_impl(dialect).result_processor(dialect, described[1])
            for column, described in zip(columns, description, strict=True)
        )
        conversions = tuple((at, p) for at, p in enumerate(processors) if p is not None)
        self.conversions[driver] = conversions
        return conversions


def converted(row: Row, conversions: tuple[tuple[int, Callable], ...]) -> Row:
    """The row with each column that has a result processor converted by it."""
    values = list(row)
    for at, convert in conversions:
        values[at] = convert(values[at])
    return tuple(values)


def driver_values(compiled: DriverStatement, params: dict[str, Any]) -> Any:
    """The values as the driver takes them: the caller's through their types' processors."""
    values = dict(compiled.fixed_values)
    for name, value in params.items():
        processor = compiled.bind_processors.get(name)
        values[name] = processor(value) if processor and value is not None else value
    if compiled.positions is None:
        return values
    return tuple(values[name] for name in compiled.positions)


def driver_error(
    connection: Connection, cursor: Any, sql: str, values: Any, error: Exception
) -> DBAPIError:
    """The driver's error as SQLAlchemy raises it, the connection invalidated if it is lost."""
    dialect = connection.dialect
    lost = dialect.is_disconnect(error, connection.connection.dbapi_connection, cursor)
    if lost:
        connection.invalidate(error)
    return DBAPIError.instance(sql, values, error, dialect.loaded_dbapi.Error,
                               connection_invalidated=lost, dialect=dialect)  # fmt: skip


PREPARED: dict[int, PreparedRead] = {}
