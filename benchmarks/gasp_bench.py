"""Frames per second of GASP on CPU: cue extraction (faces, gaze, saliency maps) and the integration model.

    python benchmarks/gasp_bench.py [--frames 48] [--data ../shared/data] [--threads 2] [--json out.json]

Cue extraction runs the five default cues (captured, saliency, faces, gaze following, gaze) on the first
FRAMES frames of Megamind.avi (faces in every frame: detection, face mesh, iris, gaze) and of DHF1K
video 002 (no faces: detection only), writing the cache to a temporary folder. The model part times
forward passes of DAM + LARGMU at the CPU size trained in nbs/09a_gasp.ipynb and at the published size."""
import argparse, itertools, json, os, tempfile, time
from pathlib import Path

import torch

from saliency_nb.core import data_home
from saliency_nb.gasp import create_gasp
from saliency_nb.gasp_cues import FaceAnalyzer, VideoFrames, extract_cues

def bench_cues(video, n, data, long_side=480):
    frames = list(itertools.islice(VideoFrames(video, long_side), n))
    fa = FaceAnalyzer(path=data)
    with tempfile.TemporaryDirectory() as d:
        t = time.perf_counter()
        extract_cues(frames, d, name='bench', analyzer=fa, progress=False, long_side=long_side)
        dt = time.perf_counter() - t
    return dict(video=Path(video).name, frames=len(frames), size=list(frames[0].shape[:2]), seconds=round(dt, 2), fps=round(len(frames)/dt, 2))

@torch.no_grad()
def bench_model(name, bs, T, size, latent, dam_hidden, reps=3):
    m = create_gasp('SequenceGASPDAMEncALSTMGMUConv', latent=latent, seq_len=T, dam_hidden=dam_hidden).eval()
    x = torch.randn(bs, T, 15, *size)
    m(x)  # warm-up
    t = time.perf_counter()
    for _ in range(reps): m(x)
    dt = (time.perf_counter() - t)/reps
    return dict(model=name, batch=bs, context=T, input=list(size), params=sum(p.numel() for p in m.parameters()),
                seconds_per_batch=round(dt, 3), fps=round(bs/dt, 2))

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--frames', type=int, default=48, help='frames per video for the cue benchmark')
    p.add_argument('--data', default=os.environ.get('SALIENCY_NB_DATA', str(Path(__file__).resolve().parents[2]/'shared'/'data')), help='data home')
    p.add_argument('--threads', type=int, default=2, help='torch CPU threads')
    p.add_argument('--json', default=None, help='also write the results here')
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    home = data_home(a.data)
    res = dict(cues=[bench_cues(home/'videos'/'Megamind.avi', a.frames, home),
                     bench_cues(home/'dhf1k'/'video'/'002.AVI', a.frames, home)],
               model=[bench_model('DAM+LARGMU CPU size (latent 4, T=5)', 8, 5, (36, 64), 4, 32),
                      bench_model('DAM+LARGMU published (latent 32, T=10)', 1, 10, (120, 120), 32, 256, reps=1)])
    for k, rows in res.items():
        for r in rows: print(k, json.dumps(r))
    if a.json: Path(a.json).write_text(json.dumps(res, indent=1))
