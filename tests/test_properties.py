"""Property-based tests (hypothesis) of the metrics' invariances and the map utilities' shapes and dtypes."""
import numpy as np
import pytest
from hypothesis import given, settings, assume, strategies as st
from hypothesis.extra.numpy import arrays

from saliency_nb.core import fix_to_map, fixation_density, normalize, resize_map
from saliency_nb.metrics import auc_judd, cc, kld, nss, sim

SET = settings(max_examples=40, deadline=None)
sides = st.integers(8, 40)

@st.composite
def smap_fix(draw, levels=None):
    "A non-constant map (integer levels, so ties are real and transforms keep the order exact) and a fixation map with >= 1 fixation."
    h, w = draw(sides), draw(sides)
    top = levels or 1000
    m = draw(arrays(np.int64, (h, w), elements=st.integers(0, top))).astype(np.float64)
    assume(m.max() > m.min())
    n = draw(st.integers(1, 12))
    xs = draw(arrays(np.float64, n, elements=st.floats(0, w, exclude_max=True)))
    ys = draw(arrays(np.float64, n, elements=st.floats(0, h, exclude_max=True)))
    return m, fix_to_map(xs, ys, (h, w))

@st.composite
def two_maps(draw):
    h, w = draw(sides), draw(sides)
    el = st.floats(0, 1, allow_nan=False, allow_infinity=False)
    a, b = draw(arrays(np.float64, (h, w), elements=el)), draw(arrays(np.float64, (h, w), elements=el))
    assume(np.ptp(a) > 1e-3 and np.ptp(b) > 1e-3)
    return a, b

affine = st.tuples(st.floats(1e-3, 1e3), st.floats(-1e3, 1e3))

@SET
@given(smap_fix(), affine)
def test_nss_affine_invariant(mf, ab):
    (m, f), (a, b) = mf, ab
    assert np.isclose(nss(a*m + b, f), nss(m, f), rtol=1e-7, atol=1e-7)

@SET
@given(two_maps(), affine)
def test_cc_affine_invariant(maps, ab):
    (m, g), (a, b) = maps, ab
    r = cc(a*m + b, g)
    assert np.isclose(r, cc(m, g), rtol=1e-7, atol=1e-7) and -1 - 1e-12 <= r <= 1 + 1e-12

MONO = {'cube': lambda x: x**3, 'exp': lambda x: np.exp(x/200), 'log1p': np.log1p, 'affine': lambda x: 3*x - 5, 'sqrt+': lambda x: np.sqrt(x) + x}

@SET
@given(smap_fix(levels=30), st.sampled_from(sorted(MONO)))
def test_auc_judd_monotone_invariant(mf, t):
    m, f = mf
    a0, a1 = auc_judd(m, f, jitter=False), auc_judd(MONO[t](m), f, jitter=False)
    assert np.isclose(a0, a1, atol=1e-12), (t, a0, a1)
    assert 0 <= a0 <= 1

@SET
@given(two_maps())
def test_kld_nonnegative_and_zero_on_identity(maps):
    a, b = maps
    assert kld(a, b) >= -1e-9
    assert abs(kld(b, b)) <= 1e-9 and abs(kld(a, a)) <= 1e-9

@SET
@given(two_maps())
def test_sim_symmetric_in_unit_interval(maps):
    a, b = maps
    s1, s2 = sim(a, b), sim(b, a)
    assert np.isclose(s1, s2, atol=1e-12) and 0 <= s1 <= 1 + 1e-12
    assert np.isclose(sim(a, a), 1)

@SET
@given(smap_fix(), st.sampled_from([4, 8, 16]))
def test_fixation_density_sum_norm(mf, fc):
    _, f = mf
    d = fixation_density(f, fc=fc, norm='sum')
    assert d.shape == f.shape and d.dtype == np.float64 and (d >= 0).all()
    assert np.isclose(d.sum(), 1, atol=1e-9)

@SET
@given(sides, sides, st.integers(0, 30))
def test_fix_to_map_shape_dtype(h, w, n):
    rng = np.random.default_rng(n)
    xs, ys = rng.uniform(0, w, n) if n else np.zeros(0), rng.uniform(0, h, n) if n else np.zeros(0)
    xs, ys = np.minimum(xs, np.nextafter(w, 0)), np.minimum(ys, np.nextafter(h, 0))
    f = fix_to_map(xs, ys, (h, w))
    assert f.shape == (h, w) and f.dtype == np.uint8 and set(np.unique(f)) <= {0, 1}
    assert f.sum() == len({(int(y), int(x)) for x, y in zip(xs, ys)})

@SET
@given(two_maps(), sides, sides, st.sampled_from(['matlab', 'bilinear', 'cubic', 'nearest', 'area']))
def test_resize_map_shape_dtype(maps, h, w, method):
    m, _ = maps
    r = resize_map(m, (h, w), method=method)
    assert r.shape == (h, w) and r.dtype == np.float64 and np.isfinite(r).all()
    if (h, w) == m.shape and method in ('matlab', 'nearest'): assert np.allclose(r, m)

@SET
@given(two_maps(), st.sampled_from(['minmax', 'sum', 'zscore']), affine)
def test_normalize(maps, how, ab):
    m, _ = maps
    r = normalize(m, how)
    assert r.shape == m.shape and r.dtype == np.float64
    if how == 'minmax': assert np.isclose(r.min(), 0) and np.isclose(r.max(), 1) and np.allclose(normalize(ab[0]*m + ab[1], how), r, atol=1e-7)
    if how == 'sum': assert np.isclose(r.sum(), 1) and (r >= 0).all()
    if how == 'zscore': assert np.isclose(r.mean(), 0, atol=1e-9) and np.isclose(r.std(ddof=1), 1) and np.allclose(normalize(ab[0]*m + ab[1], how), r, atol=1e-6)
