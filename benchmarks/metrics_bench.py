#!/usr/bin/env python
"""Per-image cost of the saliency metrics on one 480x640 map with ~30 fixations, one thread, side by side.

What is compared (all in ONE run, rounds interleaved, medians of process CPU time per call):
* ours: `saliency_nb.metrics`, each metric function alone, and `all_metrics` (the metrics of one map in one call,
  sharing the map's statistics); MIT definitions, and `convention='pysaliency'` where pysaliency defines a metric
  differently;
* the loop port of the MIT code (tests/mit_reference.py), for the MIT definitions;
* pysaliency 0.2.22 (a separate venv, default /work/venvs/pysal, built with numpy<2.4 and setuptools<81; `import torch`
  is stubbed because pysaliency imports it without needing it), run as a worker subprocess that answers one round at a
  time, so its rounds interleave with ours. Two ways of calling it:
  - API: as a user calls it: a `SaliencyMapModel` subclass returning the map, `Stimuli([image])`,
    `Fixations.create_without_history(xs, ys, ns)`, the ground truth as a second model; `model.AUC(stimuli, fixations)`
    (all-pixel AUC), `model.AUC(..., nonfixations=other_fixations)` (sAUC against other images' fixations, the per-image
    form of `model.sAUC`), `model.AUC_Judd(..., jitter=False)`, `model.NSS`, `model.CC(stimuli, gt_model)`,
    `model.KLDiv(stimuli, gt_model, minimum_value=0, log_regularization=eps, quotient_regularization=eps)` (the
    benchmark's KLD) and `model.SIM(stimuli, gt_model)`; the model caches its map, as pysaliency does by default;
  - core: the functions under the API: `roc.general_roc`, `metrics.NSS`, `CC`, `MIT_KLDiv`, `SIM`.
  The totals are over the 7 metrics both have with the same definition (values identical: |diff| columns, for our
  per-metric functions and for the one `all_metrics` call). The "full set" line times ONE call,
  `all_metrics(s, fix, g, other, metrics=('auc', 'auc_judd', 'sauc', 'nss', 'cc', 'kld', 'sim'), convention='pysaliency',
  jitter=False)`, which builds the ROC histogram once for AUC and AUC-Judd, against the sum of pysaliency's 7 calls.
  With `--ours` naming an older module without `auc`, the all-pixel AUC is `auc_judd(convention='pysaliency')` and the
  full set takes 2 calls (`all_metrics` of 6 + `auc_judd(jitter=False)`).
Threads: OMP/OPENBLAS/MKL_NUM_THREADS=1 in both processes (and threadpoolctl limits in ours).
Usage: python benchmarks/metrics_bench.py [--pysal PYTHON] [--rounds N]"""
import os
for v in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'NUMBA_NUM_THREADS'): os.environ[v] = '1'
import argparse, json, subprocess, sys, tempfile, textwrap, time, warnings
from pathlib import Path
import numpy as np
import torch
from threadpoolctl import threadpool_limits
torch.set_num_threads(1)
sys.path.insert(0, str(Path(__file__).resolve().parents[1]/'tests'))
import mit_reference as ref
from saliency_nb.core import center_bias, fix_to_map, fixation_density
import importlib

EPS = 2.220446049250313e-16

