"""The fixed set of about 50 search queries the benchmarks run, chosen from the corpus itself.

Document frequencies are read off a sample of the generated pages (deterministic for a given
corpus), and words are picked at set frequency bands: frequent (in most pages), middling,
rare and very rare. Phrases are word pairs that occur in the text. The same set runs with and
without facet filters.
"""

import itertools
import os
import random
import re
from collections import Counter
from pathlib import Path

WORD = re.compile(r"[A-Za-z][a-z]{3,}")
STOP = {
    "that",
    "this",
    "with",
    "from",
    "have",
    "were",
    "they",
    "their",
    "which",
    "been",
    "will",
    "also",
    "than",
    "then",
    "them",
    "there",
    "when",
    "what",
    "would",
    "into",
    "more",
    "said",
}


def sample_pages(folder, count=2000, seed=11):
    files = sorted(
        Path(top) / name
        for top, _, names in os.walk(folder, followlinks=True)
        for name in names
        if name.endswith(".txt")
    )
    rng = random.Random(seed)
    return [f.read_text(encoding="utf-8") for f in rng.sample(files, min(count, len(files)))]


def query_set(folder):
    """[(label, params)] for the benchmark: about 50 queries, a third with facet filters."""
    pages = sample_pages(folder)
    frequency = Counter()
    pairs = Counter()
    for text in pages:
        body = text.split("Select Page", 1)[-1].lower()
        words = [w for w in WORD.findall(body) if w not in STOP]
        frequency.update(set(words))
        pairs.update(set(itertools.pairwise(words)))
    n = len(pages)

    def band(low, high, k):
        chosen = sorted(w for w, c in frequency.items() if low <= c / n < high)
        return random.Random(7).sample(chosen, min(k, len(chosen)))

    frequent = band(0.5, 1.01, 8)
    middling = band(0.05, 0.5, 8)
    rare = band(0.005, 0.05, 8)
    very_rare = band(0.0005, 0.005, 6)
    phrases = [f'"{a} {b}"' for (a, b), c in pairs.most_common(400)[::60]][:6]
    queries = (
        [("frequent", w) for w in frequent]
        + [("middling", w) for w in middling]
        + [("rare", w) for w in rare]
        + [("very rare", w) for w in very_rare]
        + [("phrase", p) for p in phrases]
        + [("or", f"{a} OR {b}") for a, b in zip(rare[:3] + middling[:3], very_rare[:3] + rare[3:6])]
        + [("exclude", f"{a} -{b}") for a, b in zip(frequent[:3] + middling[:3], middling[3:6] + frequent[3:6])]
    )
    faceted = [(f"{label} + facets", q) for label, q in queries[::3]]
    plain = [(label, {"q": q}) for label, q in queries]
    filters = [{"year": "2011"}, {"agency": "Reuters"}, {"year": "2015", "agency": "AFP"}]
    with_facets = [(label, {"q": q, **filters[i % 3]}) for i, (label, q) in enumerate(faceted)]
    return plain + with_facets
