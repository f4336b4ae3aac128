"""Data loading throughput of saliency_nb.data on OSIE: images/s with densities cached vs not, and DataLoader batches/s.
Usage: python benchmarks/data_bench.py [--data DIR] [--n 60] [--bs 8]"""
import argparse, os, tempfile, time
import numpy as np
from saliency_nb.core import data_home, find_dataset
from saliency_nb.data import read_osie, saliency_dls

def rate(f, n):
    t = time.perf_counter(); f(); return n/(time.perf_counter() - t)

def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument('--data', default=os.environ.get('SALIENCY_NB_DATA', '../shared/data'))
    p.add_argument('--n', type=int, default=60); p.add_argument('--bs', type=int, default=8)
    a = p.parse_args()
    root = find_dataset('osie', data_home(a.data))
    t = time.perf_counter(); ds = read_osie(root); t_read = time.perf_counter() - t
    print(f"read_osie: {t_read:.2f} s for {len(ds)} images, {len(ds.fixations)} fixations")
    idx = range(a.n)
    rows = {}
    rows['image decode only'] = rate(lambda: [ds.image(i) for i in idx], a.n)
    ds.cache_size = 0
    rows['image + density, not cached'] = rate(lambda: [(ds.image(i), ds.density(i)) for i in idx], a.n)
    ds.cache_size = a.n; [ds.density(i) for i in idx]  # warm the memory cache
    rows['image + density, memory cache'] = rate(lambda: [(ds.image(i), ds.density(i)) for i in idx], a.n)
    with tempfile.TemporaryDirectory() as d:
        dc = read_osie(root, cache_dir=d, cache_size=0)
        [dc.density(i) for i in idx]; dc._cache.clear()
        rows['image + density, disk cache (.npy)'] = rate(lambda: [(dc.image(i), dc.density(i)) for i in idx], a.n)
    for k, v in rows.items(): print(f"{k:40s} {v:7.1f} images/s")
    nb = a.n // a.bs
    sub = ds.subset(ds.split('train').stems[:a.n] + ds.split('valid').stems[:a.bs])
    for label, warm in [('DataLoader, densities computed', False), ('DataLoader, densities cached', True)]:
        dls = saliency_dls(sub, size=(192, 256), bs=a.bs, num_workers=0)
        if warm: [sub.density(s) for s in sub.stems]
        else: sub._cache.clear()
        sub.cache_size = 10**6
        r = rate(lambda: [b for _, b in zip(range(nb), dls.train)], nb)
        print(f"{label:40s} {r:7.2f} batches/s ({r*a.bs:.1f} images/s, bs={a.bs}, 192x256, num_workers=0)")

if __name__ == '__main__': main()
