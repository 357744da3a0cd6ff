"""word_crc: the words' CRC-32s with numpy are zlib's."""

from __future__ import annotations

import random
import zlib

from briefgen import word_crc


def test_word_hashes_of_ascii_texts_are_zlibs_crc32_of_each_word() -> None:
    rng = random.Random(7)
    letters = "abcdefghijklmnopqrstuvwxyz0123456789_"
    texts = [
        " ".join("".join(rng.choices(letters, k=rng.randint(1, 40))) for _ in range(count))
        for count in (0, 1, 2, 30, 200)
    ]
    texts += ["  padded   words  ", "", "a", "ab", "abc", "abcd", "abcde"]
    # Every length from 1 to 40 bytes, starting at every place modulo 4, all byte values.
    texts += [" " * shift + "ab3" * 14 for shift in range(4)]
    texts += [
        " ".join(
            bytes(rng.choices(range(33, 256), k=length)).decode("latin-1")
            for length in range(1, 41)
        )
        for _ in range(4)
    ]
    encoded = [text.encode("latin-1") for text in texts]
    found = word_crc.ascii_word_hashes(encoded)
    expected = [[zlib.crc32(word) for word in text.split(b" ") if word] for text in encoded]
    assert [hashes.tolist() for hashes in found] == expected
    assert sum(map(len, expected)) > 400
    assert word_crc.ascii_word_hashes([]) == []
    assert [hashes.tolist() for hashes in word_crc.ascii_word_hashes([b"", b" "])] == [[], []]
