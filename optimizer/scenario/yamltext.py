"""A YAML reader that keeps scalars as written.

PyYAML follows YAML 1.1, where an unquoted `10:30` is the number 630 and `0123`
is 83. The contract says ids and times are text, so every plain scalar stays a
string (pydantic turns it into a number where a number is due); only `null`,
`~` and empty values become None. Duplicate keys are rejected, and every
mapping remembers its line so messages can point at it.
"""

from __future__ import annotations

import re

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from ..core.problems import shown


class LineDict(dict):
    """A mapping read from YAML, with the line it starts on (1-based)."""

    line: int | None = None


class DuplicateKeyError(yaml.MarkedYAMLError):
    pass


# Limits that keep a small hostile file small: 64 levels of nesting is far beyond any
# scenario (5 at most), and aliases (*name) may not expand the document beyond what a
# national day written out in full holds (an alias bomb of 600 bytes expands to billions).
MAX_DEPTH, MAX_EXPANDED_NODES = 64, 5_000_000


class LimitError(yaml.MarkedYAMLError):
    pass


class _Limited:
    """Composes nodes within MAX_DEPTH and MAX_EXPANDED_NODES."""

    def _start_limits(self) -> None:
        self._depth = 0
        self._sizes: dict[int, int] = {}  # node -> nodes it stands for once aliases are expanded

    def compose_node(self, parent, index):
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise LimitError(None, None, f"nested more than {MAX_DEPTH} levels deep: refused",
                                 self.peek_event().start_mark)
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if id(node) not in self._sizes:  # an alias returns a node already measured
            if isinstance(node, yaml.SequenceNode):
                size = 1 + sum(self._sizes[id(child)] for child in node.value)
            elif isinstance(node, yaml.MappingNode):
                size = 1 + sum(self._sizes[id(k)] + self._sizes[id(v)] for k, v in node.value)
            else:
                size = 1
            if size > MAX_EXPANDED_NODES:
                raise LimitError(None, None, f"aliases expand it beyond {MAX_EXPANDED_NODES:,} values: refused",
                                 node.start_mark)
            self._sizes[id(node)] = size
        return node


class TextLoader(_Limited, yaml.SafeLoader):
    def __init__(self, stream):
        super().__init__(stream)
        self._start_limits()


if yaml.__with_libyaml__:
    from yaml._yaml import CParser

    class FastTextLoader(_Limited, Composer, CParser, SafeConstructor, Resolver):
        """The same reader with libyaml's scanner and parser (five times faster on a large
        day): the composing, where the limits are kept, stays PyYAML's own."""

        def __init__(self, stream):
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            self._start_limits()
else:  # pragma: no cover - PyYAML's wheels ship libyaml
    FastTextLoader = TextLoader

for _loader in {TextLoader, FastTextLoader}:
    _loader.yaml_implicit_resolvers = {}
    _loader.add_implicit_resolver(
        "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
    )
    # Merge keys (`<<: *defaults`) keep working, as in any YAML reader.
    _loader.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"])


def _construct_mapping(loader: TextLoader, node: yaml.MappingNode) -> LineDict:
    # Duplicates are checked among the keys written here; keys brought in by a merge
    # (`<<: *anchor`) may be overridden, as YAML intends.
    written: set = set()
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            raise DuplicateKeyError(
                "while reading a mapping", node.start_mark, f"key {shown(key)} is not text", key_node.start_mark
            )
        if key in written:
            raise DuplicateKeyError(
                "while reading a mapping", node.start_mark, f"duplicate key '{key}'", key_node.start_mark
            )
        written.add(key)
    loader.flatten_mapping(node)
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    for key_node, value_node in node.value:  # merged pairs first, the mapping's own after them
        mapping[loader.construct_object(key_node, deep=True)] = loader.construct_object(value_node, deep=True)
    return mapping


for _loader in {TextLoader, FastTextLoader}:
    _loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def load_text_yaml(text: str):
    """Parse YAML text with scalars kept as written; raises yaml.YAMLError."""
    return yaml.load(text, Loader=FastTextLoader)  # noqa: S506 - a SafeLoader's constructors
