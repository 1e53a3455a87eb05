"""Properties of the diff, over generated events of every date shape."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from asean_timeline import revisions
from asean_timeline.changelog import recent_changes
from asean_timeline.changes import ChangeKind, compare, date_words, words
from asean_timeline.model import (
    CalendarInfo,
    Day,
    DayInWindow,
    DayRange,
    Event,
    Month,
    Source,
    Status,
    Timed,
    Timeline,
    When,
    Year,
)
from asean_timeline.records import event_record
from asean_timeline.wording import when_phrase

days = st.dates(min_value=date(1, 1, 1), max_value=date(9998, 12, 1))
ZONES = ("Asia/Tokyo", "Europe/Berlin", "America/New_York", "Asia/Kathmandu")


@st.composite
def timed(draw: st.DrawFn) -> Timed:
    local = draw(st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9997, 1, 1)))
    zone = draw(st.sampled_from((None, *ZONES)))
    if zone is None:
        offset = timedelta(minutes=draw(st.integers(-14 * 60, 14 * 60)))
        start = local.replace(microsecond=0, tzinfo=timezone(offset))
    else:
        start = local.replace(microsecond=0, tzinfo=ZoneInfo(zone))
    end = None
    if draw(st.booleans()):
        end = start.astimezone(UTC) + draw(st.timedeltas(timedelta(0), timedelta(days=3)))
        end = end.replace(microsecond=0).astimezone(start.tzinfo)
    return Timed(start, end, zone)


@st.composite
def spans(draw: st.DrawFn, kind: type[DayRange] | type[DayInWindow]) -> When:
    first = draw(days)
    return kind(first, first + timedelta(days=draw(st.integers(1, 20))))


whens: st.SearchStrategy[When] = st.one_of(
    st.builds(Year, st.integers(1, 9998)),
    st.builds(Month, st.integers(1, 9998), st.integers(1, 12)),
    st.builds(Day, days),
    spans(DayRange),
    spans(DayInWindow),
    timed(),
)
sources = st.builds(
    Source,
    title=st.none() | st.sampled_from(["Report", "Statement"]),
    publisher=st.sampled_from(["Kyodo News", "Nikkei Asia", "MOFA"]),
    url=st.none() | st.just("https://example.org/a"),
    published=st.none() | st.just("2023-12"),
)


def _event(event_id: str) -> st.SearchStrategy[Event]:
    return st.builds(
        Event,
        id=st.just(event_id),
        title=st.sampled_from(["Summit", "Talks", "<b>Talks</b> & [more]"]),
        when=whens,
        status=st.sampled_from(list(Status)),
        countries=st.lists(st.sampled_from(["JP", "MY", "VN"]), unique=True).map(tuple),
        sources=st.lists(sources, max_size=3, unique=True).map(tuple),
    )


@st.composite
def timelines(draw: st.DrawFn) -> Timeline:
    ids = draw(st.lists(st.sampled_from("abcdef"), unique=True, max_size=5))
    events = [draw(_event(event_id)) for event_id in ids]
    return Timeline(CalendarInfo("T"), tuple(sorted(events, key=lambda e: e.sort_key)))


@given(whens)
def test_a_record_is_told_in_the_words_of_the_outputs(when: When) -> None:
    """The date read back from a canonical record is phrased as the outputs phrase it."""
    event = Event("e", "E", when)
    assert date_words(event_record(event)) == when_phrase(when)


@given(timelines(), timelines())
def test_the_diff_reports_exactly_the_events_whose_records_differ(
    before: Timeline, after: Timeline
) -> None:
    """Added, removed and changed ids are those whose records differ; every change has
    words; comparing a timeline with itself finds nothing."""
    result = compare(before, after)
    old = {e.id: event_record(e) for e in before.events}
    new = {e.id: event_record(e) for e in after.events}
    differing = {i for i in old.keys() | new.keys() if old.get(i) != new.get(i)}
    assert {change.id for change in result.events} == differing
    for change in result.events:
        if change.kind in (ChangeKind.CHANGED, ChangeKind.CANCELLED):
            assert change.fields
            assert all(words(field) for field in change.fields)
    assert compare(before, before).is_empty
    assert compare(after, after).is_empty


@given(st.lists(timelines(), min_size=1, max_size=4))
def test_the_history_tells_the_same_changes_as_the_diff(versions: list[Timeline]) -> None:
    """Rendering versions in turn, the changes told from revisions.json's history are
    exactly the diffs of each version with the next (the first version: all added)."""
    state: dict[str, revisions.Revision] = {}
    for day, timeline in enumerate(versions):
        moment = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=day)
        state = revisions.loads(revisions.dumps(revisions.update(timeline, state, moment)))
    told = sorted(
        (entry.event_id, entry.change.kind, tuple(map(words, entry.change.fields)))
        for entry in recent_changes(state, 1000)
    )
    empty = Timeline(CalendarInfo("T"), ())
    expected = sorted(
        (change.id, change.kind, tuple(map(words, change.fields)))
        for before, after in zip([empty, *versions], versions, strict=False)
        for change in compare(before, after).events
    )
    assert told == expected
