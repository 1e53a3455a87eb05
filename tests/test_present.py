"""The presentation layer: each shared value is worked out once per event per render."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from asean_timeline import present, selection
from asean_timeline.pipeline import build_outputs, load_timeline
from tests.conftest import FIXED_TIME, FULL, SHIPPED


@pytest.mark.parametrize("path", [SHIPPED, FULL], ids=["shipped", "full"])
def test_a_render_builds_each_shared_value_once(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One render: the date pieces, description and record once per event; the
    sub-calendars listed once and each selected once, though several outputs show them."""
    timeline, _ = load_timeline(path)
    calls: Counter[str] = Counter()

    def counted(module: Any, name: str) -> None:
        original: Callable[..., Any] = getattr(module, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)

    for name in ("when_pieces", "plain_description", "event_record", "present"):
        counted(present, name)
    for name in ("all_subcalendars", "sub_timeline"):
        counted(selection, name)
    files = build_outputs(timeline, {}, FIXED_TIME)
    events = len(timeline.events)
    subcalendars = sum(name.startswith("calendars/") for name in files)
    assert calls == {
        "when_pieces": events,
        "plain_description": events,
        "event_record": events,
        "present": events,
        "all_subcalendars": 1,
        "sub_timeline": subcalendars,
    }
