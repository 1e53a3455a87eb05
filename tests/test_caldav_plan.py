"""Properties of the CalDAV sync plan (pure: no server), over random states and listings."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from hypothesis import given
from hypothesis import strategies as st

from asean_timeline.caldav_server import Listed, resource_key
from asean_timeline.caldav_state import Synced
from asean_timeline.caldav_sync import Kind, Plan, fingerprint, plan, resource_name, unclaimed
from asean_timeline.exporters.ics import PRODID

DOMAIN = "tour.example.org"
PATH = "/cal/"
UIDS = [f"event-{n}@{DOMAIN}" for n in range(5)]


def body(uid: str, version: int) -> bytes:
    return (
        f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:{PRODID}\r\nBEGIN:VEVENT\r\nUID:{uid}\r\n"
        f"SUMMARY:version {version}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


def foreign(uid: str) -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//someone//else//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nSUMMARY:theirs\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )


@dataclass
class World:
    """A collection (key → (href, ETag, data)) and the state file a sync keeps of it."""

    calendars: dict[str, bytes]
    synced: dict[str, Synced]
    server: dict[str, tuple[str, str, str]]
    foreign_keys: set[str] = field(default_factory=set)
    etags: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))

    def listing(self) -> dict[str, Listed]:
        return {key: Listed(href, etag) for key, (href, etag, _) in self.server.items()}

    def plan(self, force: bool) -> Plan:
        listing = self.listing()
        wanted = unclaimed(self.calendars, self.synced, listing, DOMAIN)
        fetched = {
            href: (etag, data) for href, etag, data in self.server.values() if href in wanted
        }
        return plan(
            self.calendars,
            self.synced,
            listing,
            fetched,
            collection_path=PATH,
            domain=DOMAIN,
            force=force,
        )

    def apply(self, steps: Plan) -> None:
        """Carry out the plan as a server that honours If-Match / If-None-Match would."""
        self.synced.update(steps.adopted)
        for uid in steps.forgotten:
            del self.synced[uid]
        for action in steps.actions:
            key = resource_key(action.href)
            current = self.server.get(key)
            if action.kind is Kind.CREATE:
                assert current is None, "If-None-Match: * would fail"
            else:
                assert current is not None, "nothing to update or delete"
                assert current[1] == action.etag, "If-Match would fail"
            if action.kind is Kind.DELETE:
                del self.server[key]
                self.synced.pop(action.uid, None)
            else:
                etag = f'"{next(self.etags)}"'
                self.server[key] = (action.href, etag, action.body.decode())
                self.synced[action.uid] = Synced(action.href, etag, action.fingerprint)


@st.composite
def worlds(draw: st.DrawFn) -> World:
    """A timeline, a state file and a server in any mix of agreement, loss and edits."""
    calendars = {uid: body(uid, draw(st.integers(0, 1))) for uid in UIDS if draw(st.booleans())}
    synced: dict[str, Synced] = {}
    server: dict[str, tuple[str, str, str]] = {}
    foreign_keys = set()
    for n, uid in enumerate(UIDS):
        href = PATH + resource_name(uid)
        on_server = draw(st.sampled_from(["absent", "ours", "edited there", "theirs"]))
        version = draw(st.integers(0, 1))
        if on_server != "absent":
            data = foreign(uid) if on_server == "theirs" else body(uid, version).decode()
            if on_server == "edited there":
                data = data.replace("SUMMARY:version", "SUMMARY:edited, version")
            server[resource_key(href)] = (href, f'"{n}-{on_server}"', data)
            if on_server == "theirs":
                foreign_keys.add(resource_key(href))
        remembered = on_server in ("ours", "edited there") and draw(st.booleans())
        if remembered or (on_server == "absent" and draw(st.booleans())):
            synced[uid] = Synced(href, f'"{n}-ours"', fingerprint(body(uid, version)))
    server["team-lunch.ics"] = ("/cal/team-lunch.ics", '"t"', foreign("lunch@elsewhere"))
    foreign_keys.add("team-lunch.ics")
    return World(calendars, synced, server, foreign_keys)


@given(worlds(), st.booleans())
def test_the_plan_never_touches_what_the_tool_did_not_write(world: World, force: bool) -> None:
    """No action names a resource that is someone else's, even with --force."""
    steps = world.plan(force)
    touched = {resource_key(action.href) for action in steps.actions}
    assert not touched & world.foreign_keys


@given(worlds())
def test_without_force_nothing_edited_on_the_server_is_overwritten(world: World) -> None:
    """Each write's If-Match is the ETag the last sync recorded (when it recorded one)."""
    steps = world.plan(force=False)
    for action in steps.actions:
        entry = world.synced.get(action.uid)
        if entry is not None and action.kind is not Kind.CREATE:
            assert action.etag == entry.etag
        if action.kind is Kind.CREATE:
            assert resource_key(action.href) not in world.server


@given(worlds(), st.booleans())
def test_each_event_is_planned_once(world: World, force: bool) -> None:
    """Every UID has at most one action or conflict."""
    steps = world.plan(force)
    uids = [action.uid for action in steps.actions] + [c.uid for c in steps.conflicts]
    assert len(uids) == len(set(uids))


@given(worlds(), st.booleans())
def test_a_sync_then_another_plans_no_write(world: World, force: bool) -> None:
    """After carrying out a plan, the next plans no write, and each event is on the server
    as the timeline has it unless it is a conflict (never, with --force, but for
    someone else's resource in its place)."""
    world.apply(world.plan(force))
    again = world.plan(force)
    assert again.actions == []
    conflicts = {conflict.uid for conflict in again.conflicts}
    for uid, wanted in world.calendars.items():
        key = resource_key(PATH + resource_name(uid))
        held = world.server.get(key)
        if key in world.foreign_keys:
            assert uid in conflicts
        elif held is None or held[2] != wanted.decode():
            assert uid in conflicts
            assert not force
