"""The long fuzz run of issue #9 (the normal test run does a few hundred examples).

    .venv/bin/python bench/fuzz_long.py --examples 20000 [--seed 1] [--jobs 4]
                                        [--kind text|structure|both] [--formats html,docx,pdf]

Runs the mutations and checks of tests/test_fuzz.py (text and structure mutations of the
seeded data files; the library validate and `reportgen validate --all` must not crash nor
disagree; data that validates without findings must render) with Hypothesis, randomly seeded
(the seed is printed, `--seed` repeats a run), in `--jobs` processes with seeds seed, seed+1, …
On a failure Hypothesis shrinks it to a small example; the mutated file is saved (its path
is printed) and the exit code is 1. Prints examples per second, how many validated and
rendered, and the finding codes seen.
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import sys
import tempfile
import time
import traceback
import warnings
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def run(kind: str, examples: int, seed: int, formats: tuple[str, ...], keep: Path,
        report_every: int) -> dict:
    """One process: `examples` examples of one kind; returns counts (and the failure)."""
    warnings.simplefilter("ignore")  # matplotlib's "glyph missing" for random Unicode labels
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as hypothesis_seed

    import test_fuzz as tf

    stats: Counter = Counter()
    codes: Counter = Counter()
    last: dict = {}
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="reportgen-fuzz-") as tmp:
        tree = tf.FuzzTree(Path(tmp))

        def one(name: str, content: bytes) -> None:
            last.update(name=name, content=content)
            outcome = tf.check_example(tree, name, content, formats)
            stats["examples"] += 1
            stats["with errors"] += outcome.errors > 0
            stats["clean, rendered"] += outcome.rendered > 0
            codes.update(outcome.codes)
            if report_every and stats["examples"] % report_every == 0:
                rate = stats["examples"] / (time.monotonic() - started)
                print(f"  [{kind} seed {seed}] {stats['examples']} examples, {rate:.1f}/s",
                      flush=True)

        strategy = tf.text_cases() if kind == "text" else tf.structure_cases()

        @hypothesis_seed(seed)
        @settings(max_examples=examples, deadline=None, database=None, derandomize=False,
                  print_blob=True, suppress_health_check=list(HealthCheck))
        @given(case=strategy)
        def fuzz(case):
            name, ops = case
            if kind == "text":
                one(name, tf.apply_text(tree.original[name], ops))
            else:
                one(name, tf.structure_content(tree, name, ops))

        failure = None
        try:
            fuzz()
        except BaseException as exc:  # noqa: BLE001 - report whatever escaped, then stop
            if isinstance(exc, KeyboardInterrupt):
                raise
            failure = "".join(traceback.format_exception(exc))
            if last:
                keep.mkdir(parents=True, exist_ok=True)
                saved = keep / f"{kind}-seed{seed}-{last['name'].replace('/', '-')}"
                saved.write_bytes(last["content"])
                failure += (f"\nthe mutated file (the last example run, Hypothesis' shrunk one): "
                            f"{saved}\nit replaces data/{last['name']}\n")
    return {"kind": kind, "seed": seed, "stats": stats, "codes": codes, "failure": failure,
            "seconds": time.monotonic() - started}


def _run(args):
    return run(*args)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=20000, help="examples in all")
    parser.add_argument("--seed", type=int, default=None, help="repeat a run (printed)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--kind", choices=["text", "structure", "both"], default="both")
    parser.add_argument("--formats", default="html",
                        help="writers run on data that validates (html,docx,pdf)")
    parser.add_argument("--keep", type=Path, default=Path(tempfile.gettempdir()) / "reportgen-fuzz",
                        help="folder for the file of a failing example")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**31)
    kinds = ["text", "structure"] if args.kind == "both" else [args.kind]
    formats = tuple(f for f in args.formats.split(",") if f)
    jobs = max(1, args.jobs)
    # one task per (kind, job): seeds seed, seed+1, … so every process explores other examples
    tasks = []
    per_task = max(1, args.examples // (len(kinds) * jobs))
    for i in range(jobs):
        for kind in kinds:
            tasks.append((kind, per_task, seed + i, formats, args.keep, 500))
    print(f"fuzz: {per_task * len(tasks)} examples ({', '.join(kinds)}), seed {seed}, "
          f"{jobs} processes, render {','.join(formats) or 'nothing'}", flush=True)
    started = time.monotonic()
    if jobs == 1:
        results = [run(*t) for t in tasks]
    else:
        with mp.get_context("spawn").Pool(jobs) as pool:
            results = pool.map(_run, tasks, chunksize=1)
    elapsed = time.monotonic() - started

    total: Counter = Counter()
    codes: Counter = Counter()
    for r in results:
        total.update(r["stats"])
        codes.update(r["codes"])
    n = total["examples"]
    print(f"\n{n} examples in {elapsed:.0f} s ({n / elapsed:.1f}/s)")
    print(f"  with errors:      {total['with errors']}")
    print(f"  clean, rendered:  {total['clean, rendered']}")
    print("  codes seen:       " + ", ".join(f"{c} {k}" for c, k in sorted(codes.items())))
    failures = [r for r in results if r["failure"]]
    for r in failures:
        print(f"\nFAILURE ({r['kind']}, seed {r['seed']}; repeat with --seed {r['seed']} "
              f"--jobs 1 --kind {r['kind']}):\n{r['failure']}")
    print("\nno crash" if not failures else f"\n{len(failures)} failing run(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
