"`train`/`predict`/`demo` end to end as a user runs them (python -m saliency_nb.train; `saliency_nb <cmd>` once registered)."
import json, os, subprocess, sys
from pathlib import Path
import numpy as np
import pytest

def sh(*args, cwd=None):
    return subprocess.run([sys.executable, '-m', 'saliency_nb.train', *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=900)

def test_quick_demo_then_predict(tmp_path):
    data = Path(os.environ.get('SALIENCY_NB_DATA', Path(__file__).resolve().parents[2]/'shared'/'data'))
    if not (data/'osie').is_dir(): pytest.skip('no OSIE data')
    out = tmp_path/'demo'
    r = sh('demo', '--data', data, '--out', out, '--budget', 0.5, '--limit', 12, '--n_test', 3, '--n_fig', 3, '--size', 64, 96, '--no-progress')
    assert r.returncode == 0, r.stderr[-3000:]
    for f in ('metrics.md', 'metrics.csv', 'curves.png', 'figure.png', 'model.pth', 'run.json', 'history.csv'): assert (out/f).stat().st_size > 0
    run = json.loads((out/'run.json').read_text())
    assert run['epochs_run'] >= 1 and set(run['test']) == {'model', 'centre bias', 'inter-observer'}
    imgs = tmp_path/'imgs'; imgs.mkdir()
    for s in ('1001', '1002'): (imgs/f'{s}.jpg').write_bytes((data/'osie'/'stimuli'/f'{s}.jpg').read_bytes())
    r = sh('predict', '--model', out/'model.pth', '--images', imgs, '--out', tmp_path/'maps')
    assert r.returncode == 0, r.stderr[-3000:]
    m = np.load(tmp_path/'maps'/'1001.npy')
    assert m.shape == (600, 800) and m.dtype == np.float32 and abs(m.sum() - 1) < 1e-3
    assert len(list((tmp_path/'maps').glob('*.npy'))) == 2

    # a folder-format data set the model never saw (3 OSIE test images): predict, then evaluate, all from the CLI
    from saliency_nb.data import read_osie, export_folder
    test = read_osie(data/'osie').split('test')
    unseen = export_folder(test.subset(test.stems[-3:]), tmp_path/'unseen')
    r = sh('predict', '--model', out/'model.pth', '--images', unseen/'stimuli', '--out', tmp_path/'unseen_maps')
    assert r.returncode == 0, r.stderr[-3000:]
    exe = Path(sys.executable).parent/'saliency_nb'
    r = subprocess.run([str(exe), 'evaluate', '--pred', str(tmp_path/'unseen_maps'), '--data', str(unseen), '--format', 'folder',
                        '--json', str(tmp_path/'unseen.json')], capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    res = json.loads((tmp_path/'unseen.json').read_text())
    assert res['n_images'] == 3 and set(res['summary']) == {'model', 'centre bias', 'inter-observer'}
    assert all(np.isfinite(v) for v in res['summary']['model'].values() if v is not None)

def test_predict_errors_are_one_line(tmp_path):
    (tmp_path/'empty').mkdir(); (tmp_path/'bad.pth').write_bytes(b'xx')
    r = sh('predict', '--model', tmp_path/'bad.pth', '--images', tmp_path/'empty', '--out', tmp_path/'o')
    assert r.returncode == 2 and 'No images in' in r.stderr and 'Traceback' not in r.stderr
