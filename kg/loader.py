"""Read ``data/<report-id>/*.yaml`` into validated :class:`kg.model.Report` objects.

Every problem — YAML syntax, unknown keys, missing fields, wrong types, duplicate
ids, dangling references, unknown sections, relations not allowed between two types —
becomes a :class:`kg.errors.Problem` with file, line, column and field. All problems
of a load are collected and raised together as one :class:`kg.errors.DataError`.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

import yaml
from pydantic import ValidationError

from .errors import DataError, Problem, display_path
from .model import ContentFile, Entity, Figure, Influence, RelationDef, Report, ReportFile
from .procs import collector_paused
from .schema import INFLUENCE_TYPES, RELATIONS

__all__ = ["load_data", "load_report", "find_report_dirs", "SourceMap"]

REPORT_FILE = "report.yaml"

Path_ = tuple[Any, ...]


@dataclass
class _Positions:
    """Line/column of the nodes of one YAML document, by path.

    Looked up in the document's parsed nodes when asked (only for a problem, or an item's
    line): noting every node's position while reading took a third of reading a file. A
    document read by rapidyaml (:mod:`kg._fastyaml`) has no nodes: PyYAML reads its ``text``
    again, the first time a position is asked.
    """

    file: str
    data: Any = None
    root: Any = None  # the document's yaml node
    _keys: dict[int, dict] = field(default_factory=dict, repr=False)
    text: str | None = field(default=None, repr=False)

    def _root(self):
        if self.root is None and self.text is not None:
            text, self.text = self.text, None
            loader = _Loader(text)
            try:
                self.root = loader.get_single_node()
            except yaml.YAMLError:  # (rapidyaml read what PyYAML does not: no position then)
                pass
            finally:
                loader.dispose()
        return self.root

    def at(self, path: Path_, key: bool = False) -> tuple[int | None, int | None]:
        """Line and column of the value at ``path`` (with ``key``: of its key, in a mapping),
        or of its nearest ancestor in the file."""
        node = self._root()
        if node is None:
            return None, None
        found = node
        for part in path:
            if isinstance(node, yaml.MappingNode):
                pair = self._mapping(node).get(part)
                if pair is None:
                    break
                found, node = (pair[0] if key else pair[1]), pair[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                found = node = node.value[part]
            else:
                break
        return found.start_mark.line + 1, found.start_mark.column + 1

    def _mapping(self, node) -> dict:
        """A mapping node's key → (key node, value node); a key written twice: the last."""
        index = self._keys.get(id(node))
        if index is None:
            index = self._keys[id(node)] = {_key(k): (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}
        return index


@dataclass
class SourceMap:
    """Where each entity, figure, relation and influence of a report was written."""

    items: dict[str, tuple[str, int | None]] = field(default_factory=dict)

    def where(self, key: str) -> str:
        file, line = self.items.get(key, ("?", None))
        return f"{file}:{line}" if line else file


class _Reindexed(_Positions):
    """Positions of a content file seen through the indexes of its valid items only."""

    def __init__(self, pos: _Positions, origin: dict[str, list[int]]):
        super().__init__(pos.file, pos.data, pos.root, pos._keys)
        self.origin = origin
        self._base = pos

    def _root(self):
        # (the nodes the file's own positions read, read once: _keys is keyed by node)
        return self._base._root()

    def _map(self, path: Path_) -> Path_:
        if len(path) >= 2 and path[0] in self.origin and isinstance(path[1], int):
            return (path[0], self.origin[path[0]][path[1]], *path[2:])
        return tuple(path)

    def at(self, path: Path_, key: bool = False):
        return super().at(self._map(path), key)

    def original(self, path: Path_) -> Path_:
        return self._map(path)


class _Problems(list):
    def add(self, pos: _Positions, path: Path_, message: str, key: bool = False, field_: str | None = None,
            mark=None):
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else pos.at(path, key=key)
        if isinstance(pos, _Reindexed):
            path = pos.original(path)
        name = field_ if field_ is not None else _field_name(_with_ids(path, pos.data))
        self.append(Problem(pos.file, line, col, name, message))


def _field_name(path: Path_) -> str:
    out = ""
    for part in path:
        if isinstance(part, (int, _ById)):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


# --------------------------------------------------------------------------- YAML


def _read_yaml(path: Path, problems: _Problems, fast: bool = False) -> tuple[Any, _Positions] | None:
    """A YAML file's values and where its nodes are, or None with the problem noted.
    ``fast``: read by rapidyaml where it gives PyYAML's values (see :mod:`kg._fastyaml`;
    only in a process of its own, as rapidyaml prints its parse errors), else by PyYAML."""
    shown = display_path(path)
    pos = _Positions(shown)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(shown, None, None, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})"))
        return None
    except OSError as exc:
        problems.append(Problem(shown, None, None, "", f"cannot read: {exc.strerror}"))
        return None
    if fast:
        from . import _fastyaml

        try:
            data = _fastyaml.read(text, _plain_value)
        except _fastyaml.Unsupported:
            pass
        else:
            pos.data, pos.text = data, text
            return data, pos
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, pos
        pos.root = node
        data = _construct(loader, node, pos, problems)
        pos.data = data
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or exc.context or "invalid YAML"
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        problems.append(Problem(shown, line, col, "", f"YAML syntax error: {what}"))
        return None
    except yaml.YAMLError as exc:
        problems.append(Problem(shown, None, None, "", f"YAML error: {exc}"))
        return None
    finally:
        loader.dispose()
    return data, pos


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """PyYAML's safe loader — on libyaml's parser when PyYAML was built with it (several
    times faster; same nodes, same marks) — with a leaner tag resolver: the same tags, from
    the same rules, without the path resolvers (which kg does not use) asked at every node.
    Resolving took a fifth of reading a file."""

    def descend_resolver(self, current_node, current_index):
        pass

    def ascend_resolver(self):
        pass

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode:
            if implicit[0]:
                # (a plain scalar's tag depends on its text alone: keys and many values repeat)
                tag = _PLAIN_TAGS.get(value)
                if tag is None:
                    if len(_PLAIN_TAGS) > 1 << 16:
                        _PLAIN_TAGS.clear()
                    tag = _PLAIN_TAGS[value] = _plain_tag(type(self), value)
                return tag
            return self.DEFAULT_SCALAR_TAG
        return self.DEFAULT_SEQUENCE_TAG if kind is yaml.SequenceNode else self.DEFAULT_MAPPING_TAG


