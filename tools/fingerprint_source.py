"""Fingerprint a source report so tests can prove no sentence of it was copied.

    python tools/fingerprint_source.py REPORT.txt > tests/fixtures/fingerprints/<report-id>.txt

Writes one 8-byte BLAKE2b hash per 20-character window of every run of Chinese text
(and punctuation, ASCII folded to full-width) in the report: enough to recognise a copied run, useless for
reading the report back. Section headings may be quoted, so lines that are headings
(a section number followed by the heading) are left out.
"""

from __future__ import annotations

import hashlib
import re
import sys

WINDOW = 20
CJK_RUN = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f，。、；：“”（）]{%d,}" % WINDOW)
HEADING = re.compile(r"^([0-9]+(\.[0-9]+)*|[一二三四五六七八九十]+、)\S{0,40}$")


# the source mixes ASCII and full-width punctuation; fold both so a copied run is caught
# whichever the copy uses
FOLD = str.maketrans({",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！", "?": "？"})


def digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def windows(text: str):
    """Every 20-character window of every long enough CJK run in ``text``."""
    for run in CJK_RUN.findall(text.translate(FOLD)):
        for i in range(len(run) - WINDOW + 1):
            yield run[i:i + WINDOW]


def fingerprints(source: str) -> set[str]:
    body = "\n".join(line for line in source.splitlines() if not HEADING.match(line.strip()))
    return {digest(w) for w in windows(body)}


if __name__ == "__main__":
    text = open(sys.argv[1], encoding="utf-8").read()
    print(f"# {WINDOW}-character windows of the source report, BLAKE2b-64; see tools/fingerprint_source.py")
    print("\n".join(sorted(fingerprints(text))))
