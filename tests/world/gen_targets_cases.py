"""Regenerate tests/data/targets_cases.json from the Python targets module.

Run ``python tests/world/gen_targets_cases.py`` after a deliberate change to the
target rules or to ``CASES`` in ``test_targets.py``; the Rust tests of
``townlet-core/src/targets`` replay the same file, so both sides must then agree.
Review the diff of the JSON by eye before committing it (golden file).
"""

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import test_targets as cases  # noqa: E402

from townlet.world.targets import TARGET_KINDS  # noqa: E402


def main() -> None:
    out = {
        "kinds": list(TARGET_KINDS),
        "maps": {k: v for k, v in cases.MAPS.items() if k != "default.map"},
        "cases": [
            {
                "name": name,
                "map": map_name,
                "x": x,
                "y": y,
                "home": home,
                "site": site,
                "expect": [list(h) for h in cases.hints(map_name, x, y, home, site)],
            }
            for name, map_name, x, y, home, site, _ in cases.CASES
        ],
    }
    text = json.dumps(out, indent=1) + "\n"
    cases.CASES_PATH.write_text(text)


if __name__ == "__main__":
    main()
