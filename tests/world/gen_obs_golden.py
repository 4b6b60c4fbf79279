"""Regenerate tests/data/golden/observations.json from the Python world.

Run ``python tests/world/gen_obs_golden.py`` after a deliberate change to the
observation rules or to the scenario in ``obs_golden.py``; ``test_obs_golden.py``
checks both providers against the file. Review the diff by eye before committing.
"""

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1] / "python"))
from obs_golden import snapshots  # noqa: E402

OUT = HERE.parents[1] / "tests" / "data" / "golden" / "observations.json"


def main() -> None:
    OUT.write_text(json.dumps(snapshots("python"), indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
