"""Townlet: a small-town life simulation for multi-agent reinforcement learning."""

__all__: list[str] = []
