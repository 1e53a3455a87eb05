"""Edits of ``tomlkit`` tables in the canonical layout, for :mod:`asean_timeline.sourcefile`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from asean_timeline.layout import canonical_value, ordered_keys, value_text

if TYPE_CHECKING:
    from tomlkit.items import Item


class Remove:
    """The type of :data:`REMOVE`."""

    def __repr__(self) -> str:
        return "REMOVE"


#: Give this as a field's new value to delete the field.
REMOVE: Final = Remove()


def item_of(text: str) -> Item:
    """A tomlkit item whose text is exactly ``text`` (a TOML value)."""
    import tomlkit

    item: Item = tomlkit.parse(f"x = {text}\n")["x"]
    return item


def set_key(table: Any, kind: str, key: str, value: object) -> None:
    """Set ``key`` of a tomlkit table to ``value`` in the canonical layout (or delete it)."""
    if isinstance(value, Remove):
        if key in table:
            del table[key]
        return
    item = item_of(value_text(key, value))
    if key in table:
        table[key] = item  # keeps the key's place and its comment
        return
    order = ordered_keys(kind, [*table.keys(), key])
    position = order.index(key)
    before = [k for k in order[:position] if k in table]
    container = getattr(table, "value", None)
    insert_after = getattr(container, "_insert_after", None)
    if before and insert_after is not None and position < len(order) - 1:
        # tomlkit has no public way to insert a key after another one.
        insert_after(before[-1], key, item)
    else:
        table[key] = item


def crlf_as_lf(value: Any) -> Any:
    """``value`` with CRLF in its strings read as LF."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n")
    if isinstance(value, dict):
        return {key: crlf_as_lf(item) for key, item in value.items()}
    if isinstance(value, list):
        return [crlf_as_lf(item) for item in value]
    return value


def plain_copy(value: Any) -> Any:
    """A copy of the tables and arrays of ``value`` (its scalars are immutable)."""
    if isinstance(value, dict):
        return {key: plain_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain_copy(item) for item in value]
    return value


def apply_changes(data: dict[str, Any], changes: Mapping[str, Any]) -> None:
    """Apply ``changes`` to the parsed table ``data``: what the edited text must mean."""
    for key, value in changes.items():
        if isinstance(value, Remove):
            data.pop(key, None)
        else:
            data[key] = canonical_value(key, value)
