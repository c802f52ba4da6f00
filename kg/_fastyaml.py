"""A YAML document's values read by rapidyaml, as PyYAML's safe loader makes them.

PyYAML, even on libyaml, makes a Python node and two marks for every scalar and resolves
each scalar's tag in Python: about 6 ms for a 17 kB authoring file, most of what a build
worker spends on a report. rapidyaml parses the same file and writes it out as JSON in
about 0.4 ms, and the standard library's JSON reader reads that in 0.3 ms. The values are
PyYAML's (YAML 1.1), not rapidyaml's (YAML 1.2):

- a quoted or block scalar is a string in both, and comes out of the JSON as one;
- rapidyaml writes a plain scalar that looks like a JSON number bare: its text goes through
  ``plain`` (PyYAML's implicit resolvers and safe constructors, given by :mod:`kg.loader`),
  so ``1e3`` stays the string PyYAML makes of it;
- any other plain scalar becomes a JSON string; where PyYAML would make something else of
  that text (``yes``, ``~``, ``2024-01-01``, ``0x1A``, an empty value written ``''``…) the JSON
  cannot say whether it was quoted, so the text is left to PyYAML — unless rapidyaml writes
  that text bare when plain (``"1"`` was quoted, as a plain 1 is written 1).

What this reader leaves to PyYAML, raising :class:`Unsupported` (the caller then reads the
text with PyYAML, which gives the values, or the error with its line and column): anything
rapidyaml cannot parse, tags, anchors and aliases, directives and document markers, a key
written twice, an empty document, tabs, a byte-order mark, the characters PyYAML rejects or
reads as line breaks, plain scalars that begin with a dot or with a character YAML reserves
(rapidyaml takes both; PyYAML rejects the second and rapidyaml rewrites the first), and the
ambiguous strings above. So the values are PyYAML's, and what PyYAML rejects is still
rejected with PyYAML's message (a property test checks both against PyYAML).

rapidyaml writes its parse errors to the process's standard error before raising them; a
caller that may meet bad files uses :func:`read` only in a process of its own (kg's build
workers), where they are silenced. Positions are not made at all: a caller that needs a line
reads the text again with PyYAML (only for a problem). Without rapidyaml installed every
text is left to PyYAML.
"""

from __future__ import annotations

import functools
import json
import os
import re
from typing import Any, Callable

import yaml


class Unsupported(Exception):
    """The text uses something this reader leaves to PyYAML."""


# (rapidyaml is imported, and the patterns of PyYAML's types built, at the first read: the
# sequential build, a small report's, never reads this way and does not pay for them)


@functools.cache
def _ryml():
    try:
        import ryml
    except ImportError:  # pragma: no cover - rapidyaml is a dependency; kg works without it
        return None
    return ryml


# characters PyYAML rejects (yaml.reader.Reader.NON_PRINTABLE), reads as line breaks (NEL,
# LS, PS: YAML 1.1's, not 1.2's) or where the two parsers differ (a tab, a byte-order mark)
_CHARACTERS = re.compile("[^\x0A\x0D\x20-\x7E\xA0-\u2027\u202A-\uD7FF\uE000-\uFEFE\uFF00-\uFFFD\U00010000-\U0010ffff]")
# At the start of a token (after a space, a line break or a flow indicator, or at the start
# of the text): a tag, an anchor, an alias, a reserved indicator, a closing bracket after a
# space (in block context PyYAML rejects it, rapidyaml reads it as text), a colon with no
# key, or a plain scalar that begins with a dot (rapidyaml writes `.5` as 0.5, `-.5` as
# -0.5). A string of the text that merely looks so is left to PyYAML too. (Each pattern
# begins with the character it looks for and looks behind it for the token's start: the
# regex engine skips quickly to such a character, where a pattern that begins with the
# token's start, a space, stops at every space — 2.5 times as long.)
_TOKEN_STARTS = tuple(re.compile(pattern, re.M) for pattern in (
    r"[!&*@`%?](?<=[\s\[\]{},:?+-].)",
    r"\.(?=[0-9])(?<=[\s\[\]{},:?+-]\.)",
    r"[\]}](?<=\s.)",
    r":(?=\s|$)(?<=[\s\[\]{},?-]:)",
    # a block scalar's header that is not one (PyYAML rejects it, rapidyaml reads on)
    r"[|>](?<=[\s\[\]{},:?-].)(?![-+]?[1-9]?[-+]?[ ]*(?:#.*)?\r?$)",
    # a block scalar as the document (the two differ on one whose lines are not indented)
    r"\n[ ]*[|>]",
    # a flow collection not closed on its line (they differ on a key over two lines, and on
    # one never closed)
    r"[\[{](?<=[\s\[{,:?-].)[^\n\]}]*\n",
))
# the same at the start of the text
_TEXT_STARTS = ("!", "&", "*", "@", "`", "%", "?", "]", "}", ".", ":", "|", ">", "[", "{")
# a directive or a document marker at the start of a line
_LINE_MARKS = ("%", "---", "...")
_LINE_MARKS_INSIDE = tuple("\n" + mark for mark in _LINE_MARKS)