_PLAIN_TAGS: dict[str, str] = {}
_PLAIN_VALUES: dict[str, Any] = {}


def _plain_value(text: str) -> Any:
    """The value PyYAML's safe loader makes of a plain scalar: it depends on the text alone
    (and is immutable: a string, number, bool, None or date), so it is kept."""
    value = _PLAIN_VALUES.get(text, _PLAIN_VALUES)
    if value is _PLAIN_VALUES:
        if len(_PLAIN_VALUES) > 1 << 16:
            _PLAIN_VALUES.clear()
        tag = _plain_tag(_Loader, text)
        value = text if tag == _STR_TAG else yaml.SafeLoader("").construct_object(yaml.ScalarNode(tag, text))
        _PLAIN_VALUES[text] = value
    return value


def _plain_tag(loader, value: str) -> str:
    """The tag PyYAML's resolver gives a plain scalar: the first of its implicit rules for the
    scalar's first character (then those for any) whose pattern matches, else str."""
    table = loader.yaml_implicit_resolvers
    for tag, pattern in (*table.get(value[:1], ()), *table.get(None, ())):
        if pattern.match(value):
            return tag
    return loader.DEFAULT_SCALAR_TAG


_STR_TAG = "tag:yaml.org,2002:str"


def _key(node) -> Any:
    """A mapping key node's value (a key that is not a string, rare, by a loader of its own)."""
    return node.value if node.tag == _STR_TAG else yaml.SafeLoader("").construct_object(node)


