"The command line, run as a user runs it: the installed console script in a subprocess."
import json, os, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
EXE = str(Path(sys.executable).parent/'saliency_nb')

def sh(*args, **kw):
    return subprocess.run([EXE, *map(str, args)], capture_output=True, text=True, cwd=kw.pop('cwd', ROOT), **kw)

def test_help_lists_every_command():
    from saliency_nb.cli import COMMANDS
    r = sh('--help')
    assert r.returncode == 0, r.stderr
    for name in COMMANDS: assert name in r.stdout

@pytest.mark.parametrize('name', __import__('saliency_nb.cli', fromlist=['COMMANDS']).COMMANDS)
def test_every_command_documents_its_flags(name):
    r = sh(name, '--help')
    assert r.returncode == 0, r.stderr
    from saliency_nb.cli import build_parser
    sp = build_parser([name])._subparsers._group_actions[0].choices[name]
    undocumented = [a.dest for a in sp._actions if not a.help]
    assert not undocumented, f"{name}: flags without help: {undocumented}"

def test_missing_data_is_one_clear_line(tmp_path):
    r = sh('demo', '--data', tmp_path/'nowhere', '--out', tmp_path/'out', '--budget', 0.1)
    assert r.returncode == 2, r.stderr
    assert 'Traceback' not in r.stderr and str(tmp_path/'nowhere'/'osie') in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1

def test_unknown_command_fails():
    assert sh('no-such-command').returncode != 0
