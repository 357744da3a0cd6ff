import platform
import sys

import pytest

from briefgen.memory import release_freed_memory


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
    reason="only glibc can trim its heap",
)
def test_glibc_heap_is_trimmed() -> None:
    assert release_freed_memory() is True


@pytest.mark.skipif(sys.platform.startswith("linux"), reason="Linux may trim")
def test_other_systems_are_left_alone() -> None:
    assert release_freed_memory() is False
