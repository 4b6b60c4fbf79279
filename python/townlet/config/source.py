"""YAML reading that remembers where each key was written.

Config and manifest errors name a line (operations.md L-1), and the manifest must
report duplicate keys, which plain ``yaml.safe_load`` silently merges. So files are
composed into nodes and converted here, recording the 1-based line of every key
path and every duplicated key, at the cost of one extra pass over the node tree.

>>> doc = parse_yaml("a:\\n  b: 1\\n", "x.yaml")
>>> doc.value, doc.lines[("a", "b")]
({'a': {'b': 1}}, 2)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from townlet.errors import ConfigError

__all__ = ["KeyPath", "YamlDocument", "format_path", "parse_yaml"]

KeyPath = tuple[str | int, ...]
"""A path into a YAML tree: mapping keys and sequence indexes."""


def format_path(path: KeyPath) -> str:
    """Write a key path as ``a.b[2].c``.

    >>> format_path(("world", "jobs", 0, "id"))
    'world.jobs[0].id'
    """
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@dataclass
class YamlDocument:
    """A parsed YAML document with the line of each key path.

    Attributes:
        value: the plain Python value (dicts keep file order).
        lines: key path -> 1-based line of the key (or of the sequence item).
        duplicates: ``(path, line)`` of every repeated mapping key; the value of
            the last occurrence is kept, as YAML loaders usually do.
    """

    value: Any
    lines: dict[KeyPath, int] = field(default_factory=dict)
    duplicates: list[tuple[KeyPath, int]] = field(default_factory=list)

    def line_of(self, path: KeyPath) -> int | None:
        """Return the line of ``path`` or of its nearest ancestor in the file."""
        for end in range(len(path), 0, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return None


def parse_yaml(text: str, file: str, *, code: str | None = None) -> YamlDocument:
    """Parse one YAML document, keeping key lines.

    Args:
        text: the YAML text.
        file: the file name used in error messages.
        code: the error code of a syntax error (e.g. ``manifest.schema``).

    Returns:
        The document; an empty file gives ``value`` None.

    Raises:
        ConfigError: the text is not valid YAML, with the line of the problem.
    """
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        document = YamlDocument(value=None)
        if node is not None:
            document.value = _convert(loader, node, (), document)
        return document
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" [line {mark.line + 1}]" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        message = f"invalid YAML in {file}: {problem}{where}"
        raise ConfigError(message, file=file, code=code) from None
    finally:
        loader.dispose()


def _convert(
    loader: yaml.SafeLoader, node: yaml.Node, path: KeyPath, doc: YamlDocument
) -> Any:
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool) and key is not None:
                key = str(key)
            child = (*path, key if isinstance(key, str | int) else str(key))
            line = key_node.start_mark.line + 1
            if key in out:
                doc.duplicates.append((child, line))
            doc.lines[child] = line
            out[key] = _convert(loader, value_node, child, doc)
        return out
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item_node in enumerate(node.value):
            child = (*path, index)
            doc.lines[child] = item_node.start_mark.line + 1
            items.append(_convert(loader, item_node, child, doc))
        return items
    return loader.construct_object(node, deep=True)