WORKER = textwrap.dedent('''
    import os, sys, json, time, types
    for v in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'OPENBLAS_NUM_THREADS'): os.environ[v] = '1'
    sys.modules['torch'] = types.ModuleType('torch')  # pysaliency imports torch only for DeepGaze
    import numpy as np
    from pysaliency import SaliencyMapModel, Stimuli, Fixations
    from pysaliency.metrics import NSS, CC, SIM, MIT_KLDiv
    from pysaliency.roc import general_roc
    d = np.load(sys.argv[1]); s, g, fix, oth, img = d['s'], d['g'], d['fix'], d['other'], d['img']
    EPS = 2.220446049250313e-16
    class Map(SaliencyMapModel):
        def __init__(self, m): super().__init__(); self.m = m
        def _saliency_map(self, stimulus): return self.m
    model, gt = Map(s), Map(g)
    stim = Stimuli([img])
    ys, xs = np.nonzero(fix); oy, ox = np.nonzero(oth)
    fx = Fixations.create_without_history(xs.astype(float), ys.astype(float), np.zeros(len(xs), int))
    ofx = Fixations.create_without_history(ox.astype(float), oy.astype(float), np.zeros(len(ox), int))
    api = {'auc (all pixels)': lambda: model.AUC(stim, fx), 'sauc (all others)': lambda: model.AUC(stim, fx, nonfixations=ofx),
           'auc_judd (no jitter)': lambda: model.AUC_Judd(stim, fx, jitter=False),
           'nss': lambda: model.NSS(stim, fx), 'cc': lambda: model.CC(stim, gt),
           'kld': lambda: model.KLDiv(stim, gt, minimum_value=0, log_regularization=EPS, quotient_regularization=EPS),
           'sim': lambda: model.SIM(stim, gt)}
    fixed = np.zeros(s.shape, bool); fixed[ys, xs] = True
    core = {'auc (all pixels)': lambda: general_roc(s[ys, xs].astype(float), s.ravel().astype(float))[0],
            'sauc (all others)': lambda: general_roc(s[ys, xs].astype(float), s[oy, ox].astype(float))[0],
            'auc_judd (no jitter)': lambda: general_roc(s[ys, xs].astype(float), s[~fixed].astype(float), judd=1)[0],
            'nss': lambda: NSS(s, xs, ys).mean(), 'cc': lambda: CC(s, g), 'kld': lambda: MIT_KLDiv(s, g), 'sim': lambda: SIM(s, g)}
    def cpu(f):
        t = time.process_time(); f(); return (time.process_time() - t)*1e3
    vals = {k: {'api': float(f()), 'core': float(core[k]())} for k, f in api.items()}
    print(json.dumps(vals), flush=True)
    for line in sys.stdin:   # one round per line
        print(json.dumps({k: {'api': cpu(api[k]), 'core': cpu(core[k])} for k in api}), flush=True)
''')

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--pysal', default='/work/venvs/pysal/bin/python'); ap.add_argument('--rounds', type=int, default=40)
    ap.add_argument('--ours', default='saliency_nb.metrics', help='module to time as ours (e.g. an older copy, on PYTHONPATH)')
    a = ap.parse_args()
    global M
    M = importlib.import_module(a.ours)
    rng = np.random.default_rng(0); H, W = 480, 640
    fix = fix_to_map(rng.integers(100, 540, 30), rng.integers(80, 400, 30), (H, W))
    other = fix_to_map(rng.integers(0, W, 300), rng.integers(0, H, 300), (H, W))
    g, cb = fixation_density(fix), center_bias((H, W))
    s = 0.5*g + 0.5*cb + 0.05*rng.random((H, W))   # no ties: pysaliency's AUC_Judd and MIT's agree
    n = int(fix.sum()); k = min(n, int(other.sum()))
    noise = np.random.default_rng(0).random(H*W).reshape(H, W); r = M._borji_draws(0, H*W, n, 100)
    pr = M._shuffle_draws(0, int(other.sum()), k, 100)
    new = hasattr(M, 'auc')
    PY = ('auc', 'auc_judd', 'sauc', 'nss', 'cc', 'kld', 'sim')   # all_metrics names of the shared metrics
    if new: full = lambda: M.all_metrics(s, fix, g, other, metrics=PY, convention='pysaliency', jitter=False)
    else:   # an older module: 'auc_judd' under convention='pysaliency' was the all-pixel AUC; AUC-Judd needs a 2nd call
        def full():
            r = M.all_metrics(s, fix, g, other, metrics=PY[1:], convention='pysaliency')
            return {'auc': r['auc_judd'], **r, 'auc_judd': M.auc_judd(s, fix, jitter=False)}
    ours = {'auc_judd (jitter)': lambda: M.auc_judd(s, fix), 'auc_judd (no jitter)': lambda: M.auc_judd(s, fix, jitter=False),
            'auc_borji': lambda: M.auc_borji(s, fix), 'sauc': lambda: M.auc_shuffled(s, fix, other),
            'nss': lambda: M.nss(s, fix), 'cc': lambda: M.cc(s, g), 'kld': lambda: M.kld(s, g), 'sim': lambda: M.sim(s, g),
            'ig': lambda: M.info_gain(s, fix, cb),
            'all_metrics (8, MIT)': lambda: M.all_metrics(s, fix, g, other, cb),
            'auc (all pixels)': (lambda: M.auc(s, fix)) if new else (lambda: M.auc_judd(s, fix, convention='pysaliency')),
            'sauc (all others)': lambda: M.auc_shuffled(s, fix, other, convention='pysaliency'),
            'nss (pysaliency)': lambda: M.nss(s, fix, convention='pysaliency'),
            'sim (pysaliency)': lambda: M.sim(s, g, convention='pysaliency'),
            'full set (pysaliency)': full}
    refs = {'auc_judd (jitter)': lambda: ref.mit_auc_judd(s, fix, noise), 'auc_judd (no jitter)': lambda: ref.mit_auc_judd(s, fix),
            'auc_borji': lambda: ref.mit_auc_borji(s, fix, r), 'sauc': lambda: ref.mit_auc_shuffled(s, fix, other, pr),
            'nss': lambda: ref.mit_nss(s, fix), 'cc': lambda: ref.mit_cc(s, g), 'kld': lambda: ref.mit_kld(s, g),
            'sim': lambda: ref.mit_sim(s, g), 'ig': lambda: ref.mit_info_gain(s, fix, cb)}
    def cpu(f):
        t = time.process_time(); f(); return (time.process_time() - t)*1e3
    worker = None
    if Path(a.pysal).exists():
        tmp = tempfile.mkdtemp(); np.savez(Path(tmp)/'in.npz', s=s, g=g, fix=fix, other=other, img=np.zeros((H, W, 3), np.uint8))
        worker = subprocess.Popen([a.pysal, '-c', WORKER, str(Path(tmp)/'in.npz')], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  text=True, env={**os.environ, 'PYTHONPATH': ''})
        py_vals = json.loads(worker.stdout.readline())
    T = {k: [] for k in ours}; R = {k: [] for k in refs}; P = []
    for i in range(a.rounds):   # interleaved: ours, the loop port (every 4th round), pysaliency
        for k, f in ours.items(): T[k].append(cpu(f))
        if i % 4 == 0:
            for k, f in refs.items(): R[k].append(cpu(f))
        if worker:
            worker.stdin.write('\n'); worker.stdin.flush(); P.append(json.loads(worker.stdout.readline()))
    if worker: worker.stdin.close(); worker.wait()
    med = lambda xs: float(np.median(xs))
    print(f"480x640, {n} fixated pixels, {int(other.sum())} other; process CPU ms per call, median of {a.rounds} interleaved rounds "
          f"({len(next(iter(R.values())))} for the loop port), one thread\n")
    print("MIT definitions")
    print(f"{'metric':24s} {'ours':>7s} {'MIT port':>9s} {'ratio':>6s}  |diff|")
    for k in refs:
        print(f"{k:24s} {med(T[k]):7.2f} {med(R[k]):9.2f} {med(R[k])/med(T[k]):6.1f}  {abs(ours[k]() - refs[k]()):.1e}")
    su = sum(med(T[k]) for k in refs if k != 'auc_judd (no jitter)'); sr = sum(med(R[k]) for k in refs if k != 'auc_judd (no jitter)')
    print(f"{'sum of 8 calls':24s} {su:7.2f} {sr:9.2f} {sr/su:6.1f}")
    print(f"{'all_metrics (8, MIT)':24s} {med(T['all_metrics (8, MIT)']):7.2f} {'':9s} {sr/med(T['all_metrics (8, MIT)']):6.1f}")
    if not worker: print(f"\npysaliency venv {a.pysal} not found: skipped"); return
    pairs = {'auc (all pixels)': 'auc (all pixels)', 'sauc (all others)': 'sauc (all others)', 'auc_judd (no jitter)': 'auc_judd (no jitter)',
             'nss': 'nss (pysaliency)', 'cc': 'cc', 'kld': 'kld', 'sim': 'sim (pysaliency)'}
    names = {'auc (all pixels)': 'auc', 'sauc (all others)': 'sauc', 'auc_judd (no jitter)': 'auc_judd', 'nss': 'nss', 'cc': 'cc',
             'kld': 'kld', 'sim': 'sim'}   # pysaliency's name -> all_metrics' name
    fv = full()
    print("\nvs pysaliency 0.2.22 (same definitions; API = model methods as a user calls them, core = the functions under them)")
    print(f"{'metric':24s} {'ours':>7s} {'API':>7s} {'core':>7s} {'API/ours':>9s} {'core/ours':>10s}  |diff API| |diff core| |diff all_metrics|")
    to = ta = tc = 0
    for pk, ok in pairs.items():
        t1 = med(T[ok]); t2 = med([p[pk]['api'] for p in P]); t3 = med([p[pk]['core'] for p in P]); to += t1; ta += t2; tc += t3
        v = ours[ok]()
        print(f"{pk:24s} {t1:7.2f} {t2:7.2f} {t3:7.2f} {t2/t1:9.1f} {t3/t1:10.1f}  {abs(v - py_vals[pk]['api']):.1e}    {abs(v - py_vals[pk]['core']):.1e}"
              f"     {abs(fv[names[pk]] - py_vals[pk]['api']):.1e}")
    print(f"{'sum of 7 calls':24s} {to:7.2f} {ta:7.2f} {tc:7.2f} {ta/to:9.1f} {tc/to:10.1f}")
    tall = med(T['full set (pysaliency)'])
    print(f"{'full set, all_metrics':24s} {tall:7.2f} {ta:7.2f} {tc:7.2f} {ta/tall:9.1f} {tc/tall:10.1f}   "
          + ("(ONE call: all_metrics of the 7, jitter=False)" if new else "(2 calls: all_metrics of 6 + auc_judd)"))
    r = [sum(p[k]['api'] for k in pairs)/t for p, t in zip(P, T['full set (pysaliency)'])]
    print(f"{'':24s} per-round ratio API/full set: median {med(r):.1f} (quartiles {np.percentile(r, 25):.1f} to {np.percentile(r, 75):.1f})")

if __name__ == '__main__':
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter('ignore'); main()
