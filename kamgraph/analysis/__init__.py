"""The measures, one concept per module (gaps, cadence, bridging, fragility, shape, matrix, actions, what-if,
person profile), and the pipeline that runs them (:mod:`.pipeline`).
"""
