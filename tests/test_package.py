"Package hygiene: imports, notebook hygiene, exported code in sync with the notebooks, lint, README."
import json, shutil, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
MODULES = sorted(p.stem for p in (ROOT/'saliency_nb').glob('*.py') if not p.stem.startswith('_'))
NBS = sorted((ROOT/'nbs').rglob('*.ipynb'))

@pytest.mark.parametrize('mod', MODULES)
def test_module_imports_in_fresh_process(mod):
    r = subprocess.run([sys.executable, '-c', f'import saliency_nb.{mod}'], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr

def test_notebooks_clean():
    bad = []
    for p in NBS:
        nb = json.loads(p.read_text())
        for c in nb['cells']:
            if 'id' not in c: bad.append(f"{p.name}: cell without id")
            if c['cell_type'] == 'code' and c.get('execution_count'): bad.append(f"{p.name}: execution count {c['execution_count']}")
    assert not bad, "run nbdev_clean:\n" + "\n".join(bad[:20])

def test_export_in_sync(tmp_path):
    for f in ('settings.ini', 'setup.py', 'README.md'): shutil.copy(ROOT/f, tmp_path/f)
    shutil.copytree(ROOT/'nbs', tmp_path/'nbs', symlinks=True)
    shutil.copytree(ROOT/'saliency_nb', tmp_path/'saliency_nb', ignore=shutil.ignore_patterns('__pycache__'))
    r = subprocess.run([str(BIN/'nbdev_export')], cwd=tmp_path, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    stale = [p.name for p in sorted((tmp_path/'saliency_nb').glob('*.py'))
             if not (ROOT/'saliency_nb'/p.name).exists() or p.read_text() != (ROOT/'saliency_nb'/p.name).read_text()]
    assert not stale, f"saliency_nb/ is out of sync with nbs/ for {stale}: run `nbdev_clean && nbdev_export` and commit"

def test_ruff_undefined_and_redefined_names():
    r = subprocess.run([str(BIN/'ruff'), 'check', '--select', 'F821,F811', '--quiet', 'saliency_nb'], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr

def test_readme_up_to_date():
    r = subprocess.run([sys.executable, 'tools/readme.py', '--check'], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr

def test_readme_shows_the_two_commands():
    txt = (ROOT/'README.md').read_text()
    assert 'make test' in txt and 'make demo' in txt

def test_ci_calls_the_readme_test_command():
    assert 'make test' in (ROOT/'.ci'/'run').read_text()
