import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def pytest_configure(config):
    os.environ.setdefault('MPLBACKEND', 'agg')
    shared = ROOT.parent/'shared'/'data'
    if not os.environ.get('SALIENCY_NB_DATA') and shared.is_dir(): os.environ['SALIENCY_NB_DATA'] = str(shared)
