"""Environment APIs (learning.md 4): the batched vector API.

>>> from townlet.env import VectorTownlet
>>> VectorTownlet.__name__
'VectorTownlet'
"""

from __future__ import annotations

from townlet.env.vector import VectorTownlet as VectorTownlet
