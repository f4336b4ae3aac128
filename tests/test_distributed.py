"Distributed training: `saliency_nb.train train` under torchrun with 2 CPU processes (gloo), tiny model input and data."
import json, os, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]

def test_train_two_cpu_processes(tmp_path):
    pytest.importorskip('accelerate')  # fastai's DistributedTrainer needs it
    data = Path(os.environ.get('SALIENCY_NB_DATA', ROOT.parent/'shared'/'data'))/'osie'
    if not data.is_dir(): pytest.skip(f'no OSIE data at {data}')
    out = tmp_path/'run'
    env = {**os.environ, 'OMP_NUM_THREADS': '1', 'CUDA_VISIBLE_DEVICES': ''}
    cmd = [sys.executable, '-m', 'torch.distributed.run', '--standalone', '--nproc_per_node', '2', '-m', 'saliency_nb.train', 'train',
           '--data', data, '--format', 'osie', '--limit', '4', '--size', '64', '64', '--bs', '2', '--epochs', '1',
           '--no-pretrained', '--no-progress', '--out', out]
    r = subprocess.run(list(map(str, cmd)), capture_output=True, text=True, env=env, timeout=600, cwd=tmp_path)
    log = r.stdout + r.stderr
    assert r.returncode == 0, log[-4000:]
    # both ranks trained: 4 train images, batch 2 -> 2 batches, split over 2 processes -> 1 batch each
    assert 'rank 0/2: trained 1 batches' in log and 'rank 1/2: trained 1 batches' in log, log[-4000:]
    # only rank 0 wrote: one checkpoint, one history, one config, and a single 'wrote' line
    assert log.count('wrote ') == 1 and 'rank 0: wrote' in log
    assert sorted(p.name for p in out.iterdir() if p.is_file()) == ['config.json', 'history.csv', 'model.pth']
    cfg = json.loads((out/'config.json').read_text())
    assert cfg['world_size'] == 2 and cfg['train']['epochs_run'] == 1
    from saliency_nb.train import load_trained
    model, c = load_trained(out/'model.pth')
    assert tuple(c['input_size']) == (64, 64) and c['arch'] == 'default'
