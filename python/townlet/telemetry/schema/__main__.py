"""``python -m townlet.telemetry.schema build [--check] [--docs DIR]``.

Writes the schema files next to this module and into ``docs/schemas/``; with
``--check`` it writes nothing and exits 1 when a file is missing or stale.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from townlet.telemetry.schema.model import event_schema, frame_schema

HERE = Path(__file__).parent


def render() -> dict[str, str]:
    """File name -> text of every schema."""
    return {
        f"{name}.schema.json": json.dumps(schema, indent=2, sort_keys=False) + "\n"
        for name, schema in (("frame-1", frame_schema()), ("event-1", event_schema()))
    }


def main(argv: list[str] | None = None) -> int:
    """Build or check the schema files; return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m townlet.telemetry.schema")
    parser.add_argument("command", choices=["build"])
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--docs", type=Path, default=Path("docs/schemas"))
    args = parser.parse_args(argv)
    stale = []
    for directory in (HERE, args.docs):
        for name, text in render().items():
            path = directory / name
            if args.check:
                if not path.exists() or path.read_text(encoding="utf-8") != text:
                    stale.append(str(path))
                continue
            directory.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    for path in stale:
        hint = "run python -m townlet.telemetry.schema build"
        print(f"stale schema file: {path} ({hint})", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
