"""Sample data: the demo portfolio (:mod:`.demo`) and synthetic accounts for tests and benchmarks (:mod:`.synth`).
"""
