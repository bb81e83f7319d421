"""Many accounts at once: the portfolio table, the review of changes, qualification and relationship stage.
"""
