"""newsspans: a span-annotated corpus of conflict news and the tools to score extractors on it."""

__version__ = "0.1.0"
