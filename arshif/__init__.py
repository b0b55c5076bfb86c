"""arshif: a static site generator for curated Arabic news archives."""

__version__ = "0.1.0"
