"""Pinning glibc's mmap threshold stops the heap from fragmenting under changing buffer sizes."""
import platform
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Freed large buffers of changing sizes with small long-lived allocations between them, as
# batches of changing shapes produce; prints how much RSS grew (MB).
SCENARIO = """
import sys
import numpy as np
from models.memory import pin_mmap_threshold
if sys.argv[1] == "pin":
    assert pin_mmap_threshold()
def rss():
    return int(open("/proc/self/statm").read().split()[1]) * 4096 / 2**20
first = np.ones(4_000_000, dtype=np.float32); del first
before, keep = rss(), []
for size in [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4] * 2:
    buffer = np.ones(size * 300_000, dtype=np.float32)
    keep.append(bytearray(2000))
    del buffer
print(rss() - before)
"""


def _growth(mode: str) -> float:
    out = subprocess.run([sys.executable, "-c", SCENARIO, mode], cwd=ROOT, capture_output=True, text=True, check=True)
    return float(out.stdout)


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc only")
def test_pinned_threshold_keeps_rss_flat_where_the_default_grows():
    assert _growth("default") > 8
    assert _growth("pin") < 2