def _construct(loader: yaml.SafeLoader, node: yaml.Node, pos: _Positions, problems: _Problems):
    if type(node) is yaml.ScalarNode:
        # (a string as SafeLoader makes it, without its dispatch: most of a file)
        return node.value if node.tag == _STR_TAG else loader.construct_object(node)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                problems.add(pos, _path_to(pos.root, node), "a key must be a plain word")
                continue
            key = _key(key_node)
            if key in out:
                problems.add(pos, (*_path_to(pos.root, node), key), f"key '{key}' appears twice in the same mapping",
                             key=True, mark=key_node.start_mark)
            out[key] = _construct(loader, value_node, pos, problems)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(loader, item, pos, problems) for item in node.value]
    return loader.construct_object(node)


def _path_to(root, target) -> Path_:
    """The path of the node ``target`` under ``root`` (for a problem's field: rare, so searched)."""
    todo = [(root, ())]
    while todo:
        node, path = todo.pop()
        if node is target:
            return path
        if isinstance(node, yaml.MappingNode):
            todo.extend((v, (*path, _key(k))) for k, v in node.value if isinstance(k, yaml.ScalarNode))
        elif isinstance(node, yaml.SequenceNode):
            todo.extend((v, (*path, i)) for i, v in enumerate(node.value))
    return ()


# --------------------------------------------------------------------------- pydantic


_FRIENDLY = {
    "missing": "missing required field",
    "extra_forbidden": "unknown key",
}


def _validate(model, data: Any, pos: _Positions, problems: _Problems):
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            _report_pydantic_error(model, err, data, pos, problems)
        return None


_ITEM_MODELS = {"entities": Entity, "figures": Figure, "relations": RelationDef, "influences": Influence}


def _validate_content(data: dict, pos: _Positions, problems: _Problems) -> tuple[ContentFile, dict[str, list[int]]]:
    """Validate a content file item by item, keeping the valid items.

    One bad entity must not hide the problems of the others, nor the cross-file
    checks (references, sections, duplicates) of the valid ones.
    """
    for key in data:
        if key not in _ITEM_MODELS:
            hint = _closest(str(key), _ITEM_MODELS)
            problems.add(pos, (key,), f"unknown key '{key}'" + (f" (did you mean '{hint}'?)" if hint else
                         f"; expected any of: {', '.join(_ITEM_MODELS)}"), key=True)
    kept: dict[str, list] = {}
    origin: dict[str, list[int]] = {}
    for key, model in _ITEM_MODELS.items():
        items = data.get(key)
        if items is None:
            continue
        if not isinstance(items, list):
            problems.add(pos, (key,), f"expected a list of {key}, got {type(items).__name__}")
            continue
        kept[key], origin[key] = [], []
        for i, item in enumerate(items):
            before = len(problems)
            try:
                kept[key].append(model.model_validate(item))
                origin[key].append(i)
            except ValidationError as exc:
                for err in exc.errors(include_url=False):
                    err = dict(err, loc=(key, i, *err["loc"]))
                    _report_pydantic_error(ContentFile, err, data, pos, problems)
            if len(problems) == before and not isinstance(item, dict):
                problems.add(pos, (key, i), f"expected a mapping, got {item!r}")
    return ContentFile.model_construct(**{k: tuple(v) for k, v in kept.items()}), origin


def _report_pydantic_error(model, err: dict, data: Any, pos: _Positions, problems: _Problems) -> None:
    loc = tuple(err["loc"])
    kind = err["type"]
    # pydantic puts the failing validator's name into the loc of union members and
    # after-validators ("function-after[...]"); keep only real keys and indexes.
    loc = tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or p.startswith("function-"))))
    label = _field_name(_with_ids(loc, data))
    if kind == "missing":
        message = f"missing required field '{loc[-1]}'"
        problems.add(pos, loc[:-1], message, field_=label)
        return
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, loc[:-1], data)
        hint = _closest(str(loc[-1]), allowed)
        message = f"unknown key '{loc[-1]}'"
        if hint:
            message += f" (did you mean '{hint}'?)"
        elif allowed:
            message += f"; expected one of: {', '.join(sorted(allowed))}"
        problems.add(pos, loc, message, key=True, field_=label)
        return
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    if kind == "literal_error" and isinstance(err.get("input"), str):
        expected = [str(v) for v in err.get("ctx", {}).get("expected", "").replace("'", "").replace(" or ", ", ").split(", ")]
        hint = _closest(err["input"], expected)
        if hint:
            msg = f"did you mean '{hint}'? {msg}"
    if "input" in err and kind not in ("model_type", "dict_type") and not isinstance(err["input"], (dict, list)):
        msg += f" (got {err['input']!r})"
    problems.add(pos, loc, msg, field_=label)


