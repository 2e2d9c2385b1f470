"""Which documents a release holds, in which split, and which of them keep their text back.

Standard library only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from ..corpus import Corpus
from ..errors import IntegrityError, NewsspansError
from ..model import AnnotationSet, Document

# The project calls the whole corpus "all", but `datasets` reserves that split name for the union of
# all splits; a release without splits.json has one split named "unsplit" (neither train nor test).
ALL_SPLIT = "unsplit"


def is_redistributable(doc: Document) -> bool:
    """True only when the document's metadata says `license.redistributable: true`."""
    license_ = doc.metadata.get("license")
    return isinstance(license_, Mapping) and license_.get("redistributable") is True


@dataclass(frozen=True, slots=True)
class Release:
    """The released part of a corpus.

    `corpus` holds only the released documents (those with gold) and its splits only their ids,
    so `newsspans.stats.corpus_stats(release.corpus)` gives the figures of the release.
    """

    source: Corpus
    corpus: Corpus
    splits: dict[str, tuple[str, ...]]  # non-empty splits in order; {ALL_SPLIT: ...} without splits.json
    withheld: tuple[str, ...]  # released as standoff annotations: text not redistributable
    unsplit: tuple[str, ...]  # annotated but in no split of splits.json: not released
    empty_splits: tuple[str, ...]  # splits of splits.json without any annotated document: omitted

    def is_withheld(self, doc_id: str) -> bool:
        return doc_id in self.withheld


def check_gold(doc: Document, gold: AnnotationSet) -> None:
    """The gold of `doc` indexes its text: same hash, every span's text equals its slice, relations resolve.

    Raises:
        IntegrityError: naming the document and the first problem.
    """
    if gold.text_sha256 is not None and gold.text_sha256 != doc.sha256:
        raise IntegrityError(f"{doc.id}: gold text_sha256 {gold.text_sha256[:12]}... differs from the document's {doc.sha256[:12]}...")
    ids = set()
    for span in gold.spans:
        if span.start is None or span.end is None or span.end > len(doc.text) or doc.text[span.start:span.end] != span.text:
            raise IntegrityError(f"{doc.id}: span {span.id} [{span.start}, {span.end}) does not index its text {span.text!r}")
        ids.add(span.id)
    for rel in gold.relations:
        if rel.head not in ids or rel.tail not in ids:
            raise IntegrityError(f"{doc.id}: relation {rel.id} links a span id that does not exist ({rel.head} -> {rel.tail})")


def select_release(corpus: Corpus) -> Release:
    """The documents with gold, by split (train/dev/test from splits.json, else one ALL_SPLIT split).

    Raises:
        IntegrityError: gold for an unknown document, or gold that does not index its text.
        NewsspansError: nothing to release (no document has gold, or none is in a split).
    """
    unknown = sorted(set(corpus.gold) - set(corpus.documents))
    if unknown:
        raise IntegrityError(f"gold for documents not in corpus/: {', '.join(unknown[:5])}")
    for doc_id in sorted(corpus.gold):
        check_gold(corpus.documents[doc_id], corpus.gold[doc_id])
    annotated = set(corpus.gold)
    if corpus.splits:
        by_split = {name: tuple(sorted(set(ids) & annotated)) for name, ids in corpus.splits.items()}
        in_splits = set().union(*map(set, by_split.values()))
    else:
        by_split = {ALL_SPLIT: tuple(sorted(annotated))}
        in_splits = annotated
    splits = {name: ids for name, ids in by_split.items() if ids}
    if not splits:
        raise NewsspansError("nothing to release: no document with gold annotations" + (" is in a split" if annotated else ""))
    docs = {d: corpus.documents[d] for d in sorted(in_splits)}
    released = replace(corpus, documents=docs, gold={d: corpus.gold[d] for d in docs}, splits=by_split if corpus.splits else {})
    return Release(
        source=corpus,
        corpus=released,
        splits=splits,
        withheld=tuple(d for d in docs if not is_redistributable(docs[d])),
        unsplit=tuple(sorted(annotated - in_splits)),
        empty_splits=tuple(name for name, ids in by_split.items() if not ids),
    )

