"""The CalDAV sync state file: what the last sync wrote to each collection.

``.caldav-sync.json`` beside the timeline (see README, "Publishing to a CalDAV
server"): for each collection URL (without credentials) and each UID, the
resource's href, the ETag the server gave it and the fingerprint of the bytes
sent. Not a source file: losing it costs one sync that rebuilds it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from asean_timeline.caldav_server import CalDAVError

STATE_FILENAME = ".caldav-sync.json"
_FORMAT_VERSION = 1


@dataclass(frozen=True)
class Synced:
    """What the last sync wrote for one event: where, the server's ETag, and a digest."""

    href: str
    etag: str | None
    fingerprint: str


def read_state(path: Path) -> dict[str, dict[str, Synced]]:
    """Collection URL → UID → entry, from ``path`` (empty if it does not exist)."""
    try:
        document = json.loads(path.read_bytes())
        return {
            url: {
                uid: Synced(item["href"], item["etag"], item["fingerprint"])
                for uid, item in entries.items()
            }
            for url, entries in document["collections"].items()
        }
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise CalDAVError(f"cannot read {path}: {error.strerror}", _STATE_HINT) from None
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise CalDAVError(f"{path} is not a CalDAV sync state ({error})", _STATE_HINT) from None


_STATE_HINT = "delete it: the next sync rebuilds it from the server without duplicating events"


def dump_state(collections: Mapping[str, Mapping[str, Synced]]) -> bytes:
    """The state file's bytes: stable JSON, sorted, one entry per line group."""
    document = {
        "about": "Kept by `asean-timeline publish caldav`: what it wrote to each collection."
        " Not a source file; delete it and the next sync rebuilds it from the server.",
        "format": _FORMAT_VERSION,
        "collections": {
            url: {
                uid: {"href": entry.href, "etag": entry.etag, "fingerprint": entry.fingerprint}
                for uid, entry in sorted(entries.items())
            }
            for url, entries in sorted(collections.items())
        },
    }
    return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode()


def write_state(path: Path, collections: Mapping[str, Mapping[str, Synced]]) -> None:
    """Replace ``path`` atomically (a reader or a crash sees the old file or the new one)."""
    from asean_timeline.write import write_files

    write_files(path.parent, {path.name: dump_state(collections)})
