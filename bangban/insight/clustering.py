"""Grouping short complaint texts into problems (堵点). Pure: no ORM, no clock.

A text is its title and the start of its content. It becomes a TF-IDF vector of character pairs
(bigrams): Chinese has no spaces, and the names that tell one problem from another (an estate, a
plant, a platform, a road) are mostly missing from any word list, while their character pairs are
rare and therefore heavy. The title counts three times and the names of places and enterprises
(a run of characters ending in 小区, 新城, 苑, 路, 厂, 公司, 学院 …) once more, so that two texts about
the same place weigh that place above the words every complaint shares. Pairs found in more than
`MAX_DF` of the texts say nothing about which problem a text is about and are dropped; each text
keeps its `TOP_TERMS` heaviest pairs.

Neighbours: the sparse product of the vectors, a block of rows at a time, keeps each text's
`NEIGHBOURS` most similar texts at or above `threshold` (cosine) — never a dense n × n matrix.

Grouping: the edges are taken from the most similar down; two groups join when their edge reaches
the threshold and their centroids (the mean of their members' vectors) are still at least
`centroid_threshold` alike. The second test stops chaining: a complaint that mentions an estate and
a noisy plant cannot pull the estate's other problems into the plant's group.

A problem's label is the key phrases of its members' titles: the longest runs of characters many
of them share (丽发新城, 搅拌站), ranked by how many share them and how rare they are in all
titles; its representative is the member closest to the centroid.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from .label_stopwords import LABEL_STOP
from .text import HALF_WIDTH

__all__ = [
    "CENTROID_THRESHOLD",
    "THRESHOLD",
    "Cluster",
    "Document",
    "cluster_texts",
    "key_phrases",
]

THRESHOLD = 0.27
CENTROID_THRESHOLD = 0.25
NEIGHBOURS = 12
TOP_TERMS = 48
MAX_DF = 0.02
# In a small set of texts every pair is rare enough to count.
MIN_MAX_DF = 50
BODY_CHARS = 240
ENTITY_SCAN = 120
TITLE_WEIGHT = 3
NAME_WEIGHT = 2
BLOCK_ROWS = 2048
LABEL_WORDS = 4
LABEL_SAMPLE = 60
LABEL_LIMIT = 300
PRIVATE_LABEL = "不公开的诉求"

# Place and enterprise names end in one of these; the four characters before it are the name.
_ENTITY_SUFFIX = re.compile(
    r"小区|新城|新村|花园|家园|公寓|广场|大厦|中心|市场|苑|园|城|村|社区|街道|镇|乡|路|街|大道|巷|桥"
    r"|公司|集团|工厂|厂|站|学院|学校|大学|中学|小学|幼儿园|医院|银行|平台|车贷|项目|工地|酒店|超市"
)
ENTITY_CHARS = 4
_HTML = re.compile(r"<[^>]*>|&[a-z]+;|&#\d+;")
_NON_WORD = re.compile(r"[^\u4e00-\u9fff0-9a-z]+")
# Masked or common administrative prefixes (A市, A5区, 西地省): never part of a label.
_ADMIN_PREFIX = re.compile(r"(?:^|(?<=\s))(?:[a-z]\d*[省市区县]|[\u4e00-\u9fff]{2}省)+")
_LABEL_STOP_SORTED = sorted(LABEL_STOP, key=len, reverse=True)


@dataclass(frozen=True)
class Document:
    """One text to group: `key` names it for the caller (a case id), `title` and `body` its words.
    A `private` text (a conduct complaint) is grouped like any other but never shown: it is
    neither a group's representative nor a source of its label."""

    key: object
    title: str
    body: str = ""
    private: bool = False


@dataclass
class Cluster:
    """A problem: its members' keys (closest to its centre first), its representative (the closest
    that may be shown; None when every member is private), label and key phrases."""

    members: list[object]
    representative: object | None
    label: str
    phrases: list[str] = field(default_factory=list)
    cohesion: float = 0.0

    @property
    def size(self) -> int:
        return len(self.members)


# Full-width letters, digits and signs (Ａ１！) to their ASCII forms; the ideographic space to a space.
def clean(text: str) -> str:
    """Full-width to half-width, lower case, markup removed (a table, not NFKC: ten times faster,
    and the other compatibility forms do not occur in complaints)."""
    return _HTML.sub(" ", (text or "").translate(HALF_WIDTH).lower())


def _entities(text: str) -> str:
    """The names of places and bodies in a text (each: the characters before a suffix, and it)."""
    names = []
    for match in _ENTITY_SUFFIX.finditer(text):
        name = text[max(0, match.start() - ENTITY_CHARS) : match.end()].split(" ")[-1]
        if len(name) > len(match.group()):
            names.append(name)
    return " ".join(names)


