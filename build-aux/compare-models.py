#!/usr/bin/env python3
"""Trains both model families (VAE and GAN) on the same data with the same
budget and prints one comparison table, as README.md reports it.

  python3 build-aux/compare-models.py --cli _build/app/copyist-cli \
      --shared ../shared/data [--e2e-minutes 30] [--shop-minutes 10] [--folds 5] [--threads N]
      [--families vae,gan] [--datasets e2e,shop] [--shop-epochs N] [--only-folds 0,1]
      [--train-opts vae="--shuffle-copies 2"] [--train-opts gan="--gan-gen-share 0.5"]

E2E: train on trainset.csv, score devset.csv (corpus BLEU as e2e_bleu.py).
Shop: 5-fold cross-validation of advertisegen/shop.json (train on 4/5,
score the rest; character sentence BLEU-4 x100 with NLTK smoothing 3, the
ChatGLM convention). Columns: BLEU, ROUGE-L, slot error rate (E2E:
missing + wrong + added values over the row's values), the ad copy
reading (wrong or invented values only: the shop target) with the values
left out beside it, distinct-2/4, self-BLEU of 5 sampled variants,
training time (wall and CPU), model size.
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
    m = re.search(r"^invented rate\s+[0-9.]+ \(.*; ([0-9.]+) of texts", out, re.M)
    texts_invented = float(m.group(1)) if m else float("nan")
    return {
        "texts_invented": texts_invented,
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


def train_eval(cli, family, train, test, attrs, text, minutes, model, log, threads=0, also=(),
               epochs=0, train_opts=""):
    """Trains once; returns the scores with the default decoding and, for
    each entry of ALSO (a string of extra eval options), with those.
    EPOCHS > 0 trains that many epochs instead of for MINUTES (a budget
    that a loaded machine does not distort)."""
    th = ["--threads", str(threads)] if threads > 0 else []
    budget = ["--epochs", str(epochs)] if epochs > 0 else ["--minutes", str(minutes)]
    cpu0 = os.times()
    _, secs = run([cli, "train", "--data", train, "--attributes", attrs, "--text", text,
                   "--model", family, "--out", model, *budget, "--quiet", *th, *train_opts.split()], log)
    cpu1 = os.times()
    cpu = (cpu1.children_user - cpu0.children_user) + (cpu1.children_system - cpu0.children_system)
    results = []
    for extra in ("", *also):
        out, _ = run([cli, "eval", "--model", model, "--data", test, "--attributes", attrs, "--text", text,
                      "--self-bleu-variants", "5", *th, *extra.split()], log)
        r = parse_eval(out)
        r["train_s"] = secs
        r["train_cpu_s"] = cpu
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
    ap.add_argument("--shop-epochs", type=int, default=0,
                    help="train the shop folds this many epochs instead of --shop-minutes")
    ap.add_argument("--only-folds", default="", help="run only these folds (e.g. 0,1); the mean is over them")
    ap.add_argument("--train-opts", action="append", default=[],
                    help="FAMILY=\"options\": extra train options for one family; repeatable")
    ap.add_argument("--also", action="append", default=[],
                    help="also score each model with these eval options (e.g. \"--fallback-samples 16\"); repeatable")
    args = ap.parse_args()
    families = args.families.split(",")
    topts = {}
    for t in args.train_opts:
        fam, _, opts = t.partition("=")
        topts[fam] = opts
    folds = [int(k) for k in args.only_folds.split(",")] if args.only_folds else list(range(args.folds))
    rows = []
    work = tempfile.mkdtemp(prefix="copyist-compare-")

    if "e2e" in args.datasets:
        e2e = os.path.join(args.shared, "e2e")
        for fam in families:
            rs = train_eval(args.cli, fam, os.path.join(e2e, "trainset.csv"), os.path.join(e2e, "devset.csv"),
                            "mr", "ref", args.e2e_minutes, os.path.join(work, f"e2e-{fam}.cpmodel"), args.log,
                            args.threads, args.also, train_opts=topts.get(fam, ""))
            for extra, r in zip(("", *args.also), rs):
                rows.append(("E2E dev", fam + (" " + extra if extra else ""), r))
                print(json.dumps({"dataset": "e2e", "family": fam, "also": extra, **r}), flush=True)

    if "shop" in args.datasets:
        with open(os.path.join(args.shared, "advertisegen", "shop.json"), encoding="utf-8") as f:
            lines = [l for l in f if l.strip()]
        for fam in families:
            acc = [[] for _ in ("", *args.also)]
            for k in folds:
                tr = os.path.join(work, f"shop-train-{k}.jsonl")
                te = os.path.join(work, f"shop-test-{k}.jsonl")
                with open(tr, "w", encoding="utf-8") as a, open(te, "w", encoding="utf-8") as b:
                    for i, l in enumerate(lines):
                        (b if i % args.folds == k else a).write(l)
                rs = train_eval(args.cli, fam, tr, te, "content", "summary", args.shop_minutes,
                                os.path.join(work, f"shop-{fam}-{k}.cpmodel"), args.log, args.threads, args.also,
                                args.shop_epochs, topts.get(fam, ""))
                for j, (extra, r) in enumerate(zip(("", *args.also), rs)):
                    acc[j].append(r)
                    print(json.dumps({"dataset": "shop", "family": fam, "also": extra, "fold": k, **r}), flush=True)
            for extra, a in zip(("", *args.also), acc):
                r = {key: sum(x[key] for x in a) / len(a) for key in a[0]}
                rows.append((f"shop.json {args.folds}-fold" + (f" (folds {args.only_folds})" if args.only_folds else ""),
                             fam + (" " + extra if extra else ""), r))
                print(json.dumps({"dataset": "shop", "family": fam, "also": extra, **r}), flush=True)

    print()
    print("| data | model | BLEU | char BLEU x100 | ROUGE-L | slot errors (missing + wrong + added) | "
          "wrong or invented (ad copy) | texts with one | missing | distinct-2 | distinct-4 | self-BLEU (5 var) | "
          "training (wall / CPU) | size |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for data, fam, r in rows:
        name = fam.upper() if " " not in fam else fam.split(" ", 1)[0].upper() + " " + fam.split(" ", 1)[1]
        print(f"| {data} | {name} | {r['bleu']:.4f} | {r['char_bleu']:.2f} | {r['rouge']:.4f} | "
              f"{100 * r['ser']:.2f} % | {100 * r['invented']:.2f} % | {100 * r['texts_invented']:.1f} % | "
              f"{100 * r['missing']:.2f} % | {r['d2']:.4f} | {r['d4']:.4f} | "
              f"{r['self_bleu']:.4f} | {r['train_s'] / 60:.1f} / {r['train_cpu_s'] / 60:.1f} min | {r['size_mb']:.1f} MB |")

if __name__ == "__main__":
    main()
