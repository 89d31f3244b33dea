"""Put this checkout's root first on sys.path, so `python benchmarks/bench_x.py` measures the
cspm beside the script. Without it, Python puts only benchmarks/ on the path and `import cspm`
finds whatever copy the interpreter's environment installed (an editable install of another
checkout): a comparison of two commits would then time the same code twice."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
