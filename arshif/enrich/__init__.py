"""Enrich step: new model objects computed from the loaded archive (entity mentions, related articles)."""
