"""Straightforward loop ports of the MIT saliency benchmark's MATLAB metrics (cvzoya/saliency, code_forMetrics),
written from the definitions in shared/specs/metrics-conventions.md, line by line, for testing `saliency_nb.metrics`.
Test-only: not exported, not part of the package. Random draws are passed in, so comparisons are exact.
MATLAB `imresize(S, size(F))` is `saliency_nb.core.resize_map(..., 'matlab')`; `imresize(G, 1/32)` is ported here."""
import math
import numpy as np
from saliency_nb.core import resize_map

EPS = 2.220446049250313e-16

def imresize(m, shape):
    m = np.asarray(m, float)
    return m if m.shape == tuple(shape) else resize_map(m, shape, 'matlab')

def colon(a, d, b):
    "MATLAB a:d:b (colonop.m)."
    if d == 0 or (a < b and d < 0) or (b < a and d > 0): return np.zeros(0)
    tol = 2.0*EPS*max(abs(a), abs(b))
    sig = 1 if d > 0 else -1
    n = int(math.floor(abs((b - a)/d) + 0.5))
    if sig*(a + n*d - b) > tol: n = n - 1
    last = a + n*d
    if sig*(last - b) > -tol: last = b
    out = np.zeros(n + 1)
    for k in range(0, n//2 + 1):
        out[k] = a + k*d
        out[n - k] = last - k*d
    if n % 2 == 0: out[n//2] = (a + last)/2
    return out

def trapz(x, y):
    "MATLAB trapz(x, y)."
    s = 0.0
    for i in range(len(x) - 1): s += (x[i + 1] - x[i])*(y[i] + y[i + 1])/2
    return s

def mit_auc_judd(S, F, noise=None):
    "AUC_Judd.m; `noise` = the rand(size(S)) draw (None: jitter off)."
    S = np.array(S, float); F = np.asarray(F)
    if not F.any(): return float('nan')
    if S.shape != F.shape: S = imresize(S, F.shape)
    if noise is not None: S = S + noise/10000000
    S = (S - S.min())/(S.max() - S.min()) if S.max() > S.min() else np.full(S.shape, np.nan)
    if np.isnan(S).all(): return float('nan')
    S = S.ravel(); F = F.ravel()
    Sth = S[F > 0]; Nfix = len(Sth); Npix = len(S)
    allthreshes = sorted(Sth, reverse=True)
    tp = np.zeros(Nfix + 2); fp = np.zeros(Nfix + 2)
    tp[0] = 0; tp[-1] = 1; fp[0] = 0; fp[-1] = 1
    for i in range(Nfix):
        thresh = allthreshes[i]
        aboveth = np.sum(S >= thresh)
        tp[i + 1] = (i + 1)/Nfix
        fp[i + 1] = (aboveth - (i + 1))/(Npix - Nfix)
    return trapz(fp, tp)

def _auc_splits(Sth, randfix, Nneg, step):
    Nfix = len(Sth); auc = np.full(randfix.shape[1], np.nan)
    for s in range(randfix.shape[1]):
        curfix = randfix[:, s]
        allthreshes = colon(0, step, float(max(np.concatenate([Sth, curfix]))))[::-1]
        tp = np.zeros(len(allthreshes) + 2); fp = np.zeros(len(allthreshes) + 2)
        tp[0] = 0; tp[-1] = 1; fp[0] = 0; fp[-1] = 1
        for i, thresh in enumerate(allthreshes):
            tp[i + 1] = np.sum(Sth >= thresh)/Nfix
            fp[i + 1] = np.sum(curfix >= thresh)/Nneg
        auc[s] = trapz(fp, tp)
    return float(np.mean(auc))

def mit_auc_borji(S, F, r, step=0.1):
    "AUC_Borji.m; `r` = randi draws as 0-based indices into S.ravel(), shape (Nfix, Nsplits)."
    S = np.array(S, float); F = np.asarray(F)
    if F.sum() <= 1: return float('nan')
    if S.shape != F.shape: S = imresize(S, F.shape)
    if S.max() == S.min(): return float('nan')
    S = (S - S.min())/(S.max() - S.min())
    S = S.ravel(); Sth = S[F.ravel() > 0]
    return _auc_splits(Sth, S[r], len(Sth), step)

def mit_auc_shuffled(S, F, O, perms, step=0.1):
    "AUC_shuffled.m; `perms` (K, Nsplits) = the first K entries of each split's randperm, indices into find(O > 0)."
    S = np.array(S, float); F = np.asarray(F)
    if F.sum() == 0: return float('nan')
    if S.shape != F.shape: S = imresize(S, F.shape)
    if S.max() == S.min(): return float('nan')
    S = (S - S.min())/(S.max() - S.min())
    S = S.ravel(); Sth = S[F.ravel() > 0]
    ind = np.flatnonzero(np.asarray(O).ravel() > 0)
    K = min(len(Sth), len(ind))
    randfix = np.zeros((K, perms.shape[1]))
    for i in range(perms.shape[1]): randfix[:, i] = S[ind[perms[:K, i]]]
    return _auc_splits(Sth, randfix, K, step)

def std1(x):
    x = np.asarray(x, float).ravel(); m = sum(x)/len(x)
    return math.sqrt(sum((x - m)**2)/(len(x) - 1))

def mit_nss(S, F):
    m = imresize(S, np.shape(F))
    m = (m - m.mean())/std1(m)
    return float(np.mean(m[np.asarray(F) > 0]))

def mit_cc(S, G):
    m1 = imresize(S, np.shape(G)); m2 = np.asarray(G, float)
    m1 = (m1 - m1.mean())/std1(m1); m2 = (m2 - m2.mean())/std1(m2)
    a = m1 - m1.mean(); b = m2 - m2.mean()   # corr2
    return float((a*b).sum()/math.sqrt((a*a).sum()*(b*b).sum()))

def mit_kld(S, G):
    m1 = imresize(S, np.shape(G)); m2 = np.asarray(G, float)
    if m1.any(): m1 = m1/m1.sum()
    if m2.any(): m2 = m2/m2.sum()
    return float(np.sum(m2*np.log(EPS + m2/(m1 + EPS))))

def mit_sim(S, G):
    m1 = imresize(S, np.shape(G)); m2 = np.array(G, float)
    with np.errstate(invalid='ignore', divide='ignore'):
        if m1.any(): m1 = (m1 - m1.min())/(m1.max() - m1.min()); m1 = m1/m1.sum()
        if m2.any(): m2 = (m2 - m2.min())/(m2.max() - m2.min()); m2 = m2/m2.sum()
    if np.isnan(m1).all() or np.isnan(m2).all(): return float('nan')
    return float(np.minimum(m1, m2).sum())

def mit_info_gain(S, F, B):
    m1 = imresize(S, np.shape(F)); mb = imresize(B, np.shape(F))
    m1 = (m1 - m1.min())/(m1.max() - m1.min()); m1 = m1/m1.sum()
    mb = (mb - mb.min())/(mb.max() - mb.min()); mb = mb/mb.sum()
    locs = np.asarray(F).ravel() > 0
    return float(np.mean(np.log2(EPS + m1.ravel()[locs]) - np.log2(EPS + mb.ravel()[locs])))

def cubic(x):
    ax = abs(x)
    if ax <= 1: return 1.5*ax**3 - 2.5*ax**2 + 1
    if ax <= 2: return -0.5*ax**3 + 2.5*ax**2 - 4*ax + 2
    return 0.0

def imresize_scale_1d(v, scale):
    "imresize along one dimension with an explicit scale (contributions() of imresize.m), loops."
    n_in = len(v); n_out = math.ceil(scale*n_in)
    kw = 4.0/scale if scale < 1 else 4.0
    out = np.zeros(n_out)
    for j in range(1, n_out + 1):
        x = j/scale + 0.5*(1 - 1/scale)
        left = math.floor(x - kw/2)
        idx = [left + p for p in range(int(math.ceil(kw)) + 2)]
        w = [scale*cubic(scale*(x - i)) if scale < 1 else cubic(x - i) for i in idx]
        tot = sum(w); acc = 0.0
        for i, wi in zip(idx, w):
            k = (i - 1) % (2*n_in)                      # symmetric padding
            k = k if k < n_in else 2*n_in - 1 - k
            acc += wi/tot*v[k]
        out[j - 1] = acc
    return out

def imresize_scale(m, scale):
    m = np.asarray(m, float)
    r = np.stack([imresize_scale_1d(m[:, c], scale) for c in range(m.shape[1])], 1)   # rows (dim 1) first
    return np.stack([imresize_scale_1d(r[i], scale) for i in range(r.shape[0])], 0)

def mit_emd(S, G, downsize=32):
    "EMD.m with FastEMD's handling of negative cells: EMD(P+ + Q-, Q+ + P-), solved as a transport LP with HiGHS."
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix
    im1 = imresize_scale(G, 1/downsize) if downsize > 1 else np.asarray(G, float)
    im2 = imresize(S, im1.shape)
    im1 = im1/im1.sum(); im2 = im2/im2.sum()
    R, C = im1.shape
    P, Q = im1.ravel(order='F'), im2.ravel(order='F')          # MATLAB column-major
    n = R*C
    D = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            ri, ci, rj, cj = i % R, i//R, j % R, j//R
            D[i, j] = math.sqrt((ri - rj)**2 + (ci - cj)**2)
    a = np.maximum(P, 0) + np.maximum(-Q, 0); b = np.maximum(Q, 0) + np.maximum(-P, 0)
    rows = np.repeat(np.arange(n), n); cols = np.arange(n*n)
    out_of = coo_matrix((np.ones(n*n), (rows, cols)), shape=(n, n*n))                     # flow leaving each supply cell
    into = coo_matrix((np.ones(n*n), (np.tile(np.arange(n), n), cols)), shape=(n, n*n))   # flow reaching each demand cell
    # every supply is shipped (equality); demands are upper bounds with a 1e-12 slack, so rounding in the two totals
    # (equal in exact arithmetic) cannot make the LP infeasible, as strict equality on both sides did in scipy 1.17
    res = linprog(D.ravel(), A_eq=out_of, b_eq=a, A_ub=into, b_ub=b*a.sum()/b.sum() + 1e-12, bounds=(0, None), method='highs')
    if res.fun is None: raise RuntimeError(f'the reference EMD LP failed: {res.message}')
    return float(res.fun)
