#!/usr/bin/python3
"""Executes notebooks top to bottom with the modmask kernel (through nbclient) and fails on any error output.

Usage: run_notebook.py [--preset smoke|quick|paper] [--inplace] [--html DIR] [--timeout S] NOTEBOOK...
The preset reaches the notebook as the environment variable MODMASK_PRESET.
"""
import argparse
import os
import sys
import time

import nbformat
from nbclient import NotebookClient


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("notebooks", nargs="+")
    ap.add_argument("--preset", default="smoke")
    ap.add_argument("--inplace", action="store_true", help="write the executed notebook back")
    ap.add_argument("--html", help="also export HTML into this directory")
    ap.add_argument("--timeout", type=int, help="seconds per cell (default: 30 min in smoke, 4 h in quick, none in paper)")
    args = ap.parse_args()
    if args.timeout is None:      # a quick preset's training cell can outlast 30 minutes (09-scan-lstm's masks: ~35)
        args.timeout = {"smoke": 1800, "quick": 4 * 3600}.get(args.preset, -1)
    os.environ["MODMASK_PRESET"] = args.preset
    failed = 0
    for n, path in enumerate(args.notebooks, 1):
        # one line before and one after each notebook, so that a long run shows where it is
        print(f"[{n}/{len(args.notebooks)}] {os.path.basename(path)}: running ({args.preset} preset) ...", flush=True)
        nb = nbformat.read(path, as_version=4)
        t0 = time.time()
        client = NotebookClient(nb, kernel_name="modmask", timeout=args.timeout, allow_errors=True,
                                resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}})
        client.execute()
        errors = [(i, o) for i, c in enumerate(nb.cells) if c.cell_type == "code"
                  for o in c.get("outputs", []) if o.get("output_type") == "error"]
        dt = time.time() - t0
        for i, o in errors:
            print(f"{path}: cell {i}: {o.get('ename')}: {o.get('evalue')}", file=sys.stderr)
            for line in o.get("traceback", [])[:15]:
                print("    " + line, file=sys.stderr)
        print(f"{path}: {'FAILED' if errors else 'ok'} in {dt:.1f} s ({args.preset} preset)", flush=True)
        failed += bool(errors)
        if args.inplace:
            nbformat.write(nb, path)
        if args.html:
            from nbconvert import HTMLExporter
            os.makedirs(args.html, exist_ok=True)
            body, _ = HTMLExporter().from_notebook_node(nb)
            out = os.path.join(args.html, os.path.splitext(os.path.basename(path))[0] + ".html")
            with open(out, "w", encoding="utf-8") as f:
                f.write(body)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