def _compose(doc: Document) -> str:
    """Title, names, body: three segments separated by \x01 (the title weighs `TITLE_WEIGHT`)."""
    title = _NON_WORD.sub(" ", clean(doc.title[:200])).strip()
    body = " ".join(_NON_WORD.sub(" ", clean(doc.body[: BODY_CHARS * 2])).split())[:BODY_CHARS]
    return f"{title}\x01{_entities(title + ' ' + body[:ENTITY_SCAN])}\x01{body}"


def _bigram_matrix(composed: Sequence[str]) -> sparse.csr_matrix:
    """Weighted counts of character pairs per text, computed on arrays of code points (sorts, no
    Python loop over characters): pairs that cross a space, a segment or the end of a text are
    dropped; pairs of the title count `TITLE_WEIGHT` times."""
    joined = "\x00".join(composed) + "\x00"
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    lengths = np.fromiter((len(c) + 1 for c in composed), dtype=np.int64, count=len(composed))
    title_lengths = np.fromiter((c.index("\x01") for c in composed), dtype=np.int64, count=len(composed))
    name_ends = np.fromiter((c.rindex("\x01") for c in composed), dtype=np.int64, count=len(composed))
    doc_of = np.repeat(np.arange(len(composed)), lengths)  # the text each code point belongs to
    offset = np.arange(len(codes)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    in_title = offset < np.repeat(title_lengths, lengths)
    in_names = ~in_title & (offset < np.repeat(name_ends, lengths))
    breaks = (codes == 0) | (codes == 1) | (codes == 32)
    valid = ~(breaks[:-1] | breaks[1:])
    pairs = ((codes[:-1] << 21) | codes[1:])[valid]  # < 2**42
    # One sort of (text, pair, in title) keys gives the counts of each pair per text and part.
    part = np.where(in_title, 2, np.where(in_names, 1, 0))[:-1][valid]
    keys = np.sort((doc_of[:-1][valid] << 44) | (pairs << 2) | part)
    if not len(keys):
        return sparse.csr_matrix((len(composed), 0), dtype=np.float32)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    counts = np.diff(np.r_[starts, len(keys)]).astype(np.float32)
    keys = keys[starts]
    counts *= np.array([1.0, NAME_WEIGHT, TITLE_WEIGHT], dtype=np.float32)[keys & 3]
    keys >>= 2
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    counts = np.add.reduceat(counts, starts) if len(starts) else counts
    keys = keys[starts]
    docs, pairs = keys >> 42, keys & ((1 << 42) - 1)
    vocab = np.sort(pairs)
    vocab = vocab[np.r_[True, vocab[1:] != vocab[:-1]]]
    columns = np.searchsorted(vocab, pairs)
    indptr = np.searchsorted(docs, np.arange(len(composed) + 1))
    return sparse.csr_matrix((counts, columns, indptr), shape=(len(composed), len(vocab)))


def _tfidf(counts: sparse.csr_matrix) -> sparse.csr_matrix:
    n = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    idf = np.log((1 + n) / (1 + df)).astype(np.float32) + 1.0
    keep = (df >= 2) & (df <= max(MIN_MAX_DF, MAX_DF * n))
    idf[~keep] = 0.0
    x = counts.copy()
    x.data = (1.0 + np.log(x.data)) * idf[x.indices]
    x.eliminate_zeros()
    x = _top_terms(x, TOP_TERMS)
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms).dot(x), dtype=np.float32)


def _top_terms(x: sparse.csr_matrix, k: int) -> sparse.csr_matrix:
    lengths = np.diff(x.indptr)
    if lengths.max(initial=0) <= k:
        return x
    data, indices = x.data.copy(), x.indices
    for row in np.nonzero(lengths > k)[0]:
        start, end = x.indptr[row], x.indptr[row + 1]
        segment = data[start:end]
        cut = np.partition(segment, -k)[-k]
        segment[segment < cut] = 0.0
    out = sparse.csr_matrix((data, indices, x.indptr.copy()), shape=x.shape)
    out.eliminate_zeros()
    return out


