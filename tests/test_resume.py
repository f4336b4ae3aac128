"""Crash-resume of the long-running commands: `saliency_nb train`, `saliency_nb evaluate` and `saliency_nb gasp-cues` are
killed with SIGKILL at a random moment, restarted with the same command, and must end with exactly the outputs of an
uninterrupted run, with no partial or temporary file left. (LLaVA extraction: tests/test_llava_resume.py.)
The moment is random: after a random number of saved units of work (epochs, scored images, cue maps), plus a random
fraction of a second, so the resume path is always exercised; the seed is printed and SALIENCY_NB_KILL_SEED replays it."""
import filecmp, json, os, random, signal, subprocess, sys, time
from pathlib import Path

import numpy as np
import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get('SALIENCY_NB_DATA', ROOT.parent/'shared'/'data')).resolve()
CLI = Path(sys.executable).parent/'saliency_nb'
ENV = {**os.environ, 'PYTHONWARNINGS': 'ignore', 'CUDA_VISIBLE_DEVICES': '', 'OMP_NUM_THREADS': '1'}
SEED = int(os.environ.get('SALIENCY_NB_KILL_SEED', time.time_ns() % 10**6))

pytestmark = pytest.mark.skipif(not (DATA/'osie').is_dir(), reason=f'real data not found in {DATA}')

def run(args, timeout=600):
    r = subprocess.run([str(CLI), *map(str, args)], capture_output=True, text=True, timeout=timeout, env=ENV)
    assert r.returncode == 0, f'{args[0]} failed ({r.returncode}):\n{r.stdout[-2000:]}\n{r.stderr[-3000:]}'
    return r

