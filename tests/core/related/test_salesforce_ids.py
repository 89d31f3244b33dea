"""Salesforce's 15/18-character ID checksum, against the worked examples published with the
algorithm (a0D30000001n7Pi -> a0D30000001n7PiEAI, 0019000000B98de -> 0019000000B98deAAB)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cspm.core.related.salesforce_ids import checksum, other_spelling


def test_checksum_of_the_documented_example() -> None:
    assert checksum(np.array(["a0D30000001n7Pi", "0019000000B98de"])).tolist() == ["EAI", "AAB"]
    assert checksum(np.array(["001A000000Abcde", "000000000000000"])).tolist() == ["IAB", "AAA"]


def test_other_spelling_both_ways_and_nothing_for_other_values() -> None:
    ids = pd.Series(
        ["a0D30000001n7Pi", "a0D30000001n7PiEAI", "a0D30000001n7PiAAA", "ACC-1", None],
        dtype=object,
    )
    assert other_spelling(ids).tolist() == [
        "a0D30000001n7PiEAI",
        "a0D30000001n7Pi",
        None,  # a wrong checksum: some other 18-character code
        None,
        None,
    ]