def _with_ids(loc: Path_, data: Any) -> Path_:
    """Name list items by their id where they have one: ``entities[alipay].label``."""
    out: list[Any] = []
    node = data
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
        if isinstance(part, int) and isinstance(node, dict) and isinstance(node.get("id"), str):
            out.append(_ById(node["id"]))
        else:
            out.append(part)
    return tuple(out)


class _ById(str):
    """A list index shown as the item's id."""


def _allowed_keys(model, loc: Path_, data: Any) -> list[str]:
    """The keys the model accepts at ``loc`` (walking nested models and lists)."""
    current = model
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", {})
        info = fields.get(part) or next((f for f in fields.values() if f.alias == part), None)
        if info is None:
            return []
        current = _inner_model(info.annotation)
        if current is None:
            return []
    fields = getattr(current, "model_fields", {})
    return [f.alias or name for name, f in fields.items()]


def _inner_model(annotation):
    from typing import get_args

    if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _closest(word: str, options: Iterable[str], n: int = 1) -> str | None:
    matches = difflib.get_close_matches(word, list(options), n=n, cutoff=0.6)
    return ", ".join(matches) if matches else None


# --------------------------------------------------------------------------- reports


def find_report_dirs(data_dir: Path) -> list[Path]:
    """Report folders under ``data_dir``: the folder itself if it holds ``report.yaml``,
    else every direct subfolder that does."""
    data_dir = Path(data_dir)
    if (data_dir / REPORT_FILE).is_file():
        return [data_dir]
    return sorted(p for p in data_dir.iterdir() if p.is_dir() and (p / REPORT_FILE).is_file())


@collector_paused()
def load_data(data_dir: Path | str, source_map: SourceMap | None = None) -> list[Report]:
    """Load and cross-check every report under ``data_dir``.

    Parameters
    ----------
    data_dir : path
        A folder of report folders (``data/``) or one report folder.
    source_map : SourceMap, optional
        Filled with the file and line of every entity and figure (keys ``report/id``).

    Returns
    -------
    list of Report, sorted by id.

    Raises
    ------
    DataError
        With every problem found, each naming file, line, column and field.

    Examples
    --------
    >>> from kg.loader import load_data
    >>> from kg.resources import bundled_data_dir
    >>> [r.id for r in load_data(bundled_data_dir())]  # doctest: +SKIP
    ['micropayments']
    """
    return sorted(iter_reports(data_dir, source_map), key=lambda r: r.id)


