"""The nisba precision figure in the README: how often a `nisba` alias (السعودية) read as the
name is the name, in 50 corpus articles drawn at random.

    .venv/bin/python scripts/nisba_sample.py contexts DIR   # the sample's contexts, to label blind
    .venv/bin/python scripts/nisba_sample.py score [LABELS]  # arshif's readings against the labels

The sample is drawn with a fixed seed from the corpus's articles that hold the word. The
contexts (corpus text: they stay out of the repository, as its licence asks) are labelled
NAME or ADJ by a reader who does not see arshif's readings; the labels alone are kept in
bench/nisba-labels.json.
"""

from __future__ import annotations

import csv
import json
import random
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from arshif.errors import Problems  # noqa: E402  (after the path above: run from a checkout)
from arshif.load import load_archive  # noqa: E402
from arshif.model import HEADLINE  # noqa: E402
from arshif.pipeline import enrich  # noqa: E402
from arshif.text import normalise  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus"
SEED, SIZE, ENTITY, WORD = 20261202, 50, "saudi-arabia", "السعودية"
LABELS = REPO / "bench" / "nisba-labels.json"


def occurrences() -> list[dict]:
    """Every occurrence of the one-word alias in the sample, in a stable order, with arshif's reading."""
    rows = list(csv.DictReader(open(CORPUS / "metadata.csv", encoding="utf-8")))
    holding = [r for r in rows if WORD in (CORPUS / "articles" / r["file"]).read_text(encoding="utf-8")]
    chosen = random.Random(SEED).sample(holding, SIZE)
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        (root / "seeds").mkdir()
        (root / "content").mkdir()
        for row in chosen:
            shutil.copy(CORPUS / "articles" / row["file"], root / "seeds" / row["file"])
        with open(root / "content" / "metadata.csv", "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(chosen)
        shutil.copy(REPO / "content" / "entities.toml", root / "content" / "entities.toml")
        archive = enrich(load_archive(root, Problems()), Problems())
    found = []
    for article in archive.articles:
        for m in article.mentions:
            text = article.title if m.block == HEADLINE else article.paragraphs[m.block].text
            written = text[m.start : m.end]
            if m.entity == ENTITY and len(written.split()) == 1 and normalise(written).endswith(normalise(WORD)):
                found.append({"n": len(found), "adjective": m.adjective, "linked": m.linked,
                              "context": text[max(0, m.start - 80) : m.start] + "⟦" + written + "⟧" + text[m.end : m.end + 80]})
    return found


def score(labels: dict[str, str]) -> str:
    found = occurrences()
    assert len(labels) == len(found), f"{len(labels)} labels for {len(found)} occurrences: the sample is not the one labelled"
    is_name = [labels[str(o["n"])] == "NAME" for o in found]
    as_name = [right for o, right in zip(found, is_name) if not o["adjective"]]
    linked = [right for o, right in zip(found, is_name) if o["linked"]]
    return (f"{len(found)} occurrences in {SIZE} articles, {sum(is_name)} the name; read as the name {len(as_name)}, "
            f"right {sum(as_name)} (precision {sum(as_name) / len(as_name):.2f}, recall {sum(as_name) / sum(is_name):.2f}); "
            f"links {len(linked)}, right {sum(linked)} ({sum(linked) / len(linked):.2f}); every occurrence as the name: "
            f"{sum(is_name) / len(found):.2f}")


def main() -> int:
    if len(sys.argv) >= 3 and sys.argv[1] == "contexts":
        out = Path(sys.argv[2])
        out.mkdir(parents=True, exist_ok=True)
        blind = [{"n": o["n"], "context": o["context"]} for o in occurrences()]
        (out / "blind.json").write_text(json.dumps(blind, ensure_ascii=False, indent=1), encoding="utf-8")
        print(out / "blind.json")
        return 0
    if len(sys.argv) >= 2 and sys.argv[1] == "score":
        labels = Path(sys.argv[2]) if len(sys.argv) > 2 else LABELS
        print(score(json.loads(labels.read_text(encoding="utf-8"))))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
