"""The documentation site: built offline by tools/build_docs.py (nbdev's processing + nbconvert), then checked:
every notebook has a page, every internal link and image resolves, nothing is loaded from the internet, and a
headless Chromium screenshot of the home page is not blank. Also unit tests of the builder's and readme.py's parts."""
import importlib.util, os, shutil, subprocess, sys, tempfile, time, warnings
from pathlib import Path
from urllib.parse import unquote, urlsplit
import pytest

pytestmark = pytest.mark.xdist_group("docs")  # one worker builds the site once for all docs tests

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT/'_docs'
CHROMIUM_INSTALL = 'apt-get update && apt-get install -y chromium'

def _load(name):
    spec = importlib.util.spec_from_file_location(f'_tools_{name}', ROOT/'tools'/f'{name}.py')
    mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
    return mod

bd, readme = _load('build_docs'), _load('readme')

@pytest.fixture(scope='module')
def site():
    "Build the site once for this module (nbdev caches its processing in _proc/ between runs)."
    t = time.time()
    r = subprocess.run([sys.executable, str(ROOT/'tools'/'build_docs.py'), '--offline'], cwd=ROOT,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, f'tools/build_docs.py failed:\n{r.stdout[-3000:]}\n{r.stderr[-6000:]}'
    print(f'docs built in {time.time()-t:.1f}s')
    return DOCS

def _pages(docs): return sorted(docs.rglob('*.html'))

_SOUPS = {}
def _soup(p):
    "Parsed page, cached (pages are large: images are embedded)."
    from bs4 import BeautifulSoup
    p = Path(p).resolve()
    key = (p, p.stat().st_mtime_ns)
    if key not in _SOUPS: _SOUPS[key] = BeautifulSoup(p.read_text(encoding='utf-8'), 'html.parser')
    return _SOUPS[key]

def _local(url):
    u = urlsplit(url)
    return not (u.scheme or u.netloc or url.startswith(('#', '/', 'data:', 'mailto:', 'javascript:')))

def test_every_notebook_has_a_page(site):
    nbs = ROOT/'nbs'
    from nbdev.doclinks import _nbpath2html
    missing = [nb for nb in bd.notebooks(nbs) if not (site/_nbpath2html(Path(nb))).exists()]
    assert not missing, f'no page built for {missing}'
    if (nbs/'index.ipynb').exists(): assert (site/'index.html').exists()

def test_pages_have_title_and_sidebar(site):
    for p in _pages(site):
        s = _soup(p)
        assert s.select_one('header.page-header h1.title').get_text(strip=True), f'{p.name}: empty title'
        links, n = s.select('nav.site-sidebar a[href]'), len(bd.notebooks(ROOT/'nbs'))
        assert len(links) == n, f'{p.name}: sidebar has {len(links)} links for {n} notebooks'
        assert s.select('nav.site-sidebar a.active'), f'{p.name}: its own sidebar entry is not marked active'

def test_internal_links_resolve(site):
    bad, ids = [], {}
    for p in _pages(site):
        for a in _soup(p).find_all('a', href=True):
            href = a['href']
            if href.startswith('#'):
                target, frag = p, href[1:]
            elif _local(href):
                target, frag = (p.parent/unquote(urlsplit(href).path)).resolve(), urlsplit(href).fragment
                if not target.exists(): bad.append(f'{p.relative_to(site)}: {href} (no such file)'); continue
            else: continue
            # nbdev links backticked private names (`_helper`) to `page.html#_helper` but documents no private names
            if frag and target.suffix == '.html' and not frag.startswith('_'):
                if target not in ids: ids[target] = {t['id'] for t in _soup(target).find_all(id=True)}
                if unquote(frag) not in ids[target]: bad.append(f'{p.relative_to(site)}: {href} (no #{frag} in {target.name})')
    assert not bad, 'broken internal links:\n' + '\n'.join(bad[:30])

def test_images_resolve(site):
    bad = []
    for p in _pages(site):
        for img in _soup(p).find_all('img'):
            src = img.get('src', '')
            if src.startswith('data:'): continue
            if not src or not _local(src): bad.append(f'{p.relative_to(site)}: <img src="{src[:80]}"> (not a local file)')
            elif not (p.parent/unquote(urlsplit(src).path)).exists(): bad.append(f'{p.relative_to(site)}: {src} (missing)')
    assert not bad, 'unresolved images:\n' + '\n'.join(bad[:30])

def test_nothing_loaded_from_the_internet(site):
    bad = []
    for p in _pages(site):
        s = _soup(p)
        for t, attr in (('script', 'src'), ('link', 'href'), ('iframe', 'src')):
            for e in s.find_all(t):
                if e.get(attr) and not _local(e[attr]): bad.append(f'{p.name}: <{t} {attr}="{e[attr]}">')
    assert not bad, '\n'.join(bad)

def test_sidebar_yml_lists_every_notebook():
    nbs = ROOT/'nbs'
    assert (nbs/'sidebar.yml').exists(), 'nbs/sidebar.yml is missing: run `.venv/bin/python tools/build_docs.py --sidebar`'
    missing = []
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        bd.read_sidebar(nbs, bd.notebooks(nbs), missing)
    assert not missing, f'nbs/sidebar.yml lacks {missing}: run `.venv/bin/python tools/build_docs.py --sidebar`'

def _chromium():
    for name in ('chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'):
        if shutil.which(name): return shutil.which(name)

def test_screenshot_of_home_page_is_not_blank(site, tmp_path):
    exe = _chromium()
    if exe is None:
        msg = f'headless Chromium is needed for the docs screenshot test: `{CHROMIUM_INSTALL}` (Debian package `chromium`)'
        if os.environ.get('CI'): pytest.fail(msg)
        pytest.skip(msg)
    page = site/'index.html' if (site/'index.html').exists() else _pages(site)[0]
    shot = tmp_path/'screenshot_index.png'
    with tempfile.TemporaryDirectory() as prof:
        r = subprocess.run([exe, '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
                            '--disable-component-update', '--disable-sync', '--no-first-run', f'--user-data-dir={prof}',
                            '--hide-scrollbars', f'--screenshot={shot}', '--window-size=1280,900', page.as_uri()],
                           capture_output=True, text=True, timeout=120)
    assert shot.exists(), f'chromium wrote no screenshot (exit {r.returncode}):\n{r.stderr[-3000:]}'
    shutil.copy(shot, site/'screenshot_index.png')
    import numpy as np
    from PIL import Image
    a = np.asarray(Image.open(shot).convert('L'), dtype=float)
    assert a.shape == (900, 1280)
    assert a.std() > 10, f'screenshot looks blank (pixel std {a.std():.1f})'
    assert (a < 200).mean() > 0.02, 'screenshot is almost all white: the page did not render'
    assert (a[:52] < 200).mean() > 0.5, 'no navbar at the top of the screenshot'

# -- the builder's parts

def test_fix_markdown_pandoc_syntax():
    md = bd.fix_markdown('[source](https://x.org/a.py#L3){target="_blank" style="float:right"}\n\n'
                         '::: {.callout-note}\nSome *text*\n:::\n\n```\n::: {.callout-tip}\n```\n## Head {#h .unnumbered}')
    assert '<a href="https://x.org/a.py#L3" target="_blank" style="float:right">source</a>' in md
    assert '<div class="callout callout-note">' in md and '<div class="callout-title">Note</div>' in md
    assert '\n::: {.callout-tip}\n' in md, 'code fences must be left alone'
    assert md.rstrip().endswith('## Head')

def test_pandoc_ids_match_nbdev_doclinks():
    assert bd.pandoc_id('data_home') == 'data_home'
    assert bd.pandoc_id('Learner.fit') == 'learner.fit'
    assert bd.pandoc_id('Fixation density: the ground truth') == 'fixation-density-the-ground-truth'
    assert bd.pandoc_id('1. Intro') == 'intro'

def test_split_directives():
    d, body = bd.split_directives('#| echo: false\n#| output: asis\nshow_doc(f)')
    assert d == {'echo': 'false', 'output': 'asis'} and body == 'show_doc(f)'

def test_sidebar_yml_order(tmp_path):
    for nb in ('02_b.ipynb', 'index.ipynb', '00_a.ipynb', 'tutorials/11_y.ipynb', 'tutorials/10_x.ipynb', '_skip.ipynb'):
        (tmp_path/nb).parent.mkdir(exist_ok=True, parents=True); (tmp_path/nb).write_text('{}')
    assert bd.notebooks(tmp_path) == ['index.ipynb', '00_a.ipynb', '02_b.ipynb', 'tutorials/10_x.ipynb', 'tutorials/11_y.ipynb']
    import yaml
    c = yaml.safe_load(bd.sidebar_yml(tmp_path))['website']['sidebar']['contents']
    assert c == ['index.ipynb', '00_a.ipynb', '02_b.ipynb',
                 {'section': 'Tutorials', 'contents': ['tutorials/10_x.ipynb', 'tutorials/11_y.ipynb']}]

def test_math_becomes_mathml():
    pytest.importorskip('latex2mathml')
    from bs4 import BeautifulSoup
    s = BeautifulSoup('<div class="jp-RenderedMarkdown"><p>with $s = f_c/\\sqrt{\\ln 2}$ and <code>$HOME</code></p></div>', 'html.parser')
    bd.convert_math(s)
    assert s.find('math') is not None and '<code>$HOME</code>' in str(s)

def test_readme_from_notebook():
    def cell(t, src, outputs=()): return dict(cell_type=t, source=src, metadata={}, **({'outputs': list(outputs)} if t == 'code' else {}))
    nb = {'cells': [cell('code', '#| hide\nfrom x import *'), cell('markdown', '# T\n\n> sub'),
                    cell('code', '#| echo: false\n1+1', [{'output_type': 'execute_result', 'data': {'text/plain': '2'}}]),
                    cell('code', 'plot()', [{'output_type': 'display_data', 'data': {'image/png': 'AA==', 'text/plain': '<Figure>'}},
                                            {'output_type': 'stream', 'name': 'stdout', 'text': ['hi\n']}]),
                    cell('code', '#| export\ndef f(): pass')]}
    md = readme.nb2md(nb)
    assert md.startswith(readme.HEADER + '\n\n# T\n\n> sub\n')
    assert 'from x import' not in md and 'def f' not in md and '1+1' not in md and '#|' not in md
    assert '```\n2\n```' in md and '```python\nplot()\n```' in md and '```\nhi\n```' in md and 'Figure' not in md
