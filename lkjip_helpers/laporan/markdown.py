"""The report's one templating mechanism: trusted Markdown, escaped values.

Everything the report says goes through one rule, the rule of ``markupsafe`` for
HTML applied to pandoc Markdown:

* a :class:`Markdown` string is trusted Markdown (the project's own prose files,
  sentence templates, notebook literals); it is shown as is;
* any other value is **text** and is escaped with :func:`escape_markdown` wherever
  it meets Markdown: substituted into a template, shown by
  ``display.show_markdown``, put into a table cell or a caption.

:func:`isi_templat` fills a template (a prose file of ``params/prose``, a sentence
of ``params/narrative.yaml``, a literal in a notebook via ``display.markdown``)
and returns :class:`Markdown`: the template's own Markdown stays Markdown, every
value substituted into it is escaped unless it is :class:`Markdown` already. The
sentences of ``narrative.yaml`` are *text* templates (``markdown=False``): their
wording is shown literally too, so a sentence reads exactly as written there
(pandoc would otherwise curl its straight quotes).
So an analyst cannot forget to escape: the escaping happens by default, and
the worst a mistake can do is show a ``**`` literally.

Errors name the template's file, the line and the placeholders or keys that
exist, so a misspelt ``{tahunn}`` or ``{fakta[satyalencanaa]}`` is found at once.
"""

from __future__ import annotations

import _string  # the parser str.format itself uses (field names like fakta[x])
import string
from collections.abc import Iterable, Mapping

from lkjip_helpers.core.exceptions import ParamsError

_PUNCTUATION = frozenset(string.punctuation)


class Markdown(str):
    """Trusted Markdown text: shown as is, never escaped again.

    ``plain`` is the same text with the values substituted unescaped (what a
    reader reads, for tests and for alt texts); for a literal it is the text
    itself. Concatenating a :class:`Markdown` with a plain ``str`` escapes the
    plain part, as ``markupsafe.Markup`` does for HTML.
    """

    plain: str

    def __new__(cls, text: object = "", plain: str | None = None):
        obj = super().__new__(cls, "" if text is None else str(text))
        obj.plain = str(obj) if plain is None else plain
        return obj

    def __add__(self, other):
        if isinstance(other, str):
            # str() on both sides: a str + Markdown would call Markdown.__radd__ and
            # escape the left part a second time.
            return Markdown(str(self) + str(escape_markdown(other)), self.plain + _plain(other))
        return NotImplemented

    def __radd__(self, other):
        if isinstance(other, str):
            return Markdown(str(escape_markdown(other)) + str(self), _plain(other) + self.plain)
        return NotImplemented

    def __repr__(self) -> str:
        return f"Markdown({str.__repr__(self)})"

    def strip(self, chars=None):  # keep the type through the usual clean-ups
        return Markdown(str.strip(self, chars), self.plain.strip(chars))


def _plain(value: object) -> str:
    if isinstance(value, Markdown):
        return value.plain
    return "" if value is None else str(value)


def escape_markdown(value: object) -> str:
    """Return ``value`` as Markdown text that renders literally.

    Every ASCII punctuation character is backslash-escaped (pandoc and Quarto read
    ``\\<`` as ``<``, ``\\#`` as ``#``, ...), line breaks and tabs become single
    spaces (a value is inline text: it must not start a new block) and ``None``
    becomes the empty string. A :class:`Markdown` value is trusted and returned
    unchanged, so escaping twice is harmless.

    Examples
    --------
    >>> print(escape_markdown("<b>Rp1.000</b>"))
    \\<b\\>Rp1\\.000\\<\\/b\\>
    """
    if value is None:
        return ""
    if isinstance(value, Markdown):
        return value
    text = str(value)
    if any(ch in text for ch in "\n\r\t\v\f\u2028\u2029"):
        text = " ".join(text.split())
    return "".join("\\" + ch if ch in _PUNCTUATION else ch for ch in text)


def as_markdown(value: object) -> Markdown:
    """``value`` as Markdown: trusted Markdown as is, anything else escaped."""
    if isinstance(value, Markdown):
        return value
    return Markdown(escape_markdown(value), _plain(value))


def gabung(items: Iterable[object], pemisah: str = " ") -> Markdown:
    """Join pieces into one :class:`Markdown`: each piece escaped unless Markdown.

    ``" ".join`` would return a plain ``str`` holding already escaped text, which
    would then be escaped a second time where it is shown.
    """
    parts = [p for p in items if p is not None]
    return Markdown(
        escape_markdown(pemisah).join(str(as_markdown(p)) for p in parts),
        pemisah.join(_plain(p) for p in parts),
    )


