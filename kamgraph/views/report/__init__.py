"""The account-review report: content built once (:mod:`.content`), written as HTML (:mod:`.html`) or
Markdown (:mod:`.markdown`).
"""
