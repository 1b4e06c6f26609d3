"""One module per source family; each exposes ``sources(snapshot)`` and the parse functions it names."""
