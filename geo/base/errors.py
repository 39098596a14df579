"""Validation problems, reported with where they are and what is wrong.

Every check in ``geo`` that rejects input reports ``ValidationIssue`` objects: the file,
the row (1-based, counting the header as row 1, as a spreadsheet shows it), the column
and a sentence saying what is wrong. A ``DataValidationError`` carries all the issues
found, not just the first, so a user can fix a file in one pass.

The sentence is English (``message``: what the command line, logs and tests read). Where
it was built from a translatable template (a msgid marked ``N_``) the issue also keeps the
template and its values, so a page can show it in the user's language
(:meth:`ValidationIssue.localised`). Values are inserted as they are: they name the
user's own cells, columns and vocabulary values, which are machine names of the file and
are never translated. A value may itself be a :class:`Message` (a reason inside a longer
sentence); it is then translated too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from geo.base import i18n

Values = tuple[tuple[str, Any], ...]
"""Named values of a template, as hashable pairs (a frozen issue stays hashable)."""


def render(template: str, values: Mapping[str, Any], lang: str | None = None) -> str:
    """``template`` with ``values`` filled in (``str.format``), in English when ``lang`` is
    None, else translated into ``lang`` through the catalogues; :class:`Message` values are
    rendered in the same language. A translation that does not fit its values (a broken
    catalogue entry) falls back to the English sentence rather than failing a page."""
    if lang is None:
        return template.format_map(_rendered(values, None))
    try:
        return i18n.translator(lang)(template).format_map(_rendered(values, lang))
    except (KeyError, IndexError, ValueError):
        return render(template, values)


def _rendered(values: Mapping[str, Any], lang: str | None) -> dict[str, Any]:
    return {name: _value_in(value, lang) for name, value in values.items()}


def _value_in(value: Any, lang: str | None) -> Any:
    """A template value as ``lang`` writes it: messages translated, numbers localised."""
    if lang and isinstance(value, Message):
        return value.localised(lang)
    if lang and isinstance(value, Number):
        return i18n.format_number(float(value), lang, value.decimals)
    return value


class Number(float):
    """A number inside a message, written with ``decimals`` decimals: ``5.3`` in English,
    ``5,3`` in Russian (the reader's decimal sign and digit grouping).

    >>> f"{Number(5.25, 1)} MB"
    '5.2 MB'
    """

    decimals: int

    def __new__(cls, value: float, decimals: int = 0) -> Number:
        number = super().__new__(cls, value)
        number.decimals = decimals
        return number

    def __format__(self, spec: str) -> str:
        return f"{float(self):.{self.decimals}f}" if not spec else super().__format__(spec)

    def __str__(self) -> str:
        return format(self, "")

    def __reduce__(self) -> tuple[Any, ...]:
        return (Number, (float(self), self.decimals))


class Message(str):
    """An English sentence that remembers its template and values.

    It *is* the English text (a ``str``: equal to it, printed as it, hashed as it), so code
    and tests that read messages are unchanged; :meth:`localised` gives it in another
    language. ``Message(N_("'{text}' is not a number"), text="abc")`` reads
    ``'abc' is not a number``.
    """

    template: str
    values: Values

    def __new__(cls, template: str, /, **values: Any) -> Message:
        message = super().__new__(cls, render(template, values))
        message.template = template
        message.values = tuple(values.items())
        return message

    def __reduce__(self) -> tuple[Any, ...]:
        return (_message, (self.template, self.values))

    def localised(self, lang: str) -> str:
        """The sentence in ``lang`` (``"ru"``, ``"en"``)."""
        return render(self.template, dict(self.values), lang)


def _message(template: str, values: Values) -> Message:
    """Unpickle a :class:`Message`."""
    return Message(template, **dict(values))


def localised(text: str, lang: str) -> str:
    """``text`` in ``lang`` when it is a :class:`Message`, else as it is (text without a
    template, e.g. from a library, stays English)."""
    return text.localised(lang) if isinstance(text, Message) else str(text)


@dataclass(frozen=True)
class ValidationIssue:
    """One problem in one cell (or one row, or one file when ``row`` is None).

    ``message`` is the English sentence. ``template`` and ``values`` (optional) are the
    msgid it was made from and the values filled in, for :meth:`localised`; they are left
    out of equality and hashing, so an issue equals one built from the same English text.
    Giving a :class:`Message` as ``message`` fills them in.
    """

    file: str
    row: int | None
    column: str | None
    message: str
    template: str | None = field(default=None, compare=False)
    values: Values = field(default=(), compare=False)

    def __post_init__(self) -> None:
        if self.template is None and isinstance(self.message, Message):
            object.__setattr__(self, "template", self.message.template)
            object.__setattr__(self, "values", self.message.values)
        if type(self.message) is not str:  # keep the plain English text
            object.__setattr__(self, "message", str.__str__(self.message))

    @classmethod
    def of(
        cls, file: str, row: int | None, column: str | None, template: str, /, **values: Any
    ) -> ValidationIssue:
        """The issue whose message is ``template`` (a msgid, marked ``N_``) with ``values``
        filled in, in English, keeping both for translation."""
        return cls(file, row, column, Message(template, **values))

    def localised(self, lang: str) -> str:
        """The problem in ``lang``; the English ``message`` when there is no template."""
        if self.template is None:
            return self.message
        return render(self.template, dict(self.values), lang)

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}"


def issue_text(issue: ValidationIssue, lang: str) -> str:
    """The problem of ``issue`` in ``lang`` (:meth:`ValidationIssue.localised`)."""
    return issue.localised(lang)


class DataValidationError(ValueError):
    """Raised when input fails validation; ``issues`` lists every problem found."""

    def __init__(self, issues: Iterable[ValidationIssue]):
        self.issues = list(issues)
        lines = "\n".join(f"  - {issue}" for issue in self.issues)
        super().__init__(f"{len(self.issues)} validation problem(s):\n{lines}")
