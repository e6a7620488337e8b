"""The stratified random sample of a callback campaign (SVC-09: "a random sample at a set ratio").

Pure functions, no database: the population is a list of ``(ticket_id, stratum)`` pairs. Each stratum gets its
proportional share of the sample (largest-remainder rounding, so the total is the ratio of the population,
rounded half up, and every stratum's size is within one of its exact share), then the tickets of each stratum
are drawn with ``random.Random(seed)``, strata in key order and tickets in id order, so the same population,
ratio and seed always give the same sample.
"""

from __future__ import annotations

import random
from collections import defaultdict
from fractions import Fraction


def allocate(sizes: dict[str, int], ratio: Fraction) -> dict[str, int]:
    """How many to draw from each stratum: ``sizes`` are the strata's populations, ``ratio`` in (0, 1]."""
    total = sum(sizes.values())
    wanted = int(ratio * total + Fraction(1, 2))  # round half up
    exact = {key: ratio * size for key, size in sizes.items()}
    counts = {key: int(share) for key, share in exact.items()}
    left = wanted - sum(counts.values())
    # the largest remainders get one more; ties go to the larger stratum, then the key (deterministic)
    order = sorted(sizes, key=lambda key: (-(exact[key] - counts[key]), -sizes[key], key))
    for key in order[:left]:
        counts[key] += 1
    return counts


def draw(population: list[tuple[int, str]], ratio: Fraction, seed: int) -> list[tuple[int, str]]:
    """The sample: ``(ticket_id, stratum)`` pairs, drawn per stratum at ``ratio`` with ``random.Random(seed)``."""
    strata: dict[str, list[int]] = defaultdict(list)
    for ticket_id, stratum in population:
        strata[stratum].append(ticket_id)
    counts = allocate({key: len(ids) for key, ids in strata.items()}, ratio)
    rng = random.Random(seed)  # noqa: S311 (a reproducible survey sample, not a secret)
    sample: list[tuple[int, str]] = []
    for key in sorted(strata):
        ids = sorted(strata[key])
        sample += [(ticket_id, key) for ticket_id in sorted(rng.sample(ids, counts[key]))]
    return sample
