#!/usr/bin/env python3
"""Trains both model families (VAE and GAN) on the same data with the same
budget and prints one comparison table, as README.md reports it.

  python3 build-aux/compare-models.py --cli _build/app/copyist-cli \
      --shared ../shared/data [--e2e-minutes 30] [--shop-minutes 10] [--folds 5] [--threads N]
      [--families vae,gan] [--datasets e2e,shop]

E2E: train on trainset.csv, score devset.csv (corpus BLEU as e2e_bleu.py).
Shop: 5-fold cross-validation of advertisegen/shop.json (train on 4/5,
score the rest; character sentence BLEU-4 x100 with NLTK smoothing 3, the
ChatGLM convention). Columns: BLEU, ROUGE-L, slot error rate, distinct-2,
self-BLEU of 5 sampled variants, training time, model size.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time


def run(cmd, log=None):
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True)
    if log is not None:
        with open(log, "a") as f:
            f.write("$ " + " ".join(cmd) + "\n" + p.stdout + p.stderr + "\n")
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr}")
    return p.stdout, time.monotonic() - t0


def parse_eval(out):
    def num(label):
        m = re.search(r"^" + re.escape(label) + r"\s+([0-9.]+)", out, re.M)
        return float(m.group(1)) if m else float("nan")
    m = re.search(r"^slot error rate\s+[0-9.]+ \((\d+) values, (\d+) missing, (\d+) invented\)", out, re.M)
    values, missing, invented = (int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else (0, 0, 0)
    return {
        "missing": missing / values if values else float("nan"),
        "invented": invented / values if values else float("nan"),
        "bleu": num("BLEU-4 (corpus)"),
        "char_bleu": num("char BLEU-4 x100"),
        "rouge": num("ROUGE-L"),
        "ser": num("slot error rate"),
        "d2": num("distinct-2"),
        "d4": num("distinct-4"),
        "self_bleu": num("self-BLEU-4 (5 var)"),
    }


def train_eval(cli, family, train, test, attrs, text, minutes, model, log, threads=0, also=()):
    """Trains once; returns the scores with the default decoding and, for
    each entry of ALSO (a string of extra eval options), with those."""
    th = ["--threads", str(threads)] if threads > 0 else []
    _, secs = run([cli, "train", "--data", train, "--attributes", attrs, "--text", text,
                   "--model", family, "--out", model, "--minutes", str(minutes), "--quiet", *th], log)
    results = []
    for extra in ("", *also):
        out, _ = run([cli, "eval", "--model", model, "--data", test, "--attributes", attrs, "--text", text,
                      "--self-bleu-variants", "5", *th, *extra.split()], log)
        r = parse_eval(out)
        r["train_s"] = secs
        r["size_mb"] = os.path.getsize(model) / 1e6
        results.append(r)
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--shared", required=True, help="the shared data folder (../shared/data)")
    ap.add_argument("--e2e-minutes", type=float, default=30)
    ap.add_argument("--shop-minutes", type=float, default=10)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--families", default="vae,gan")
    ap.add_argument("--datasets", default="e2e,shop")
    ap.add_argument("--log", default="compare-models.log")
    ap.add_argument("--threads", type=int, default=0, help="BLAS threads per run (default: all cores)")
    ap.add_argument("--also", action="append", default=[],
                    help="also score each model with these eval options (e.g. \"--fallback-samples 16\"); repeatable")
    args = ap.parse_args()
    families = args.families.split(",")
    rows = []
    work = tempfile.mkdtemp(prefix="copyist-compare-")

    if "e2e" in args.datasets:
        e2e = os.path.join(args.shared, "e2e")
        for fam in families:
            rs = train_eval(args.cli, fam, os.path.join(e2e, "trainset.csv"), os.path.join(e2e, "devset.csv"),
                            "mr", "ref", args.e2e_minutes, os.path.join(work, f"e2e-{fam}.cpmodel"), args.log,
                            args.threads, args.also)
            for extra, r in zip(("", *args.also), rs):
                rows.append(("E2E dev", fam + (" " + extra if extra else ""), r))
                print(json.dumps({"dataset": "e2e", "family": fam, "also": extra, **r}), flush=True)

    if "shop" in args.datasets:
        with open(os.path.join(args.shared, "advertisegen", "shop.json"), encoding="utf-8") as f:
            lines = [l for l in f if l.strip()]
        for fam in families:
            acc = [[] for _ in ("", *args.also)]
            for k in range(args.folds):
                tr = os.path.join(work, f"shop-train-{k}.jsonl")
                te = os.path.join(work, f"shop-test-{k}.jsonl")
                with open(tr, "w", encoding="utf-8") as a, open(te, "w", encoding="utf-8") as b:
                    for i, l in enumerate(lines):
                        (b if i % args.folds == k else a).write(l)
                rs = train_eval(args.cli, fam, tr, te, "content", "summary", args.shop_minutes,
                                os.path.join(work, f"shop-{fam}-{k}.cpmodel"), args.log, args.threads, args.also)
                for j, (extra, r) in enumerate(zip(("", *args.also), rs)):
                    acc[j].append(r)
                    print(json.dumps({"dataset": "shop", "family": fam, "also": extra, "fold": k, **r}), flush=True)
            for extra, a in zip(("", *args.also), acc):
                r = {key: sum(x[key] for x in a) / len(a) for key in a[0]}
                rows.append((f"shop.json {args.folds}-fold", fam + (" " + extra if extra else ""), r))
                print(json.dumps({"dataset": "shop", "family": fam, "also": extra, **r}), flush=True)

    print()
    print("| data | model | BLEU | char BLEU x100 | ROUGE-L | slot errors (missing + invented) | invented | "
          "distinct-2 | distinct-4 | self-BLEU (5 var) | training | size |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for data, fam, r in rows:
        print(f"| {data} | {fam.upper() if ' ' not in fam else fam.split(' ', 1)[0].upper() + ' ' + fam.split(' ', 1)[1]} | {r['bleu']:.4f} | {r['char_bleu']:.2f} | {r['rouge']:.4f} | "
              f"{100 * r['ser']:.2f} % | {100 * r['invented']:.2f} % | {r['d2']:.4f} | {r['d4']:.4f} | "
              f"{r['self_bleu']:.4f} | {r['train_s'] / 60:.1f} min | {r['size_mb']:.1f} MB |")


if __name__ == "__main__":
    main()
