"""Settings declared once, as dataclass fields with metadata (the style of Picard's options.py).

A setting is a field of one of the settings dataclasses written with `setting(...)`: its type is
the field's annotation, its default the field's default, and the metadata says its label, help,
range (min/max), choices and scope. Everything else is derived from those declarations:

- `from_dict` / `to_dict`: one reader and one writer for every settings dataclass (nested
  dataclasses, tuples of them, mappings of them), so a stored document missing a key keeps the
  default and keys from newer versions are ignored;
- `Declared.parse`: turning the text of `cspm settings set KEY VALUE` into a value, refusing it in
  one sentence that names the key and what it allows;
- `Declared.problem`: the same range/choice check on a value already typed, run on every save
  (the window's spin boxes take their range from the same declaration);
- the key listing of `cspm settings keys` and `cspm settings set -h`.

Settings kept in tables (tier bands, rates, per-tier weights, engagement models) are fields
without `setting(...)`; they keep their own editors and are listed by `Pattern`.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import math
import types
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from typing import Any, Literal, TypeVar, Union, get_args, get_origin, get_type_hints

from .errors import BadInputError

log = logging.getLogger(__name__)

SPEC = "cspm.setting"
"""The metadata key under which a field's `Spec` is kept."""

Scope = Literal["team", "personal"]
"""team: stored in the database, shared by everyone on it; personal: this person's JSON file."""

T = TypeVar("T")


@dataclass(frozen=True)
class Spec:
    """What a declaration says besides its type and default.

    check: an extra rule on a typed value; returns what is allowed when the value is refused
    (e.g. "1 to 5 characters, e.g. € or CHF"), None when it is fine.
    unit: how a window's spin box suffixes the number ("days", "h").
    allows: what a text setting takes, in words, when its type alone does not say.
    """

    label: str
    help: str
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] = ()
    scope: Scope = "team"
    unit: str = ""
    check: Callable[[Any], str | None] | None = None
    allows: str = ""


def setting(
    default: Any = MISSING,
    *,
    factory: Callable[[], Any] | None = None,
    label: str,
    help: str,
    min: float | None = None,
    max: float | None = None,
    choices: tuple[str, ...] = (),
    scope: Scope = "team",
    unit: str = "",
    check: Callable[[Any], str | None] | None = None,
    allows: str = "",
) -> Any:
    """A dataclass field declaring one setting (see the module docstring)."""
    meta = {SPEC: Spec(label, help, min, max, tuple(choices), scope, unit, check, allows)}
    if factory is not None:
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def _optional(tp: Any) -> tuple[Any, bool]:
    """(the type inside Optional, whether None is allowed)."""
    if get_origin(tp) in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        return args[0], len(args) < len(get_args(tp))
    return tp, False


# -- one reader, one writer -----------------------------------------------------------------------


def from_dict(cls: type[T], data: Any) -> T:
    """An instance of the dataclass `cls` from a stored document.

    Missing keys keep their defaults, unknown keys are ignored; a value that cannot be read as
    its declared type (a damaged document) keeps the default too, and is logged.
    """
    if not isinstance(data, Mapping):
        raise TypeError(f"{cls.__name__} needs a mapping, got {type(data).__name__}")
    kw: dict[str, Any] = {}
    for name, read, required in _plan(cls):  # type: ignore[arg-type]
        if name not in data:
            continue
        try:
            kw[name] = read(data[name])
        except (TypeError, ValueError, AttributeError):
            if required:
                raise
            log.warning("Stored setting %s.%s unreadable; default kept", cls.__name__, name)
    return cls(**kw)


Reader = Callable[[Any], Any]


@functools.cache
def _plan(cls: type) -> tuple[tuple[str, Reader, bool], ...]:
    """Per field of `cls`: its name, the reader of its type, and whether it has no default
    (worked out once per class: reading settings happens on every portfolio load)."""
    hints = _hints(cls)
    return tuple(
        (f.name, _reader(hints[f.name]), f.default is MISSING and f.default_factory is MISSING)
        for f in fields(cls)  # type: ignore[arg-type]
    )


@functools.cache
def _reader(hint: Any) -> Reader:
    """A function turning a stored JSON value into a value of type `hint`."""
    tp, nullable = _optional(hint)
    read = _plain_reader(tp)
    if nullable:
        return lambda value: None if value is None else read(value)
    return read