def run_and_kill(args, progress, target:int, rng, timeout=600, jitter:float=0.3):
    "Start the command, wait until `progress()` (a count of saved units of work) reaches `target`, then SIGKILL it after a random 0-`jitter` s."
    p = subprocess.Popen([str(CLI), *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
    t0 = time.time()
    while progress() < target:
        if p.poll() is not None: pytest.fail(f'{args[0]} ended ({p.returncode}) before saving {target} units of work: {p.stderr.read()[-2000:]}')
        if time.time() - t0 > timeout: p.kill(); pytest.fail(f'{args[0]} saved less than {target} units of work in {timeout} s')
        time.sleep(0.02)
    time.sleep(rng.uniform(0, jitter))
    finished = p.poll() is not None
    if not finished: p.send_signal(signal.SIGKILL)
    p.wait(timeout=60)
    print(f'{args[0]}: SIGKILL after {progress()} saved units of work (target {target}, seed {SEED}); '
          f'{"the job had already finished" if finished else "killed"}')
    return not finished

def leftovers(d:Path): return sorted(str(p.relative_to(d)) for p in d.rglob('*') if p.name.endswith(('.tmp', '.part', '.partial.jsonl')) or p.name == 'resume.pth')

def test_train_resumes_after_sigkill(tmp_path):
    rng = random.Random(SEED)
    args = lambda out: ['train', '--data', DATA/'osie', '--limit', '8', '--size', '64', '96', '--bs', '4', '--epochs', '4',
                        '--no-progress', '--seed', '3', '--out', out]
    run(args(tmp_path/'ref'))
    hist = tmp_path/'run'/'history.csv'
    epochs_done = lambda: max(len(hist.read_text().splitlines()) - 1, 0) if (tmp_path/'run'/'resume.pth').exists() and hist.exists() else 0
    killed = run_and_kill(args(tmp_path/'run'), epochs_done, rng.randint(1, 3), rng)  # in epoch 2, 3 or 4 of 4
    r = run(args(tmp_path/'run'))
    if killed: assert 'resumed at epoch' in r.stdout, r.stdout
    for f in ('model.pth', 'models/best.pth'):
        a, b = (torch.load(tmp_path/d/f, weights_only=True) for d in ('ref', 'run'))
        if f == 'model.pth': a, b = a['state_dict'], b['state_dict']
        assert a.keys() == b.keys(), f
        for k in a: assert torch.equal(a[k], b[k]), f'{f}: weights {k} differ from the uninterrupted run'
    h = [(tmp_path/d/'history.csv').read_text().splitlines() for d in ('ref', 'run')]
    strip = lambda lines: [ln.rsplit(',', 1)[0] for ln in lines]  # the time column differs
    assert strip(h[0]) == strip(h[1]), (h[0], h[1])
    assert len(h[1]) == 5  # header + 4 epochs
    assert leftovers(tmp_path/'run') == [], leftovers(tmp_path/'run')

def test_evaluate_resumes_after_sigkill(tmp_path):
    rng = random.Random(SEED + 1)
    from saliency_nb.core import center_bias
    from saliency_nb.data import read_osie
    ds = read_osie(DATA/'osie', check='none').split('test')
    pred = tmp_path/'pred'; pred.mkdir()
    for i in range(16):  # a real-data stand-in model: a blurred centre bias plus the image's own luminance
        img = ds.image(i).mean(2)
        np.save(pred/f'{ds.stems[i]}.npy', center_bias(ds.size(i), 0.2) + img/img.max())
    args = lambda js: ['evaluate', '--pred', pred, '--data', DATA/'osie', '--split', 'test', '--limit', '16', '--json', js]
    run(args(tmp_path/'ref.json'))
    part = tmp_path/'out'/'res.json.partial.jsonl'
    scored = lambda: len(part.read_text().splitlines()) - 1 if part.exists() else 0
    killed = run_and_kill(args(tmp_path/'out'/'res.json'), scored, rng.randint(1, 12), rng)
    run(args(tmp_path/'out'/'res.json'))
    assert json.loads((tmp_path/'out'/'res.json').read_text()) == json.loads((tmp_path/'ref.json').read_text())
    assert leftovers(tmp_path/'out') == [], leftovers(tmp_path/'out')

def test_gasp_cues_resume_after_sigkill(tmp_path):
    import cv2
    rng = random.Random(SEED + 2)
    video = DATA/'videos'/'Megamind.avi'
    if not video.is_file(): pytest.skip(f'{video} not found')
    frames = tmp_path/'frames'; frames.mkdir()
    cap = cv2.VideoCapture(str(video))
    for k in range(24):  # a 24-frame clip of the real dialogue video, as a frame folder
        ok, f = cap.read(); assert ok, f'cannot read frame {k} of {video}'
        cv2.imwrite(str(frames/f'{k + 1:04d}.png'), f)
    args = lambda out: ['gasp-cues', '--video', frames, '--out', out, '--long-side', '160', '--data', DATA, '--quiet', '--name', 'clip']
    run(args(tmp_path/'ref'))
    per_frame = len(list((tmp_path/'ref'/'videos'/'clip').glob('*/*.jpg')))//24  # cue maps per frame
    vdir = tmp_path/'run'/'videos'/'clip'
    # each frame takes milliseconds: kill within 20 ms of the target, so the kill lands mid-video
    killed = run_and_kill(args(tmp_path/'run'), lambda: len(list(vdir.glob('*/*.jpg'))), rng.randint(1, 16*per_frame), rng, jitter=0.02)
    if killed: print('cues.json complete at the kill:', json.loads((vdir/'cues.json').read_text())['complete'])
    run(args(tmp_path/'run'))
    ref = tmp_path/'ref'/'videos'/'clip'
    files = lambda d: sorted(str(p.relative_to(d)) for p in d.rglob('*') if p.is_file())
    assert files(ref) == files(vdir)
    for f in files(ref):
        if f == 'cues.json': continue
        assert filecmp.cmp(ref/f, vdir/f, shallow=False), f'{f} differs from the uninterrupted run'
    m1, m2 = (json.loads((d/'cues.json').read_text()) for d in (ref, vdir))
    for m in (m1, m2): m.pop('seconds'); m.pop('video')
    assert m1 == m2 and m2['complete'] and m2['n_frames'] == 24
    assert leftovers(tmp_path/'run') == [], leftovers(tmp_path/'run')
