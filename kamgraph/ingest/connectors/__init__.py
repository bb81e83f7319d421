"""Connectors: calendars pulled from Microsoft 365 and Google Workspace, records from Salesforce and HubSpot.

One module per vendor (:mod:`.m365`, :mod:`.google`), each an optional extra
(``kamgraph[m365]``, ``kamgraph[google]``); they share the HTTP client with
its retry rules (:mod:`.http`), where secrets live (:mod:`.secrets`) and what a
connector gives the pull (:mod:`.base`). The pull itself -- state, resuming,
writing -- is :mod:`kamgraph.monitor.pull`.
"""

from __future__ import annotations

from typing import Any

from ...errors import ConfigError

__all__ = ["SOURCES", "connector_for"]

#: The sources a connection can be made to, and the extra each needs.
SOURCES = {"m365": "m365", "google": "google", "salesforce": "salesforce", "hubspot": "hubspot"}


def connector_for(connection: Any, settings: Any) -> Any:
    """The connector of a stored :class:`~.base.Connection` (a :class:`ConfigError` when its extra is missing)."""
    try:
        return _connector(connection, settings)
    except ImportError as exc:
        raise ConfigError(f"{connection.source}: a package is missing ({exc.name}); "
                          f"install kamgraph[{SOURCES.get(connection.source, connection.source)}]") from None


def _connector(connection: Any, settings: Any) -> Any:
    if connection.source == "m365":
        from .m365 import M365Calendar

        return M365Calendar(connection, settings)
    if connection.source == "google":
        from .google import GoogleCalendar

        return GoogleCalendar(connection, settings)
    if connection.source == "salesforce":
        from .salesforce import SalesforceRecords

        return SalesforceRecords(connection, settings)
    if connection.source == "hubspot":
        from .hubspot import HubSpotRecords

        return HubSpotRecords(connection, settings)
    raise ConfigError(f"unknown source {connection.source!r} (expected one of: {', '.join(SOURCES)})")
