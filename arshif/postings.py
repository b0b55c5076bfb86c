"""lunr's index maths, on arrays: term frequencies, field lengths, idf and BM25 weights,
word positions, and their text form (varints), for a whole archive at once.

Written with numpy because the same work in Python objects took 25 s of CPU and 1.2 GB
for 20,000 articles (one Python operation per word and per posting); here every step over
the archive's six million words is one array operation. The weights are lunr.py's
Builder's to the bit: the same floating-point operations in the same order, and Python's
own round() wherever numpy's rounding could differ (tests/test_search_equivalence.py).
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import chain, count

import numpy as np

K1, B = 1.2, 0.75  # lunr's BM25 parameters
WEIGHT_SCALE = 1000  # lunr keeps three decimals; weights are written as integers of thousandths

# Whole numbers as text, five bits a character: a character of TERMINAL ends a number, one
# of CONTINUE carries five more bits before it. JSON-safe, and a third of decimal's size.
TERMINAL = "0123456789ABCDEFGHIJKLMNOPQRSTUV"
CONTINUE = "WXYZabcdefghijklmnopqrstuvwxyz-_"
_TERMINAL = np.frombuffer(TERMINAL.encode("ascii"), dtype=np.uint8)
_CONTINUE = np.frombuffer(CONTINUE.encode("ascii"), dtype=np.uint8)


def js_order(key: str) -> bytes:
    """Sort key of JavaScript's string comparison (UTF-16 code units), which the browser's binary search uses."""
    return key.encode("utf-16-be")


_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


def js_sorted(keys) -> list[str]:
    """The keys in JavaScript's order. Python compares code points, which is the same order
    unless a key holds a character beyond U+FFFF (two UTF-16 units, which sort before U+E000):
    only then is each key encoded (a third of the index step's sorting time otherwise)."""
    keys = list(keys)
    return sorted(keys, key=js_order) if any(_ASTRAL.search(key) for key in keys) else sorted(keys)


@dataclass(frozen=True)
class Words:
    """The archive's words as numbers: each field's word ids for every document, in document order."""

    vocabulary: list[str]  # word id -> normalised word
    counts: np.ndarray  # word id -> occurrences in the archive
    fields: list[np.ndarray]  # field -> word ids of document 0, then 1, ... (common words included)
    lengths: list[np.ndarray]  # field -> words in each document
    documents: list[np.ndarray] | None = None  # document -> its word ids, field after field (words_of_documents)

    def document_lengths(self) -> np.ndarray:
        """document -> its fields' lengths."""
        return np.stack(self.lengths, axis=1) if self.lengths else np.zeros((0, 0), dtype=np.int32)

    def compacted(self) -> tuple[list[str], list[bytes]]:
        """The vocabulary without the words no document holds, and each document's word ids
        in it (int32 bytes): what a WordStore keeps."""
        live = self.counts > 0
        renumbered = (np.cumsum(live) - 1).astype(np.int32)
        vocabulary = [word for word, kept in zip(self.vocabulary, live.tolist()) if kept]
        return vocabulary, [renumbered[ids].tobytes() for ids in self.documents or ()]


def read_words(documents: Iterable[tuple[list[str], ...]], fields: int, size: int) -> Words:
    """Number every distinct word once; keep only the numbers."""
    ids = defaultdict(count().__next__)
    number = ids.__getitem__
    chunks: list[list[np.ndarray]] = [[] for _ in range(fields)]
    lengths = [np.zeros(size, dtype=np.int32) for _ in range(fields)]
    for ref, words_by_field in enumerate(documents):
        for f, words in enumerate(words_by_field):
            chunks[f].append(np.fromiter(map(number, words), dtype=np.int32, count=len(words)))
            lengths[f][ref] = len(words)
    arrays = [np.concatenate(c) if c else np.zeros(0, dtype=np.int32) for c in chunks]
    vocabulary = list(ids)
    counts = np.bincount(np.concatenate(arrays), minlength=len(vocabulary)) if vocabulary else np.zeros(0, dtype=np.int64)
    return Words(vocabulary, counts, arrays, lengths)


def words_of_documents(vocabulary: list[str], stored: list[tuple[tuple[int, ...], bytes] | None],
                       fresh: Callable[[int], tuple[list[str], ...]], fields: int) -> Words:
    """Words of documents some of which are `stored` (their field lengths and int32 word ids in
    `vocabulary`), the others read by `fresh(document number)`. New words are numbered after the
    vocabulary's. Raises ValueError if a stored number is not in the vocabulary (a damaged store)."""
    ids = defaultdict(count(len(vocabulary)).__next__, {word: i for i, word in enumerate(vocabulary)})
    number = ids.__getitem__
    documents, lengths = [], []
    for ref, entry in enumerate(stored):
        if entry is not None and len(entry[0]) == fields and len(entry[1]) == 4 * sum(entry[0]):
            field_lengths, data = entry
            documents.append(np.frombuffer(data, dtype=np.int32))
        else:
            by_field = fresh(ref)
            field_lengths = tuple(len(words) for words in by_field)
            documents.append(np.fromiter(map(number, chain.from_iterable(by_field)), dtype=np.int32, count=sum(field_lengths)))
        lengths.append(field_lengths)
    everything = np.concatenate(documents) if documents else np.zeros(0, dtype=np.int32)
    vocabulary = list(ids)
    if len(everything) and not 0 <= int(everything.min()) <= int(everything.max()) < len(vocabulary):
        raise ValueError("stored word numbers outside the vocabulary")  # a damaged store: the caller reads afresh
    table = np.array(lengths, dtype=np.int32).reshape(len(stored), fields)
    field_of_word = np.repeat(np.tile(np.arange(fields, dtype=np.int8), len(stored)), table.ravel())
    return Words(vocabulary, np.bincount(everything, minlength=len(vocabulary)), [everything[field_of_word == f] for f in range(fields)],
                 [table[:, f].copy() for f in range(fields)], documents)


@dataclass(frozen=True)
class Postings:
    terms: list[str]  # sorted as JavaScript compares strings
    postings: list[str]  # term -> varints: field, documents, then ref delta and weight for each
    documents_with: list[int]  # term -> lunr's count of documents holding it (once for each field)
    # term -> varints: its forms (places in form_table, "0" for the bare term only), then per
    # field: field, documents, then for each document: count * 2 + flag, positions, forms held
    positions: list[str]
    form_table: list[str]  # every surface form (the clitics before a term: "", "ال", "و"...), the most frequent first


# a document's forms of a term, as the bits of one varint character; the last bit stands for
# all the rarer forms (on the corpus a term has up to six forms, most one to three)
FORM_BITS = 5
BUCKET_ENTRIES = 1_000_000  # words handled at once: the arrays of one bucket of terms stay small


def build(words: Words, term_of_word: list[str | None], form_of_word: list[str | None], boosts: list[int],
          phrase_fields: tuple[int, ...]) -> Postings:
    """The index of every document: what lunr.py's Builder computes, written as varints.
    Terms are handled a bucket at a time (a range of term ids) and arrays are int32, so
    memory grows with the archive's words, not with the work done on them."""
    terms = js_sorted({t for t in term_of_word if t})
    term_id = {t: i for i, t in enumerate(terms)}
    tid_of_word = np.array([term_id[t] if t else -1 for t in term_of_word] or [0], dtype=np.int32)
    forms, form_total, bit_of_word = _forms(words, tid_of_word, form_of_word, phrase_fields)
    documents, nfields = len(words.lengths[0]) if words.lengths else 0, len(boosts)
    fields = []  # per field: (term ids, documents, positions, form bits) of the words that are not common words
    for f in range(nfields):
        tids = tid_of_word[words.fields[f]] if len(words.fields[f]) else np.zeros(0, dtype=np.int32)
        docs = np.repeat(np.arange(documents, dtype=np.int32), words.lengths[f])
        starts = np.repeat((np.cumsum(words.lengths[f]) - words.lengths[f]).astype(np.int32), words.lengths[f])
        at = np.arange(len(tids), dtype=np.int32) - starts  # positions count the common words too
        kept = tids >= 0
        phrase = f in phrase_fields
        fields.append((tids[kept], docs[kept], at[kept] if phrase else None,
                       bit_of_word[words.fields[f][kept]] if phrase else None))
    denominators = np.zeros((nfields, max(documents, 1)))
    for f, (_, docs, _, _) in enumerate(fields):
        lengths = np.bincount(docs, minlength=documents)
        average = (lengths.sum() / documents if documents else 0) or 1  # an empty field: no term needs it
        denominators[f, :documents] = K1 * (1 - B + B * (lengths / average))  # lunr's order of operations
    postings, positions, documents_with = [""] * len(terms), [""] * len(terms), [0] * len(terms)
    buckets = max(1, sum(len(t) for t, _, _, _ in fields) // BUCKET_ENTRIES)
    step = -(-len(terms) // buckets) if terms else 1
    for low in range(0, len(terms), step):
        chosen = [(t >= low) & (t < low + step) for t, _, _, _ in fields]
        keys = [(t[c].astype(np.int64) * nfields + f) * documents + d[c] for f, ((t, d, _, _), c) in enumerate(zip(fields, chosen))]
        unique, tf = np.unique(np.concatenate(keys), return_counts=True)
        for term, (text, n) in _postings(unique, tf, documents, denominators, boosts).items():
            postings[term], documents_with[term] = text, n
        entries = [(t[c], np.full(int(c.sum()), phrase_fields.index(f), dtype=np.int32), d[c], a[c], bits[c])
                   for f, ((t, d, a, bits), c) in enumerate(zip(fields, chosen)) if a is not None]
        for term, text in _positions(entries, phrase_fields).items():
            positions[term] = text
    table = sorted({f for fs in forms.values() for f in fs}, key=lambda f: (-form_total[f], js_order(f)))
    place = {form: i for i, form in enumerate(table)}
    for term, text in enumerate(positions):  # each term's forms first, as places in the table ("0": the bare term only)
        if text:
            held = forms.get(term, [""])
            positions[term] = ("0" if held == [""] else "".join(map(_varint, [len(held), *(place[f] for f in held)]))) + text
    return Postings(terms, postings, documents_with, positions, table)


def _forms(words: Words, tid_of_word: np.ndarray, form_of_word, phrase_fields) -> tuple[dict[int, list[str]], Counter, np.ndarray]:
    """Each term's surface forms in headlines and bodies, the most frequent first (then in
    JavaScript's order); how often each form occurs in the whole archive; and each word's bit:
    its form's place in its term's list, the last bit standing for every form past it. On
    arrays: one (term, form) pair per distinct pair, not a Counter per term."""
    vocabulary_size = len(words.vocabulary)
    occurrences = np.zeros(vocabulary_size, dtype=np.int64)
    for f in phrase_fields:
        occurrences += np.bincount(words.fields[f], minlength=vocabulary_size) if len(words.fields[f]) else 0
    bit_of_word = np.zeros(max(1, vocabulary_size), dtype=np.int32)
    held = np.flatnonzero((occurrences > 0) & (tid_of_word[:vocabulary_size] >= 0)) if vocabulary_size else np.zeros(0, dtype=np.int64)
    if not len(held):
        return {}, Counter(), bit_of_word
    form_names = js_sorted({form_of_word[w] for w in held.tolist()})  # a few dozen: "", "ال", "و", "وال"...
    form_rank = {form: i for i, form in enumerate(form_names)}
    word_form = np.array([form_rank[form_of_word[w]] for w in held.tolist()], dtype=np.int64)
    pairs, pair_of_word = np.unique(tid_of_word[held].astype(np.int64) * len(form_names) + word_form, return_inverse=True)
    pair_total = np.bincount(pair_of_word, weights=occurrences[held], minlength=len(pairs)).astype(np.int64)
    pair_term, pair_form = np.divmod(pairs, len(form_names))
    order = np.lexsort((pair_form, -pair_total, pair_term))  # by term, then the most frequent, then JavaScript's order
    starts = np.flatnonzero(np.concatenate(([True], pair_term[order][1:] != pair_term[order][:-1])))
    place = np.empty(len(pairs), dtype=np.int64)
    place[order] = np.arange(len(pairs)) - np.repeat(starts, np.diff(np.append(starts, len(pairs))))
    bit_of_word[held] = 1 << np.minimum(place[pair_of_word], FORM_BITS - 1)
    ranked: dict[int, list[str]] = {}
    for term, form in zip(pair_term[order].tolist(), pair_form[order].tolist()):
        ranked.setdefault(term, []).append(form_names[form])
    total = Counter({form_names[f]: int(n) for f, n in enumerate(np.bincount(pair_form, weights=pair_total, minlength=len(form_names)).tolist()) if n})
    return ranked, total, bit_of_word


def _postings(unique: np.ndarray, tf: np.ndarray, documents: int, denominators: np.ndarray, boosts) -> dict[int, tuple[str, int]]:
    nfields = len(boosts)
    tid, rest = (a.astype(np.int32) for a in np.divmod(unique, nfields * documents))
    field, doc = (a.astype(np.int32) for a in np.divmod(rest, documents))
    del rest
    present, first = np.unique(tid, return_index=True)
    with_term = np.diff(np.append(first, len(tid)))  # lunr counts a document once for each field holding the term
    idf_of = np.array([math.log(1 + abs((documents - n + 0.5) / (n + 0.5))) for n in with_term.tolist()])
    idf = np.repeat(idf_of, with_term)  # entries are sorted by term
    score = idf * ((K1 + 1) * tf) / (denominators[field, doc] + tf)  # lunr's order of operations
    score *= np.array(boosts, dtype=np.float64)[field]
    weights = _thousandths(score)
    del score
    # the numbers, in order: per (term, field) a header [field, documents], then [ref delta, weight] per document
    group = np.concatenate(([True], (tid[1:] != tid[:-1]) | (field[1:] != field[:-1]))) if len(tid) else np.zeros(0, bool)
    groups = int(group.sum())
    group_index = (np.cumsum(group) - 1).astype(np.int32)
    delta = doc.copy()
    delta[1:] -= doc[:-1]
    delta[group] = doc[group]  # the first of each (term, field) counts from 0
    entry_at = np.arange(0, len(tid) * 2, 2, dtype=np.int32) + (group_index + 1) * 2
    flat = np.zeros(len(tid) * 2 + groups * 2, dtype=np.int32)
    flat[entry_at], flat[entry_at + 1] = delta, weights
    del delta, weights
    group_at = entry_at[group] - 2
    del entry_at
    flat[group_at] = field[group]
    flat[group_at + 1] = np.bincount(group_index, minlength=groups)
    group_tids = tid[group]
    del tid, field, doc, group, group_index
    term_starts = group_at[np.concatenate(([True], group_tids[1:] != group_tids[:-1]))] if len(group_tids) else group_at
    texts = _split(flat, term_starts, group_tids)
    return {term: (texts[term], n) for term, n in zip(present.tolist(), with_term.tolist())}


def _thousandths(score: np.ndarray) -> np.ndarray:
    """round(round(score, 3) * 1000), as lunr.py's Builder rounds: numpy where it cannot differ
    from Python's round, Python's own round near a tie."""
    scaled = score * WEIGHT_SCALE
    weights = np.rint(scaled).astype(np.int64)
    near = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6
    for i in np.flatnonzero(near).tolist():
        weights[i] = round(round(float(score[i]), 3) * WEIGHT_SCALE)
    return weights


def _positions(entries, phrase_fields: tuple[int, ...]) -> dict[int, str]:
    """[field, documents, then for each document: count * 2 + flag, its positions, and, when
    the flag is 1, the bits of the term's forms it holds] for each phrase field holding the
    term. The flag is 0 when the document holds the term's first form only (most do). The
    documents are those of the term's postings for that field, in the same order, so their
    numbers are not written twice."""
    if not entries:
        return {}
    tid, fi, doc, at, bit = (np.concatenate(parts) for parts in zip(*entries))
    entries.clear()
    if not len(tid):
        return {}
    # each field's entries are already in (document, position) order: a stable sort by (term, field) does the rest
    order = np.argsort(tid * 2 + fi, kind="stable")
    tid, fi, doc, at, bit = tid[order], fi[order], doc[order], at[order], bit[order]
    del order
    new_field = np.concatenate(([True], (tid[1:] != tid[:-1]) | (fi[1:] != fi[:-1])))
    new_doc = new_field | np.concatenate(([False], doc[1:] != doc[:-1]))
    doc_first = np.flatnonzero(new_doc)
    many = np.diff(np.append(doc_first, len(tid)))
    forms = np.bitwise_or.reduceat(bit, doc_first)
    flag = (forms != 1).astype(np.int64)
    field_of_doc = np.cumsum(new_field)[new_doc] - 1
    sizes = 1 + many + flag  # count, positions, forms
    doc_at = np.cumsum(sizes) - sizes + (field_of_doc + 1) * 2
    flat = np.zeros(int(sizes.sum()) + int(new_field.sum()) * 2, dtype=np.int64)
    flat[doc_at] = many * 2 + flag
    doc_index = np.cumsum(new_doc) - 1
    flat[doc_at[doc_index] + 1 + (np.arange(len(tid)) - doc_first[doc_index])] = at
    flat[(doc_at + 1 + many)[flag == 1]] = forms[flag == 1]
    doc_of_field_start = new_field[new_doc]
    field_at = doc_at[doc_of_field_start] - 2
    flat[field_at] = np.array(phrase_fields)[fi[new_field]]
    flat[field_at + 1] = np.bincount(np.cumsum(doc_of_field_start) - 1, minlength=len(field_at))
    field_tid = tid[new_field]
    term_starts = field_at[np.concatenate(([True], field_tid[1:] != field_tid[:-1]))]
    return _split(flat, term_starts, field_tid)


def _split(flat: np.ndarray, term_starts: np.ndarray, group_tids: np.ndarray) -> dict[int, str]:
    """The varint text of `flat`, cut where each term's numbers start: term id -> its text."""
    size = len(flat)
    text, offsets = varints_with_offsets(flat)
    del flat
    bounds = offsets[np.append(term_starts, size)].tolist()
    present = np.unique(group_tids).tolist()
    return {term: text[bounds[i] : bounds[i + 1]] for i, term in enumerate(present)}


def varints_with_offsets(numbers: np.ndarray) -> tuple[str, np.ndarray]:
    """All the numbers as one varint text, and where each number starts in it (plus the end)."""
    numbers = np.asarray(numbers)
    if not len(numbers):
        return "", np.zeros(1, dtype=np.int64)
    widest = max(1, -(-int(numbers.max()).bit_length() // 5))
    digits = np.ones(len(numbers), dtype=np.int8)
    for place in range(1, widest):
        digits += numbers >= (1 << (5 * place))
    # one row a number, one column a digit place, highest first; the unused high places are dropped
    chars = np.empty((len(numbers), widest), dtype=np.uint8)
    for column in range(widest):
        values = (numbers >> (5 * (widest - 1 - column))) & 31
        chars[:, column] = (_TERMINAL if column == widest - 1 else _CONTINUE)[values]
    used = np.arange(widest, dtype=np.int8)[None, :] >= (widest - digits)[:, None]
    offsets = np.zeros(len(numbers) + 1, dtype=np.int64)
    np.cumsum(digits, out=offsets[1:])
    return chars[used].tobytes().decode("ascii"), offsets


def _varint(number: int) -> str:
    """One number's varint, for the few numbers written one at a time."""
    text = TERMINAL[number & 31]
    number >>= 5
    while number:
        text = CONTINUE[number & 31] + text
        number >>= 5
    return text


def varints(numbers) -> str:
    return varints_with_offsets(np.asarray(list(numbers), dtype=np.int64))[0]
