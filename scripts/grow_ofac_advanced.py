"""Benchmark input only (docs/benchmarks.md, issue 12). Builds a large OFAC Advanced XML from the real cons_advanced file by
repeating its DistinctParty records with renumbered ids (memory benchmark only)."""
import re, sys
src, dst, copies = sys.argv[1], sys.argv[2], int(sys.argv[3])
text = open(src, encoding="utf-8").read()
start = text.index("<DistinctParties>") + len("<DistinctParties>")
end = text.index("</DistinctParties>")
parties = text[start:end]
out = [text[:end]]
for k in range(1, copies):
    copy = re.sub(r'(FixedRef|Profile ID|Identity ID|DocumentedName ID)="(\d+)"',
                  lambda m: f'{m.group(1)}="{k}{m.group(2)}"', parties)
    out.append(copy)
out.append(text[end:])
open(dst, "w", encoding="utf-8").write("".join(out))
