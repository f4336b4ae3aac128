"Every notebook runs as a test (one pytest test per notebook), honouring `tst_flags` like `nbdev_test`."
import configparser, os
from pathlib import Path
import pytest
from nbdev.test import test_nb as run_nb

ROOT = Path(__file__).resolve().parents[1]
NBS = sorted(p for p in (ROOT/'nbs').rglob('*.ipynb')
             if not any(part.startswith(('_', '.')) for part in p.relative_to(ROOT/'nbs').parts))

def _skip_flags():
    cfg = configparser.ConfigParser(); cfg.read(ROOT/'settings.ini')
    flags = set(cfg['DEFAULT'].get('tst_flags', '').split())
    return sorted(flags - set(os.environ.get('SALIENCY_NB_TEST_FLAGS', '').split()))

@pytest.mark.parametrize('nb', NBS, ids=[str(p.relative_to(ROOT/'nbs')) for p in NBS])
def test_notebook(nb):
    ok, secs = run_nb(nb, skip_flags=_skip_flags(), showerr=True)
    assert ok, f"{nb.name} failed (see the traceback above)"
