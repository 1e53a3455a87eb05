"""The one UTC-offset and UTC-stamp formatter, against the standard library's own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from asean_timeline.timefmt import machine_value, utc_offset, utc_stamp

OFFSETS = st.integers(min_value=-86399, max_value=86399).map(lambda s: timedelta(seconds=s))
MOMENTS = st.datetimes(
    min_value=datetime(1000, 1, 2), max_value=datetime(9998, 12, 30), timezones=st.just(UTC)
)


@given(OFFSETS)
def test_offsets_are_isoformats_to_the_minute_and_icalendars_to_the_second(
    offset: timedelta,
) -> None:
    """Extended: Python's isoformat offset cut to minutes; basic: all of it, without colons."""
    iso = datetime(2024, 1, 1, tzinfo=timezone(offset)).isoformat()[19:]  # +HH:MM[:SS]
    assert utc_offset(offset) == iso[:6]
    assert utc_offset(offset, basic=True) == iso.replace(":", "")


@given(MOMENTS)
def test_stamps_are_strftimes_in_utc(moment: datetime) -> None:
    """The stamps equal strftime's (for the years glibc pads) in both forms."""
    assert utc_stamp(moment) == moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert utc_stamp(moment, basic=True) == moment.strftime("%Y%m%dT%H%M%SZ")


def test_machine_values_carry_the_offset_or_z() -> None:
    """<time datetime> values: Z for UTC, the offset otherwise, seconds only when set."""
    tokyo = timezone(timedelta(hours=9))
    assert machine_value(datetime(2023, 12, 17, 10, 0, tzinfo=tokyo)) == "2023-12-17T10:00+09:00"
    assert machine_value(datetime(2023, 12, 17, 1, 0, 5, tzinfo=UTC)) == "2023-12-17T01:00:05Z"
    assert machine_value(datetime(2023, 12, 17).date()) == "2023-12-17"