def daftar(items: Iterable[object], *, bernomor: bool = False) -> Markdown:
    """A Markdown list of ``items`` (``- a`` or ``1. a``), each item escaped unless Markdown."""
    lines, plain = [], []
    for i, item in enumerate(items, start=1):
        mark = f"{i}." if bernomor else "-"
        lines.append(f"{mark} {as_markdown(item)}")
        plain.append(f"{mark} {_plain(item)}")
    return Markdown("\n".join(lines), "\n".join(plain))


def _line_of(text: str, needle: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    return None


class _Formatter(string.Formatter):
    """``str.format`` that escapes each substituted value and explains its errors."""

    def __init__(self, sumber: str, teks_sumber: str, escape: bool):
        self.sumber = sumber
        self.teks_sumber = teks_sumber
        self.escape = escape

    def _where(self, needle: str) -> str:
        line = _line_of(self.teks_sumber, needle)
        return f"{self.sumber}, line {line}" if line else self.sumber

    def get_field(self, field_name, args, kwargs):
        first, rest = _string.formatter_field_name_split(field_name)
        if first not in kwargs:
            known = ", ".join("{" + k + "}" for k in sorted(kwargs))
            raise ParamsError(
                f"{self._where('{' + str(first))}: unknown placeholder {{{first}}}; "
                f"known placeholders: {known or '(none)'}. Write {{{{ and }}}} for literal braces."
            )
        obj = kwargs[first]
        path = str(first)
        for is_attr, key in rest:
            if is_attr:
                raise ParamsError(
                    f"{self._where('{' + field_name)}: placeholder {{{field_name}}}: "
                    f"use {{{path}[key]}}, not attributes."
                )
            if not isinstance(obj, Mapping) or key not in obj:
                keys = sorted(obj) if isinstance(obj, Mapping) else []
                raise ParamsError(
                    f"{self._where('{' + path + '[' + str(key))}: placeholder "
                    f"{{{field_name}}}: {{{path}}} has no key {key!r}; known keys: "
                    f"{', '.join(keys) or '(none)'}."
                )
            obj = obj[key]
            path = f"{path}[{key}]"
        return obj, first

    def format_field(self, value, format_spec):
        if isinstance(value, Markdown):
            return str(value) if self.escape else value.plain
        text = "" if value is None else format(value, format_spec)
        return escape_markdown(text) if self.escape else text


def isi_templat(
    templat: str,
    nilai: Mapping[str, object],
    *,
    sumber: str = "template",
    teks_sumber: str | None = None,
    markdown: bool = True,
) -> Markdown:
    """Fill ``templat`` with ``nilai``; values are escaped, the template is Markdown.

    Parameters
    ----------
    templat : str
        Trusted Markdown with ``{name}`` (or ``{name[key]}``) placeholders;
        ``{{`` and ``}}`` are literal braces.
    nilai : mapping
        Placeholder values: ``str``/numbers are escaped; :class:`Markdown` is
        inserted as is; a mapping serves ``{name[key]}``.
    sumber : str
        Where the template comes from (``params/prose/2017/bab.md``), for errors.
    teks_sumber : str, optional
        The whole text of that file, to give line numbers in errors (default:
        ``templat``).
    markdown : bool, default True
        False for a *text* template (the sentences of ``params/narrative.yaml``):
        its own wording is escaped too and reads literally, straight quotes and
        all, exactly as the published sentences always did.

    Returns
    -------
    Markdown
        With ``plain`` set to the text filled with the unescaped values.

    Raises
    ------
    ParamsError
        Unknown placeholder or key, naming the file, the line and what exists.
    """
    source = templat if teks_sumber is None else teks_sumber
    values = {str(k): v for k, v in nilai.items()}
    try:
        text = _Formatter(sumber, source, escape=True).vformat(templat, (), values)
        plain = _Formatter(sumber, source, escape=False).vformat(templat, (), values)
    except ValueError as exc:  # unbalanced braces
        raise ParamsError(
            f"{sumber}: invalid template ({exc}); write {{{{ and }}}} for literal braces."
        ) from None
    if not markdown:
        return Markdown(escape_markdown(plain), plain)
    return Markdown(text, plain)
