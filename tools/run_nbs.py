"""Execute notebooks and save their outputs, honouring nbdev's `tst_flags` like `nbdev_test` does.

    python tools/run_nbs.py nbs/00_core.ipynb [more.ipynb ...] [--flags "slow"]

Cells flagged with a skipped flag (or `#| eval: false`, or calling the export) keep the outputs they had.
Stops at the first error and leaves the notebook untouched."""
import argparse, configparser, os, re, sys, time
from pathlib import Path
from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell
from fastcore.xtras import working_directory

ROOT = Path(__file__).resolve().parents[1]

def directives(src):
    "Names of the `#|` directives at the top of a cell, with their arguments."
    out = {}
    for line in src.splitlines():
        m = re.match(r'\s*#\s*\|\s*([\w-]+:?)\s*(.*)', line)
        if not m:
            if line.strip(): break
            continue
        out[m.group(1)] = m.group(2).split()
    return out

def run(path, flags):
    nb = read_nb(path)
    sh = CaptureShell(path)
    t = time.time()
    os.environ['IN_TEST'] = '1'
    with working_directory(path.parent):
        for c in nb.cells:
            if c.cell_type != 'code': continue
            d = directives(c.source)
            if 'nbdev_export' + '(' in c.source or d.get('eval:', [''])[0].lower() == 'false' or flags & d.keys(): continue
            c.outputs = []
            sh.cell(c)
            if sh.exc: raise RuntimeError(f"{path.name}: cell failed:\n{c.source}\n{sh.prettytb(fname=path)}")
            c.execution_count = None
    write_nb(nb, path)
    return time.time() - t

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('nbs', nargs='+', type=Path)
    ap.add_argument('--flags', default='', help='space separated flags to run although tst_flags skips them')
    a = ap.parse_args()
    cfg = configparser.ConfigParser(); cfg.read(ROOT/'settings.ini')
    skip = set(cfg['DEFAULT'].get('tst_flags', '').split()) - set(a.flags.split())
    for p in a.nbs:
        print(f"{p}: {run(p.resolve(), skip):.1f} s", flush=True)
