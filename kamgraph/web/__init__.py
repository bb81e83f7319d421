"""The account team's web app (``kamgraph serve``): sign-in, per-account access, the X-ray in a browser.

Modules: :mod:`~kamgraph.web.app` (the Starlette app and its routes), :mod:`~kamgraph.web.users`
(the users file, argon2 hashes), :mod:`~kamgraph.web.access` (who sees which account),
:mod:`~kamgraph.web.security` (sessions, CSRF, throttling, headers), :mod:`~kamgraph.web.service`
(store per thread, cached figures), :mod:`~kamgraph.web.relmap` and :mod:`~kamgraph.web.routing`
(the interactive map and its line routing), :mod:`~kamgraph.web.acks` (acknowledged alerts).
Needs the optional ``web`` extra (starlette, uvicorn, jinja2, argon2-cffi, python-multipart, itsdangerous).
"""
