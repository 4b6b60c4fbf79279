"""PPO over the option action space (learning.md 6); torch, from the ``[ml]`` extra.

Importing this package does not import torch: its submodules ``network``, ``io``,
``rollout``, ``update``, ``trainer`` and ``policy`` do, and are imported lazily by
the provider registry and ``townlet train``. ``evaluate`` needs no torch.
"""