def _neighbour_edges(x: sparse.csr_matrix, threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(i, j, similarity) with i < j for each text's nearest neighbours at or above the threshold."""
    xt = x.T.tocsr()
    rows, cols, sims = [], [], []
    n = x.shape[0]
    for start in range(0, n, BLOCK_ROWS):
        block = x[start : start + BLOCK_ROWS].dot(xt).tocsr()
        block.data[block.data < threshold] = 0.0
        block.eliminate_zeros()
        for local in range(block.shape[0]):
            s, e = block.indptr[local], block.indptr[local + 1]
            if e == s:
                continue
            idx, val = block.indices[s:e], block.data[s:e]
            i = start + local
            own = idx != i
            idx, val = idx[own], val[own]
            if len(idx) > NEIGHBOURS:
                idx, val = _some_neighbours(idx, val, i)
            rows.append(np.full(len(idx), i))
            cols.append(idx)
            sims.append(val)
    if not rows:
        empty = np.array([], dtype=np.int64)
        return empty, empty, np.array([], dtype=np.float32)
    i_all, j_all, s_all = np.concatenate(rows), np.concatenate(cols), np.concatenate(sims)
    lo, hi = np.minimum(i_all, j_all), np.maximum(i_all, j_all)
    key = lo * n + hi
    key, first = np.unique(key, return_index=True)
    return lo[first], hi[first], s_all[first]


def _some_neighbours(idx: np.ndarray, val: np.ndarray, i: int) -> tuple[np.ndarray, np.ndarray]:
    """Half the nearest of a text's many neighbours and half drawn among the others (the same draw
    every run): when a problem is told a hundred times in nearly the same words, the nearest are
    all near-copies of one text, and the drawn ones keep the copies of each wording connected to
    the others."""
    half = NEIGHBOURS // 2
    order = np.argpartition(val, -half)
    nearest, rest = order[-half:], order[:-half]
    drawn = np.random.default_rng(i).choice(rest, size=NEIGHBOURS - half, replace=False)
    keep = np.concatenate([nearest, drawn])
    return idx[keep], val[keep]


class _Groups:
    """Union-find whose groups carry the sum of their members' vectors (as dicts of the heaviest
    terms), so that two groups join only when their centroids stay alike."""

    def __init__(self, x: sparse.csr_matrix) -> None:
        self.parent = list(range(x.shape[0]))
        self.size = [1] * x.shape[0]
        self.sums: dict[int, dict[int, float]] = {}
        self.x = x

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def vector(self, root: int) -> dict[int, float]:
        found = self.sums.get(root)
        if found is None:
            s, e = self.x.indptr[root], self.x.indptr[root + 1]
            found = dict(zip(self.x.indices[s:e].tolist(), self.x.data[s:e].tolist(), strict=True))
            self.sums[root] = found
        return found

    def centroid_similarity(self, a: int, b: int) -> float:
        va, vb = self.vector(a), self.vector(b)
        if len(va) > len(vb):
            va, vb = vb, va
        dot = sum(w * vb.get(t, 0.0) for t, w in va.items())
        na = math.sqrt(sum(w * w for w in va.values()))
        nb = math.sqrt(sum(w * w for w in vb.values()))
        return dot / (na * nb) if na and nb else 0.0

    def union(self, a: int, b: int) -> None:
        if self.size[a] < self.size[b]:
            a, b = b, a
        va, vb = self.vector(a), self.vector(b)
        for t, w in vb.items():
            va[t] = va.get(t, 0.0) + w
        if len(va) > 4 * TOP_TERMS:  # keep the centroid's heaviest terms only
            va = dict(heapq.nlargest(2 * TOP_TERMS, va.items(), key=lambda kv: kv[1]))
        self.sums[a] = va
        self.sums.pop(b, None)
        self.parent[b] = a
        self.size[a] += self.size[b]


def _group(x: sparse.csr_matrix, threshold: float, centroid_threshold: float) -> list[list[int]]:
    lo, hi, sims = _neighbour_edges(x, threshold)
    groups = _Groups(x)
    for k in np.argsort(-sims, kind="stable").tolist():
        a, b = groups.find(int(lo[k])), groups.find(int(hi[k]))
        if a == b:
            continue
        # Two single texts join on their edge; larger groups also need alike centroids.
        pair_of_singles = groups.size[a] == 1 and groups.size[b] == 1
        if pair_of_singles or groups.centroid_similarity(a, b) >= centroid_threshold:
            groups.union(a, b)
    members: dict[int, list[int]] = {}
    for i in range(x.shape[0]):
        members.setdefault(groups.find(i), []).append(i)
    return list(members.values())


def key_phrases(
    titles: Sequence[str],
    corpus_sample: str,
    sample_size: int,
    k: int = LABEL_WORDS,
    *,
    own_in_sample: float = 0.0,
) -> list[str]:
    """The phrases most typical of these titles: the longest runs of characters that many of them
    share, ranked by how many share them and how rare they are among all titles (`corpus_sample`:
    a sample of all titles joined by newlines, `sample_size` of them). A run that only repeats the
    framing of a complaint (投诉, 关于, A市 …) is not a phrase."""
    cleaned = [_ADMIN_PREFIX.sub(" ", " ".join(_NON_WORD.sub(" ", clean(t)).split())) for t in titles]
    n = max(1, len(cleaned))
    floor = max(2, math.ceil(n * 0.25))
    counts: Counter[str] = Counter()
    for title in cleaned:
        seen: set[str] = set()
        for part in title.split():
            for length in range(2, min(12, len(part)) + 1):
                for start in range(len(part) - length + 1):
                    seen.add(part[start : start + length])
        counts.update(seen)
    frequent = {sub: c for sub, c in counts.items() if c >= floor}
    # A run is kept only when no longer run is shared by (nearly) as many titles.
    # (A run one character longer held by nearly as many titles covers it: it is checked against
    # each run's two one-shorter parts, linear in the number of runs.)
    covered = set()
    for longer, c in frequent.items():
        if len(longer) > 2:
            for part in (longer[1:], longer[:-1]):
                if c >= 0.8 * frequent.get(part, math.inf):
                    covered.add(part)
    maximal = [sub for sub in frequent if sub not in covered]
    scored = []
    for sub in maximal:
        core = sub
        for word in _LABEL_STOP_SORTED:
            core = core.replace(word, "")
        if len(core) < 2 or core.isdigit() or core.isascii():
            continue
        share = frequent[sub] / n
        # How common the run is among the other titles (the group's own expected share removed).
        elsewhere = max(0.0, corpus_sample.count(sub) - share * own_in_sample)
        background = (elsewhere + 1) / (sample_size + 1)
        if background > 0.05:
            continue
        scored.append((share * math.log(1 / background) * min(len(core), 6), sub))
    scored.sort(key=lambda item: (-item[0], item[1]))
    phrases: list[str] = []
    for _, sub in scored:
        if any(_overlap(sub, p) for p in phrases):
            continue
        phrases.append(sub)
        if len(phrases) == k:
            break
    return phrases


def cluster_texts(
    documents: Sequence[Document],
    *,
    threshold: float = THRESHOLD,
    centroid_threshold: float = CENTROID_THRESHOLD,
    min_size: int = 2,
    label_limit: int = LABEL_LIMIT,
) -> list[Cluster]:
    """The problems among these texts, largest first: groups of at least `min_size` members. The
    `label_limit` largest are labelled by their key phrases, the others by their representative's
    title."""
    if not documents:
        return []
    counts = _bigram_matrix([_compose(d) for d in documents])
    if counts.nnz == 0:
        return []
    x = _tfidf(counts)
    groups = [g for g in _group(x, threshold, centroid_threshold) if len(g) >= min_size]
    groups.sort(key=lambda g: (-len(g), g[0]))
    background, background_size = _title_sample(documents)
    clusters = []
    for rank, g in enumerate(groups):
        sub = x[g]
        centroid = np.asarray(sub.mean(axis=0)).ravel()
        norm = float(np.linalg.norm(centroid)) or 1.0
        closeness = sub.dot(centroid) / norm
        order = np.argsort(-closeness, kind="stable")
        ordered = [g[i] for i in order]
        shown = [i for i in ordered if not documents[i].private]
        sample = [documents[i].title for i in shown[:LABEL_SAMPLE]]
        own = len(shown) * background_size / len(documents)
        phrases = (
            key_phrases(sample, background, background_size, own_in_sample=own) if rank < label_limit else []
        )
        label = (
            "·".join(phrases)
            if phrases
            else (clean(documents[shown[0]].title)[:30] if shown else PRIVATE_LABEL)
        )
        clusters.append(
            Cluster(
                members=[documents[i].key for i in ordered],
                representative=documents[shown[0]].key if shown else None,
                label=label,
                phrases=phrases,
                cohesion=round(float(closeness.mean()), 4),
            )
        )
    return clusters


def _overlap(a: str, b: str) -> bool:
    """Whether two phrases share a run of three characters (or one holds the other)."""
    if a in b or b in a:
        return True
    return any(a[i : i + 3] in b for i in range(len(a) - 2))


def _title_sample(documents: Sequence[Document]) -> tuple[str, int]:
    """About 5,000 titles, evenly spread, joined by newlines: the background a label is judged on."""
    step = max(1, len(documents) // 5000)
    sample = [" ".join(_NON_WORD.sub(" ", clean(d.title)).split()) for d in documents[::step]]
    return "\n".join(sample), len(sample)
