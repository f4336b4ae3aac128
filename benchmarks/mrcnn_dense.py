"""Speed of Mr-CNN's dense inference (`saliency_nb.mrcnn.mrcnn_dense`) against the crop-by-crop loop of the coursework.

    python benchmarks/mrcnn_dense.py [--grid 50] [--loop_crops N] [--threads 2] [--out results.json]

One 800x600 OSIE image, a randomly initialised Mr-CNN (weights do not change the speed), a 50x50 grid (2500 locations).
Times: the crop-by-crop loop (one crop per forward pass, as the coursework's evaluation), batched crops (256 per pass),
and `mrcnn_dense` (shared convolutions, levels chosen by its cost model). `--loop_crops N` times the loop on the first N
locations and extrapolates (the full loop takes minutes on a CPU). Also checks that all three agree to 1e-5."""
import argparse, json, os, time
import numpy as np, torch
from saliency_nb.core import data_home, find_dataset, load_image
from saliency_nb.mrcnn import MrCNN, grid_points, mrcnn_dense, predict_crops

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--grid', default='50', help="grid: N or 'coarsest' (default: 50)")
    p.add_argument('--loop_crops', type=int, default=None, help='time the loop on this many locations and extrapolate (default: all)')
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
    mrcnn_dense(m, img, 4) # warm-up
    info = {}; t = time.time(); dense = mrcnn_dense(m, img, grid, info=info).ravel(); t_dense = time.time() - t
    t = time.time(); batched = predict_crops(m, img, xs, ys, bs=256); t_batched = time.time() - t
    t = time.time(); loop = predict_crops(m, img, xs[:k], ys[:k], bs=1); t_loop = (time.time() - t)*n/k
    res = dict(image='osie/1001.jpg 800x600', grid=str(grid), locations=n, loop_crops_timed=k, threads=a.threads, blur=a.blur,
               seconds_loop=round(t_loop, 2), seconds_batched=round(t_batched, 2), seconds_dense=round(t_dense, 2), levels=info['levels'],
               speedup_vs_loop=round(t_loop/t_dense, 1), speedup_vs_batched=round(t_batched/t_dense, 2),
               max_abs_diff_dense_vs_loop=float(np.abs(dense[:k] - loop).max()), max_abs_diff_dense_vs_batched=float(np.abs(dense - batched).max()))
    print(json.dumps(res, indent=1))
    if a.out: open(a.out, 'w').write(json.dumps(res, indent=1))

if __name__ == '__main__': main()