def _left_to_pyyaml(text: str) -> bool:
    # (a text that does not end with a line break: the two differ on a block scalar there)
    return bool(not text.endswith("\n") or _CHARACTERS.search(text) or any(p.search(text) for p in _TOKEN_STARTS)
                or text.startswith((*_TEXT_STARTS, *_LINE_MARKS))
                or any(mark in text for mark in _LINE_MARKS_INSIDE))


@functools.cache
def _typed_strings() -> re.Pattern:
    """A JSON string whose text PyYAML's safe loader reads, when plain, as no string: one of
    its implicit resolvers' patterns, between quotes."""
    alternatives = []
    for resolvers in yaml.SafeLoader.yaml_implicit_resolvers.values():
        for _tag, pattern in resolvers:
            text = pattern.pattern
            if not (text.startswith("^") and text.endswith("$")):  # pragma: no cover - a PyYAML change
                return re.compile('"')  # every string: each text is left to PyYAML
            alternatives.append(f"(?{'x' if pattern.flags & re.X else ''}:{text[1:-1]})")
    # (the lookahead: most strings are passed over on their first character)
    first = "".join(sorted(k for k in yaml.SafeLoader.yaml_implicit_resolvers if k))
    return re.compile('"(?=[' + re.escape(first) + '"])(' + "|".join(dict.fromkeys(alternatives)) + ')"')


_BARE: dict[str, bool] = {}


def _written_bare(text: str) -> bool:
    """Whether rapidyaml writes ``text``, as a plain scalar, as a bare JSON number or
    constant: then a JSON string of that text was quoted in the YAML (``number: "1"``), and
    is a string for PyYAML too."""
    if not text:
        return True  # an empty plain value is written null
    bare = _BARE.get(text)
    if bare is None:
        if len(_BARE) > 1 << 12:
            _BARE.clear()
        ryml = _ryml()
        try:
            with _quiet_stderr():
                written = ryml.emit_json(ryml.parse_in_arena(f"[{text}]".encode("utf-8")))
        except Exception:  # (not proven quoted: the text is left to PyYAML)
            written = None
        bare = _BARE[text] = written is not None and written.strip() == f"[{text}]"
    return bare


def available() -> bool:
    """Whether rapidyaml is installed (else every text is read by PyYAML)."""
    return _ryml() is not None


def read(text: str, plain: Callable[[str], Any]) -> Any:
    """The values of the one YAML document in ``text``, as PyYAML's safe loader makes them;
    ``plain(text)`` gives a plain scalar's value.

    Raises
    ------
    Unsupported
        When the text is to be read by PyYAML instead (see the module's docstring).

    Examples
    --------
    >>> read("a: [1, '2', x]\\nb:\\n", lambda s: int(s) if s.isdigit() else s)
    {'a': [1, '2', 'x'], 'b': None}
    """
    ryml = _ryml()
    if ryml is None or _left_to_pyyaml(text):
        raise Unsupported
    try:
        with _quiet_stderr():
            tree = ryml.parse_in_arena(text.encode("utf-8"))
    except Exception as exc:  # a parse error: PyYAML words it, with a position
        raise Unsupported from exc
    if tree.is_stream(tree.root_id()):
        raise Unsupported  # more than one document
    written = ryml.emit_json(tree)
    if not written or written[0] not in "{[":
        raise Unsupported  # a scalar as the document (kg's files hold mappings)
    for typed in _typed_strings().finditer(written):
        # (a key is written as a JSON string however it was written: left to PyYAML)
        if written.startswith(":", typed.end()) or not _written_bare(typed.group(1)):
            raise Unsupported
    try:
        return json.loads(written, parse_int=plain, parse_float=plain, parse_constant=plain,
                          object_pairs_hook=_mapping)
    except ValueError as exc:  # (what rapidyaml cannot write as JSON, such as a NUL)
        raise Unsupported from exc


def _mapping(pairs: list[tuple[str, Any]]) -> dict:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise Unsupported  # a key written twice: PyYAML's reading reports it, with its line
    return out


class _quiet_stderr:
    """File descriptor 2 pointed at /dev/null for the block: rapidyaml prints a parse error
    there before raising it. Only for a process that has no other thread writing there."""

    def __enter__(self):
        self.saved = os.dup(2)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 2)
        os.close(null)

    def __exit__(self, *exc):
        os.dup2(self.saved, 2)
        os.close(self.saved)