def iter_reports(data_dir: Path | str, source_map: SourceMap | None = None) -> Iterator[Report]:
    """The reports under ``data_dir`` one at a time (folder order), for callers that handle
    each and let it go (a large corpus need not be held in memory as models).

    Every report is checked; one that fails is not yielded, the next ones are still checked
    but not yielded either, and at the end a DataError lists every problem found — so a
    caller that builds something from the reports must treat it as unfinished until the
    iteration ends without error.
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise DataError([Problem(display_path(data_dir), None, None, "", "no such folder")])
    dirs = find_report_dirs(data_dir)
    if not dirs:
        raise DataError(
            [Problem(display_path(data_dir), None, None, "", f"no report found: expected a folder holding {REPORT_FILE}")]
        )
    # a report's id is its folder name, so ids within one data folder cannot clash
    problems = []
    for d in dirs:
        try:
            report = load_report(d, source_map)
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        if not problems:
            yield report
    if problems:
        raise DataError(problems)


def load_report(report_dir: Path | str, source_map: SourceMap | None = None, *, fast: bool = False) -> Report:
    """Load one report folder (``report.yaml`` plus every other ``*.yaml`` in it).

    ``fast``: read each file with rapidyaml where it gives the values PyYAML gives (the
    rest, and every problem's position, with PyYAML), several times quicker; only in a
    process where nothing else writes to standard error meanwhile (rapidyaml prints its
    parse errors there, so they are silenced for the parse): kg's build workers.

    Raises :class:`DataError` listing every problem found.
    """
    report_dir = Path(report_dir)
    problems = _Problems()
    head_path = report_dir / REPORT_FILE
    head_raw = _read_yaml(head_path, problems, fast)
    head = None
    if head_raw is not None:
        data, pos = head_raw
        if not isinstance(data, dict):
            problems.add(pos, (), "expected a mapping with title, language and sections")
        else:
            head = _validate(ReportFile, data, pos, problems)
            if head is not None:
                _check_sections(head, pos, problems)
                if head.id is not None and head.id != report_dir.name:
                    problems.add(pos, ("id",), f"report id '{head.id}' differs from its folder name '{report_dir.name}'")

    contents: list[tuple[ContentFile, _Positions]] = []
    files = sorted(p for p in report_dir.rglob("*") if p.suffix in (".yaml", ".yml") and p.name != REPORT_FILE)
    for path in files:
        raw = _read_yaml(path, problems, fast)
        if raw is None:
            continue
        data, pos = raw
        if data == {} or data is None:
            continue
        if not isinstance(data, dict):
            problems.add(pos, (), "expected a mapping with any of: entities, figures, relations, influences")
            continue
        content, origin = _validate_content(data, pos, problems)
        contents.append((content, _Reindexed(pos, origin)))

    if head is None:
        raise DataError(problems)
    report = _cross_check(report_dir.name, head, head_raw[1], contents, problems, source_map)
    if problems:
        raise DataError(problems)
    return report


def _check_sections(head: ReportFile, pos: _Positions, problems: _Problems) -> None:
    seen: set[str] = set()
    for i, s in enumerate(head.sections):
        path = ("sections", i, "number")
        if s.number in seen:
            problems.add(pos, path, f"section {s.number} is listed twice")
        elif s.parent is not None and s.parent not in seen:
            problems.add(pos, path, f"section {s.number} comes before (or without) its parent section {s.parent}")
        seen.add(s.number)
    if head.truncated and head.truncated.section not in seen:
        problems.add(pos, ("truncated", "section"), _unknown_section(head.truncated.section, seen))


def _unknown_section(number: str, known: set[str]) -> str:
    hint = _closest(number, known)
    msg = f"section {number} is not in the report's sections (report.yaml)"
    return msg + (f"; did you mean {hint}?" if hint else "")


def _cross_check(rid, head: ReportFile, head_pos, contents, problems: _Problems,
                 source_map: SourceMap | None) -> Report:
    sections = {s.number for s in head.sections}
    types: dict[str, str] = {}
    # where each id, relation and influence was first written: a position and a path, made a
    # "file:line" only for a problem (a line may mean reading a file again: see _Positions)
    first_seen: dict[str, tuple[_Positions, Path_]] = {}

    # ids first, across all files, so references can point forward and across files
    for content, pos in contents:
        for kind, items in (("entities", content.entities), ("figures", content.figures)):
            for i, item in enumerate(items):
                if item.id in types:
                    problems.add(pos, (kind, i, "id"),
                                 f"duplicate id '{item.id}' (first defined at {_where(*first_seen[item.id])})")
                    continue
                types[item.id] = "MarketMetric" if kind == "figures" else item.type
                first_seen[item.id] = (pos, (kind, i))
                if source_map is not None:
                    source_map.items[f"{rid}/{item.id}"] = (pos.file, pos.at((kind, i))[0])

    def ref(pos, path, ident, allowed: Iterable[str] | None, role: str) -> None:
        if ident not in types:
            hint = _closest(ident, types, n=3)
            msg = f"{role} '{ident}' is not an id of this report"
            problems.add(pos, path, msg + (f"; closest ids: {hint}" if hint else ""))
            return
        allowed = set(allowed) if allowed is not None else None
        if allowed is not None and types[ident] not in allowed:
            problems.add(pos, path, f"{role} '{ident}' is a {types[ident]}; expected {_one_of(allowed)}")

    def check_sections(pos, path, cited) -> None:
        for j, number in enumerate(cited):
            if number not in sections:
                problems.add(pos, path + (j,), _unknown_section(number, sections))

    relation_keys: dict[tuple, tuple[_Positions, Path_]] = {}
    influence_keys: dict[tuple, tuple[_Positions, Path_]] = {}
    for content, pos in contents:
        for i, e in enumerate(content.entities):
            check_sections(pos, ("entities", i, "sections"), e.sections)
            for j, a in enumerate(e.audience):
                ref(pos, ("entities", i, "audience", j), a, {"Stakeholder"}, "audience")
        for i, f in enumerate(content.figures):
            base = ("figures", i)
            check_sections(pos, base + ("sections",), f.sections)
            for j, m in enumerate(f.measures):
                ref(pos, base + ("measures", j), m, set(types.values()) - {"MarketMetric"}, "measures")
            if f.publisher:
                ref(pos, base + ("publisher",), f.publisher, {"Organisation"}, "publisher")
            if f.scope:
                ref(pos, base + ("scope",), f.scope, {"Region"}, "scope")
            if f.growth and f.growth.baseline:
                ref(pos, base + ("growth", "baseline"), f.growth.baseline, {"MarketMetric"}, "growth baseline")
                if f.growth.baseline == f.id:
                    problems.add(pos, base + ("growth", "baseline"), "a figure cannot be its own growth baseline")
        for i, r in enumerate(content.relations):
            base = ("relations", i)
            rel = RELATIONS[r.type]
            check_sections(pos, base + ("sections",), r.sections)
            ref(pos, base + ("from",), r.from_, None, "from")
            ref(pos, base + ("to",), r.to, None, "to")
            if r.from_ in types and r.to in types:
                ft, tt = types[r.from_], types[r.to]
                if ft not in rel.domain or tt not in rel.range:
                    problems.add(
                        pos, base + ("type",),
                        f"'{r.type}' is not allowed from a {ft} to a {tt}; "
                        f"it goes from {_one_of(rel.domain)} to {_one_of(rel.range)}",
                    )
            if r.from_ == r.to:
                problems.add(pos, base + ("to",), f"a relation from '{r.from_}' to itself")
            key = (r.from_, r.type, r.to)
            if rel.symmetric:
                key = (min(r.from_, r.to), r.type, max(r.from_, r.to))
            if key in relation_keys:
                problems.add(pos, base, f"the same relation is already stated at {_where(*relation_keys[key])}; "
                                        "merge the two and list both sections")
            relation_keys.setdefault(key, (pos, base))
        for i, inf in enumerate(content.influences):
            base = ("influences", i)
            check_sections(pos, base + ("sections",), inf.sections)
            ref(pos, base + ("from",), inf.from_, INFLUENCE_TYPES, "from")
            ref(pos, base + ("to",), inf.to, INFLUENCE_TYPES, "to")
            if inf.from_ == inf.to:
                problems.add(pos, base + ("to",), f"an influence of '{inf.from_}' on itself")
            key = (inf.from_, inf.to)
            if key in influence_keys:
                problems.add(pos, base, f"the influence of '{inf.from_}' on '{inf.to}' is already stated at "
                                        f"{_where(*influence_keys[key])}; keep one and list all its sections")
            influence_keys.setdefault(key, (pos, base))

    entities: list[Entity] = []
    figures: list[Figure] = []
    relations: list[RelationDef] = []
    influences: list[Influence] = []
    for content, _ in contents:
        entities.extend(content.entities)
        figures.extend(content.figures)
        relations.extend(content.relations)
        influences.extend(content.influences)
    return Report(
        id=rid,
        title=head.title,
        language=head.language,
        description=head.description,
        source=head.source,
        truncated=head.truncated,
        sections=head.sections,
        entities=tuple(entities),
        figures=tuple(figures),
        relations=tuple(relations),
        influences=tuple(influences),
    )


def _where(pos: _Positions, path: Path_) -> str:
    return f"{pos.file}:{pos.at(path)[0]}"


def _one_of(types: Iterable[str]) -> str:
    names = sorted(types)
    if len(names) == 1:
        return f"a {names[0]}"
    return "one of " + ", ".join(names)
