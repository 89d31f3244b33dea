"""The demo's vocabulary: owners, industries, countries, plans and made-up company names.

Apart from `demo` so the story of the portfolio (who churns, who grows) reads without the word
lists, and so a new word list is a change to data, not to the generator.
"""

from __future__ import annotations

import numpy as np

OWNERS = ("Maya Chen", "Jonas Weber", "Priya Nair", "Luis Ortega", "Amelia Brooks", "Tom Okafor")
INDUSTRIES = (
    "Software", "Financial Services", "Healthcare", "Retail", "Manufacturing", "Logistics",
    "Education", "Media", "Energy", "Professional Services", "Telecommunications", "Public Sector",
)  # fmt: skip
COUNTRIES = (
    # (country, region, weight)
    ("United States", "North America", 30), ("Canada", "North America", 6),
    ("United Kingdom", "EMEA", 10), ("Germany", "EMEA", 9), ("France", "EMEA", 6),
    ("Netherlands", "EMEA", 4), ("Sweden", "EMEA", 3), ("Spain", "EMEA", 3),
    ("Australia", "APAC", 6), ("Japan", "APAC", 4), ("Singapore", "APAC", 3), ("India", "APAC", 4),
    ("Brazil", "LATAM", 4), ("Mexico", "LATAM", 3),
)  # fmt: skip
PLANS = ("Starter", "Growth", "Business", "Enterprise")
STATUSES = ("Active", "At Risk", "Trial", "Churned", "Cancelled")
PRODUCT_LINES = ("Core", "Core + Analytics", "Core + Integrations", "Platform Suite")
SUPPORT_PLANS = ("Standard", "Premium", "Premier 24/7")

_BRANDS = (
    "Northwind", "Acme", "Contoso", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Vandelay",
    "Hooli", "Pied Piper", "Soylent", "Tyrell", "Cyberdyne", "Wonka", "Gringotts", "Oceanic",
    "Aperture", "Black Mesa", "Monarch", "Dunder", "Sterling", "Prestige", "Massive", "Nakatomi",
    "Zenith", "Vertex", "Summit", "Keystone", "Pinnacle", "Lumen", "Evergreen", "Redwood",
    "Bluebird", "Ironclad", "Brightline", "Crescent", "Halcyon", "Meridian", "Nimbus", "Orion",
    "Quantum", "Riverbend", "Sapphire", "Trident", "Polaris", "Juniper", "Falcon", "Atlas",
    "Beacon", "Cobalt", "Everest", "Harbor", "Kestrel", "Lighthouse", "Mosaic", "Nova", "Onyx",
)  # fmt: skip
_ADJECTIVES = (
    "Blue", "Silver", "Golden", "Green", "Red", "North", "South", "East", "West", "Grand",
    "Bright", "Clear", "Swift", "True", "Prime", "Royal", "Wild", "Silent", "Rapid", "Bold",
    "Deep", "High", "Open", "First", "Great", "Little", "New", "Old", "Central", "Coastal",
)  # fmt: skip
_NOUNS = (
    "River", "Peak", "Harbor", "Ridge", "Valley", "Forest", "Bridge", "Stone", "Lake", "Field",
    "Oak", "Pine", "Cedar", "Maple", "Falcon", "Eagle", "Fox", "Wolf", "Bear", "Lion", "Star",
    "Sun", "Moon", "Sky", "Wave", "Rock", "Gate", "Tower", "Mill", "Port", "Crest", "Spring",
    "Meadow", "Canyon", "Island", "Bay", "Point", "Hill", "Creek", "Brook",
)  # fmt: skip
_CORES = (
    "Logistics", "Analytics", "Health", "Systems", "Software", "Labs", "Foods", "Energy",
    "Capital", "Media", "Retail", "Robotics", "Networks", "Pharma", "Motors", "Studios",
    "Consulting", "Logistics Group", "Insurance", "Bank", "Telecom", "Manufacturing", "Solutions",
    "Dynamics", "Biotech", "Ventures", "Airlines", "Hotels", "Education",
    "Industries", "Data", "Security", "Cloud", "Partners", "Holdings", "Technologies", "Marine",
)  # fmt: skip
_SUFFIXES = ("", " Inc.", " LLC", " Ltd", " GmbH", " AG", " SA", " BV", " plc", " AB")
_SUFFIX_WEIGHTS = np.array([4.0, 1, 1, 1, 1, 1, 1, 1, 1, 1]) / 13

COUNTRY_WEIGHTS = np.array([c[2] for c in COUNTRIES], dtype=float) / sum(c[2] for c in COUNTRIES)


def company_names(rng: np.random.Generator, n: int) -> np.ndarray:
    """`n` distinct company names: brand or adjective+noun, an industry word, a legal suffix."""
    prefixes = np.array(
        [*_BRANDS, *(f"{a} {b}" for a in _ADJECTIVES for b in _NOUNS)], dtype=object
    )
    n_pre, n_core, n_suf = len(prefixes), len(_CORES), len(_SUFFIXES)
    codes = np.empty(0, dtype=np.int64)
    while codes.size < n:  # a few rounds at most: the space holds ~1.4 million names
        want = 2 * (n - codes.size) + 16
        brand = rng.random(want) < 0.6
        pre = np.where(
            brand, rng.integers(0, len(_BRANDS), want), rng.integers(len(_BRANDS), n_pre, want)
        )
        suffix = rng.choice(n_suf, want, p=_SUFFIX_WEIGHTS)
        draw = (pre * n_core + rng.integers(0, n_core, want)) * n_suf + suffix
        merged = np.concatenate([codes, draw])
        _, first = np.unique(merged, return_index=True)
        codes = merged[np.sort(first)]
    codes = codes[:n]
    pre, rest = np.divmod(codes, n_core * n_suf)
    core, suf = np.divmod(rest, n_suf)
    text = prefixes[pre] + " " + np.array(_CORES, dtype=object)[core]
    return text + np.array(_SUFFIXES, dtype=object)[suf]


def account_ids(rng: np.random.Generator, created: np.ndarray) -> np.ndarray:
    """Account IDs numbered in creation order: mostly "ACC-00123", some bare "000451"."""
    n = created.size
    width = max(5, len(str(2 * n)))
    numbers = np.sort(rng.choice(10**width - 1, size=n, replace=False) + 1)
    by_creation = np.empty(n, dtype=np.int64)
    by_creation[np.argsort(created, kind="stable")] = numbers
    digits = np.strings.zfill(by_creation.astype(str), width)
    bare = rng.random(n) < 0.08  # exports from a second system: numeric-looking, leading zeros
    return np.where(bare, np.strings.add("0", digits), np.strings.add("ACC-", digits)).astype(
        object
    )
