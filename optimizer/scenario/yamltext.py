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


class LineDict(dict):
    """A mapping read from YAML, with the line it starts on (1-based)."""

    line: int | None = None


class DuplicateKeyError(yaml.MarkedYAMLError):
    pass


class TextLoader(yaml.SafeLoader):
    pass


TextLoader.yaml_implicit_resolvers = {}
TextLoader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
# Merge keys (`<<: *defaults`) keep working, as in any YAML reader.
TextLoader.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"])


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
                "while reading a mapping", node.start_mark, f"key {key!r} is not text", key_node.start_mark
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


TextLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def load_text_yaml(text: str):
    """Parse YAML text with scalars kept as written; raises yaml.YAMLError."""
    return yaml.load(text, Loader=TextLoader)  # noqa: S506 - TextLoader is a SafeLoader
