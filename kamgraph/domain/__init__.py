"""The records kamgraph keeps: pydantic models, batches and snapshots, name handling, alert-state records.

Everything else builds on this package; it imports nothing from kamgraph but :mod:`kamgraph.errors`.
"""
