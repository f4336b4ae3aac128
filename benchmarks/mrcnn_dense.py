"""Speed of Mr-CNN's dense inference (`saliency_nb.mrcnn.mrcnn_dense`) against the crop-by-crop loop of the coursework.

    python benchmarks/mrcnn_dense.py [--grid 50] [--loop_crops N] [--reps 3] [--threads 2] [--blur corrected] [--out results.json]

One 800x600 OSIE image, a randomly initialised Mr-CNN (weights do not change the speed), a 50x50 grid (2500 locations).
Times: the crop-by-crop loop (one crop per forward pass, as the coursework's evaluation), batched crops (256 per pass),
and `mrcnn_dense` (shared convolutions, levels chosen by its cost model). The loop and the batched crops run on every
k-th location (`--loop_crops N` of them, default 250) and are extrapolated to the whole grid. The three are repeated
`--reps` times, interleaved (loop, batched, dense, loop, ...), so that load from other processes hits all of them alike;
the report gives medians of the wall-clock seconds and of the process CPU seconds (user + system, all threads: on a
shared machine CPU time is the steadier measure). It also counts the multiply-adds of the loop and of the dense plan,
and checks that all three agree to 1e-5."""
import argparse, json, os, time
import numpy as np, torch
from saliency_nb.core import data_home, find_dataset, load_image
from saliency_nb.mrcnn import MrCNN, SCALES, CROP, grid_points, crop_starts, mrcnn_dense, predict_crops, _plan, _plan_cost, _CROPMACS

def timed(f):
    "f(), wall seconds, process CPU seconds."
    t, c = time.perf_counter(), time.process_time()
    r = f()
    return r, time.perf_counter() - t, time.process_time() - c

def plan_gmacs(shape, grid, levels, n):
    "Multiply-adds (G) of the dense plan at `levels` (all streams + fusion)."
    gy, gx = grid_points(shape, grid)
    yy, xx = np.meshgrid(gy, gx, indexing='ij')
    c = n*(1536*512 + 512)
    for s, l in zip(SCALES, levels):
        ty, tx = crop_starts(yy.ravel(), shape[0], s), crop_starts(xx.ravel(), shape[1], s)
        c += _plan_cost(_plan(ty, tx, l) if l else [], n, l, crop_factor=(1, 1, 1), block_macs=0, mem_macs=0)
    return c/1e9

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--grid', default='50', help="grid: N or 'coarsest' (default: 50)")
    p.add_argument('--loop_crops', type=int, default=250, help='time the loop and the batched crops on this many locations (every k-th) and extrapolate (default: 250; 0: all)')
    p.add_argument('--reps', type=int, default=3, help='interleaved repetitions (default: 3)')
    p.add_argument('--threads', type=int, default=2, help='torch threads (default: 2)')
    p.add_argument('--blur', default=None, choices=[None, 'corrected', 'published'], help='blur mode of the model')
    p.add_argument('--out', default=None, help='write the results as JSON here')
    a = p.parse_args()
    torch.set_num_threads(a.threads); torch.manual_seed(0)
    grid = a.grid if a.grid == 'coarsest' else int(a.grid)
    img = load_image(find_dataset('osie', data_home(os.environ.get('SALIENCY_NB_DATA', '../shared/data')))/'stimuli'/'1001.jpg')
    m = MrCNN(a.blur).eval()
    gy, gx = grid_points(img.shape[:2], grid)
    yy, xx = np.meshgrid(gy, gx, indexing='ij'); xs, ys = xx.ravel(), yy.ravel()
    n = len(xs); k = min(a.loop_crops or n, n)
    sub = np.linspace(0, n - 1, k).round().astype(int)
    mrcnn_dense(m, img, grid); predict_crops(m, img, xs[sub[:8]], ys[sub[:8]], bs=1) # warm-up (oneDNN primitives)
    T = {'loop': [], 'batched': [], 'dense': []}
    for _ in range(a.reps):
        loop, t, c = timed(lambda: predict_crops(m, img, xs[sub], ys[sub], bs=1)); T['loop'].append((t*n/k, c*n/k))
        batched, t, c = timed(lambda: predict_crops(m, img, xs[sub], ys[sub], bs=256)); T['batched'].append((t*n/k, c*n/k))
        info = {}; dense, t, c = timed(lambda: mrcnn_dense(m, img, grid, info=info)); T['dense'].append((t, c))
    dense = dense.ravel()
    med = {key: np.median(np.array(v), 0) for key, v in T.items()}
    loop_gmacs = (3*n*sum(_CROPMACS) + n*(1536*512 + 512))/1e9
    dense_gmacs = plan_gmacs(img.shape[:2], grid, info['levels'], n)
    res = dict(image='osie/1001.jpg 800x600', grid=str(grid), locations=n, loop_crops_timed=k, reps=a.reps, threads=a.threads, blur=a.blur,
               torch=torch.__version__, levels=info['levels'],
               seconds_loop=round(med['loop'][0], 2), seconds_batched=round(med['batched'][0], 2), seconds_dense=round(med['dense'][0], 3),
               cpu_seconds_loop=round(med['loop'][1], 2), cpu_seconds_batched=round(med['batched'][1], 2), cpu_seconds_dense=round(med['dense'][1], 3),
               speedup_vs_loop_wall=round(med['loop'][0]/med['dense'][0], 1), speedup_vs_loop_cpu=round(med['loop'][1]/med['dense'][1], 1),
               speedup_vs_batched_wall=round(med['batched'][0]/med['dense'][0], 1), speedup_vs_batched_cpu=round(med['batched'][1]/med['dense'][1], 1),
               gmacs_loop=round(loop_gmacs, 1), gmacs_dense=round(dense_gmacs, 1), macs_ratio=round(loop_gmacs/dense_gmacs, 2),
               gmacs_per_cpu_second_loop=round(loop_gmacs/med['loop'][1], 1), gmacs_per_cpu_second_dense=round(dense_gmacs/med['dense'][1], 1),
               all_wall_loop=[round(t, 2) for t, _ in T['loop']], all_wall_dense=[round(t, 3) for t, _ in T['dense']],
               all_cpu_loop=[round(c, 2) for _, c in T['loop']], all_cpu_dense=[round(c, 3) for _, c in T['dense']],
               load_average=[round(x, 2) for x in os.getloadavg()],
               max_abs_diff_dense_vs_loop=float(np.abs(dense[sub] - loop).max()), max_abs_diff_dense_vs_batched=float(np.abs(dense[sub] - batched).max()))
    if max(res['max_abs_diff_dense_vs_loop'], res['max_abs_diff_dense_vs_batched']) > 1e-5: raise SystemExit(f"dense and crops disagree: {res}")
    print(json.dumps(res, indent=1))
    if a.out: open(a.out, 'w').write(json.dumps(res, indent=1))

if __name__ == '__main__': main()
