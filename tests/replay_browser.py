"""A stand-in for a person's browser, for ``$BROWSER``: opens the consent page of the replay server and follows its
redirect back to the app's local port, as a browser would (no live Google account is used).

``python replay_browser.py URL`` returns at once (:mod:`webbrowser` waits for the browser command, while the app
only starts answering on its local port after that) and visits the URL from a detached child process. The replay
server's certificate is trusted from ``$KAMGRAPH_TEST_CA``; what the app's page said is appended to
``$KAMGRAPH_TEST_LANDED``.
"""

from __future__ import annotations

import os
import ssl
import subprocess
import sys


def visit(url: str) -> None:
    import httpx

    with httpx.Client(verify=ssl.create_default_context(cafile=os.environ["KAMGRAPH_TEST_CA"])) as https:
        consent = https.get(url)
    page = httpx.get(consent.headers["location"], timeout=30).text
    with open(os.environ["KAMGRAPH_TEST_LANDED"], "a", encoding="utf-8") as out:
        out.write(page + "\n")


if __name__ == "__main__":
    if sys.argv[1] == "--visit":
        visit(sys.argv[2])
    else:
        subprocess.Popen([sys.executable, __file__, "--visit", sys.argv[1]], start_new_session=True,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