def _plain_reader(tp: Any) -> Reader:
    origin = get_origin(tp)
    if is_dataclass(tp):
        return functools.partial(from_dict, tp)  # type: ignore[arg-type]
    if origin is tuple:
        item = _reader(get_args(tp)[0])

        def read_tuple(value: Any) -> tuple[Any, ...]:
            if isinstance(value, (str, bytes, Mapping)) or not hasattr(value, "__iter__"):
                raise TypeError("not a list")
            return tuple(item(v) for v in value)

        return read_tuple
    if origin in (Mapping, dict):
        entry = _reader(get_args(tp)[1])
        return lambda value: types.MappingProxyType({str(k): entry(v) for k, v in value.items()})
    if origin is Literal or tp is str:
        return str
    if tp is bool:
        return lambda value: parse_bool(value) if isinstance(value, str) else bool(value)
    if tp in (int, float):
        return tp  # type: ignore[no-any-return]
    return lambda value: value


@functools.cache
def _names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))  # type: ignore[arg-type]


def to_dict(obj: Any) -> Any:
    """The JSON-safe form of a settings value: dataclasses as dicts, tuples as lists."""
    if isinstance(obj, (str, int, float)) or obj is None:
        return obj
    if is_dataclass(obj) and not isinstance(obj, type):
        return {name: to_dict(getattr(obj, name)) for name in _names(type(obj))}
    if isinstance(obj, Mapping):
        return {str(k): to_dict(v) for k, v in obj.items()}
    if isinstance(obj, (tuple, list)):
        return [to_dict(v) for v in obj]
    return obj


# -- declarations ---------------------------------------------------------------------------------

TRUE_WORDS = ("true", "yes", "on", "1")
FALSE_WORDS = ("false", "no", "off", "0")


def parse_bool(text: str) -> bool:
    word = text.strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(text)


def _number(x: float) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


