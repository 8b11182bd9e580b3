"""The CPU count inference threads are sized by: affinity, capped by a cgroup quota."""
import os

from models.threads import available_cpus


def test_no_quota_means_the_affinity_mask(tmp_path):
    assert available_cpus(tmp_path / "absent") == len(os.sched_getaffinity(0))
    (tmp_path / "cpu.max").write_text("max 100000\n")
    assert available_cpus(tmp_path / "cpu.max") == len(os.sched_getaffinity(0))


def test_a_quota_caps_the_count(tmp_path):
    (tmp_path / "cpu.max").write_text("50000 100000\n")  # half a CPU still gets one thread
    assert available_cpus(tmp_path / "cpu.max") == 1
    (tmp_path / "cpu.max").write_text(f"{1000 * 100000} 100000\n")  # a quota above the mask changes nothing
    assert available_cpus(tmp_path / "cpu.max") == len(os.sched_getaffinity(0))
