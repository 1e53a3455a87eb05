"""asean-timeline: a curated events.toml rendered to iCalendar, Markdown and JSON Feed."""

__version__ = "0.1.0"
