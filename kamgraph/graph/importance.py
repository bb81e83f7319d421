"""How much a stakeholder matters: influence weighted by buying role.

``importance = influence * role_weight[buying_role]`` (see
:class:`kamgraph.settings.ImportanceSettings` for the weights). Stakeholders at
or above ``key_threshold`` are **key**.

Examples
--------
>>> from kamgraph.domain.models import Stakeholder
>>> from kamgraph.settings import ImportanceSettings
>>> s = ImportanceSettings()
>>> cfo = Stakeholder(id="c", account="a", name="C", influence=5, buying_role="economic_buyer")
>>> importance(cfo, s), is_key(cfo, s)
(10.0, True)
>>> user = Stakeholder(id="u", account="a", name="U", influence=2, buying_role="user")
>>> importance(user, s), is_key(user, s)
(1.6, False)
"""

from __future__ import annotations

from ..domain.models import Stakeholder
from ..settings import ImportanceSettings

__all__ = ["importance", "is_key"]


def importance(person: Stakeholder, settings: ImportanceSettings) -> float:
    """``influence * role weight``, rounded to 6 decimals."""
    weight = settings.role_weights.get(person.buying_role, settings.no_role_weight) if person.buying_role \
        else settings.no_role_weight
    return round(person.influence * weight, 6)


def is_key(person: Stakeholder, settings: ImportanceSettings) -> bool:
    """True when the stakeholder's importance reaches the key threshold."""
    return importance(person, settings) >= settings.key_threshold
