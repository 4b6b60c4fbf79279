"""Configuration: typed models, the YAML loader, identity and world settings.

Models are split by domain (``world``, ``agents``, ``economy``, ``employment``,
``queues``, ``relationships``, ``perturbations``, ``observations``, ``actions``,
``rewards``, ``policy``, ``telemetry``, ``console``, ``serve``, ``snapshots``,
``log``) under the root :class:`TownletConfig`. This package imports no runtime
package (architecture.md 8).

>>> cfg = load_config(overrides={"world.agents": 4})
>>> world_settings(cfg)["lifecycle"]["population_target"]
4
"""

from townlet.config.identity import config_id
from townlet.config.loader import load_config
from townlet.config.manifest import Manifest, load_manifest
from townlet.config.reference import generate_reference
from townlet.config.root import TownletConfig
from townlet.config.settings import world_settings

__all__ = [
    "Manifest",
    "TownletConfig",
    "config_id",
    "generate_reference",
    "load_config",
    "load_manifest",
    "world_settings",
]
