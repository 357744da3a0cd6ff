"""copy_arrays: dedupe's shingles and copy candidates with numpy, as the plain-Python steps."""

from __future__ import annotations

import random

import numpy as np
import numpy.typing as npt

from briefgen import copy_arrays
from briefgen.dedupe import MAX_POSTINGS, _candidate_pairs


def _chunks(samples: list[list[int]], size: int) -> list[copy_arrays.Chunk]:
    """The samples packed `size` records at a time, as the readers send them."""
    chunks = []
    for first in range(0, len(samples), size):
        part = samples[first : first + size]
        values = np.array([value for sample in part for value in sample], dtype=np.int64)
        chunks.append((values, np.array([len(sample) for sample in part], dtype=np.int64)))
    return chunks


def _int64(value: int) -> int:
    return value - 2**64 if value >= 2**63 else value


def test_candidate_pairs_made_in_slices_are_the_plain_ones() -> None:
    rng = random.Random(5)
    # Values over the whole 64-bit range (every part of the postings), a few in many records.
    rare_values = [_int64(rng.getrandbits(64)) for _ in range(400)]
    common_values = [_int64(rng.getrandbits(64)) for _ in range(2)]
    samples = []
    for _ in range(300):
        sample = set(rng.sample(rare_values, rng.randint(0, 12)))
        if rng.random() < 0.4:
            sample.add(rng.choice(common_values))
        samples.append(sorted(sample))
    for index in range(0, 300, 3):  # near copies: most of a sample again
        samples.append(sorted({*samples[index][1:], rng.choice(rare_values)}))
    expected = _candidate_pairs(samples, 0.7)
    assert len(expected) > 50
    most_common = max(sum(value in sample for sample in samples) for value in common_values)
    assert most_common > MAX_POSTINGS  # some postings are too long to count
    for chunk_size, pairs_per_slice in ((1, 1), (7, 5), (64, 40), (1000, 10**9)):
        found = copy_arrays.candidate_pairs(
            _chunks(samples, chunk_size), 0.7, MAX_POSTINGS, pairs_per_slice
        )
        assert found == expected


def test_candidate_pairs_count_shared_values_against_the_smaller_sample() -> None:
    samples = [
        [10, 20, 30, 40],  # shares 3 of 4 with the next: a candidate
        [10, 20, 30, 50, 60, 70, 80, 90],
        [20, 100],  # shares 1 of 2 with the first two: half of 0.7 is enough
        [-(2**63), 2**63 - 1],  # the extreme values
        [2**63 - 1, -(2**63), 5],
        [999],
    ]
    pairs = copy_arrays.candidate_pairs(_chunks(samples, 2), 0.7, 50, pairs_per_slice=1)
    assert pairs == [(0, 1), (0, 2), (1, 2), (3, 4)]
    # A value in more records than `max_postings` is boilerplate: it makes no pair.
    assert copy_arrays.candidate_pairs(_chunks([[7], [7], [7]], 3), 0.7, 2) == []
    assert copy_arrays.candidate_pairs([], 0.7, 50) == []


def test_shared_count_counts_the_common_shingles() -> None:
    rng = random.Random(11)
    for _ in range(200):
        left = sorted(set(rng.choices(range(-50, 50), k=rng.randint(1, 40))))
        right = sorted(set(rng.choices(range(-60, 60), k=rng.randint(1, 40))))
        found = copy_arrays.shared_count(_array(left), _array(right))
        assert found == len(set(left) & set(right))
    # Values past either end of the other array, and the extreme values.
    assert copy_arrays.shared_count(_array([5]), _array([1, 2, 3])) == 0
    extremes = _array([-(2**63), 0, 2**63 - 1])
    assert copy_arrays.shared_count(extremes, extremes) == 3
    assert copy_arrays.shared_count(extremes, _array([-(2**63) + 1, 2**63 - 1])) == 1


def _array(values: list[int]) -> npt.NDArray[np.int64]:
    return np.array(values, dtype=np.int64)