@dataclass(frozen=True)
class Declared:
    """One declared setting: its dotted key, where it lives and what it allows.

    document: "app", "health", "tasks" (team documents in the database) or "personal";
    path: the field names from the document's dataclass down to the value.
    """

    key: str
    document: str
    path: tuple[str, ...]
    type: Any
    default: Any
    spec: Spec

    @property
    def scope(self) -> Scope:
        return self.spec.scope

    @property
    def kind(self) -> Any:
        """int, float, bool, str or tuple (a list of words)."""
        tp, _ = _optional(self.type)
        if get_origin(tp) is tuple:
            return tuple
        if get_origin(tp) is Literal:
            return str
        return tp

    @property
    def nullable(self) -> bool:
        return _optional(self.type)[1]

    @property
    def choices(self) -> tuple[str, ...]:
        if self.spec.choices:
            return self.spec.choices
        tp, _ = _optional(self.type)
        return tuple(get_args(tp)) if get_origin(tp) is Literal else ()

    def allowed(self) -> str:
        """What the setting takes, in words: "a whole number from 0 to 3650"."""
        if self.spec.allows:
            return self.spec.allows
        if self.choices:
            return "one of " + " | ".join(self.choices)
        kind = self.kind
        if kind is bool:
            return "true or false"
        if kind is tuple:
            return "comma-separated words"
        if kind in (int, float):
            what = "a whole number" if kind is int else "a number"
            lo, hi = self.spec.min, self.spec.max
            if lo is not None and hi is not None:
                return f"{what} from {_number(lo)} to {_number(hi)}"
            if lo is not None:
                return f"{what} of at least {_number(lo)}"
            if hi is not None:
                return f"{what} of at most {_number(hi)}"
            return what
        return "text"

    def describe(self) -> str:
        """One line for key listings: what it takes and its default."""
        default = self.default
        if isinstance(default, tuple):
            words = [str(v) for v in default]
            shown = ",".join(words[:3]) + (f",… ({len(words)} words)" if len(words) > 3 else "")
        elif isinstance(default, bool):
            shown = "true" if default else "false"
        elif default is None:
            shown = "none"
        else:
            shown = _number(default)
        unit = f" {self.spec.unit}" if self.spec.unit and self.kind in (int, float) else ""
        return f"{self.allowed()}{unit}; default {shown}"

    def parse(self, text: str) -> Any:
        """The typed value of `text`, or BadInputError in one sentence naming the key."""
        kind, key = self.kind, self.key
        value: Any
        if self.nullable and not text.strip():
            return None
        if kind is bool:
            try:
                value = parse_bool(text)
            except ValueError:
                raise BadInputError(f"{key} must be true or false, got '{text}'.") from None
        elif kind is int:
            try:
                value = int(text.strip())
            except ValueError:
                raise BadInputError(f"{key} needs {self.allowed()}, got '{text}'.") from None
        elif kind is float:
            try:
                value = float(text.strip().replace(",", "."))
            except ValueError:
                value = math.nan
            if not math.isfinite(value):
                raise BadInputError(f"{key} needs {self.allowed()}, got '{text}'.")
        elif kind is tuple:
            value = tuple(dict.fromkeys(w.strip() for w in text.split(",") if w.strip()))
            if not value:
                example = ",".join(str(w) for w in (self.default or ("word",))[:2])
                raise BadInputError(f"{key} needs at least one word, e.g. '{example}'.")
        else:
            value = text.strip()
        problem = self.problem(value)
        if problem:
            raise BadInputError(problem)
        return value

    def problem(self, value: Any) -> str | None:
        """Why `value` is refused (one sentence naming the key), or None when it is allowed."""
        key, lo, hi = self.key, self.spec.min, self.spec.max
        if value is None and self.nullable:
            return None
        if self.choices and value not in self.choices:
            return f"{key} must be one of {', '.join(self.choices)}."
        if self.kind in (int, float) and not isinstance(value, bool):
            if lo == 0 and value < 0:
                return f"{key} cannot be negative; it takes {self.allowed()}."
            if (lo is not None and value < lo) or (hi is not None and value > hi):
                got = _number(value)
                if lo is not None and hi is not None:
                    return f"{key} must be between {_number(lo)} and {_number(hi)}, got {got}."
                if lo is not None:
                    return f"{key} must be at least {_number(lo)}."
                return f"{key} must be at most {_number(hi)}, got {got}."  # type: ignore[arg-type]
        if self.spec.check is not None:
            needs = self.spec.check(value)
            if needs:
                return f"{key} needs {needs}."
        return None


def declare(root: type, document: str, prefix: str = "") -> dict[str, Declared]:
    """Every declared setting of the dataclass `root` and the dataclasses nested in it."""
    return dict(_walk(root, document, prefix, ()))


def _walk(
    cls: type, document: str, prefix: str, path: tuple[str, ...]
) -> list[tuple[str, Declared]]:
    hints = _hints(cls)  # type: ignore[arg-type]
    found: list[tuple[str, Declared]] = []
    for f in fields(cls):  # type: ignore[arg-type]
        spec = f.metadata.get(SPEC)
        tp = hints[f.name]
        key = prefix + f.name
        if spec is not None:
            default = f.default if f.default_factory is MISSING else f.default_factory()
            found.append((key, Declared(key, document, (*path, f.name), tp, default, spec)))
        elif is_dataclass(tp):
            found += _walk(tp, document, key + ".", (*path, f.name))  # type: ignore[arg-type]
    return found


def get_path(obj: Any, path: tuple[str, ...]) -> Any:
    for name in path:
        obj = getattr(obj, name)
    return obj


def replace_path(obj: T, path: tuple[str, ...], value: Any) -> T:
    """`obj` with the value at `path` (field names, outermost first) replaced."""
    head, rest = path[0], path[1:]
    new = replace_path(getattr(obj, head), rest, value) if rest else value
    return dataclasses.replace(obj, **{head: new})  # type: ignore[type-var]


def check_all(obj: Any, declared: Mapping[str, Declared]) -> None:
    """Refuse (BadInputError, the first problem) a document whose declared values break their
    declarations; `declared` are the declarations of `obj`'s document."""
    for d in declared.values():
        problem = d.problem(get_path(obj, d.path))
        if problem:
            raise BadInputError(problem)


@dataclass(frozen=True)
class Pattern:
    """A family of keys over a table (TIER, CADENCE, ...), listed beside the declared keys."""

    key: str
    allowed: str
    help: str
