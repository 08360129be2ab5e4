"""Prints two runs' figures in one table: python3 bench/side_by_side.py
BEFORE.json NOW.json. Each file is what a bench script wrote to
$BENCH_SUMMARY: a list of [figure, value] pairs in the order to show."""
import json, sys

def summary(path, pairs):
    """Writes `pairs` to `path` (the bench scripts call this when
    BENCH_SUMMARY is set)."""
    with open(path, "w") as f:
        json.dump([[name, value] for name, value in pairs], f)

if __name__ == "__main__":
    before, now = (json.load(open(p)) for p in sys.argv[1:3])
    was = dict((name, value) for name, value in before)
    print("\n| figure | before | now |")
    print("| --- | ---: | ---: |")
    for name, value in now:
        print(f"| {name} | {was.get(name, '')} | {value} |")
