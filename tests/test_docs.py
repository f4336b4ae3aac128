"""The documentation site: built offline by tools/build_docs.py (nbdev's processing + nbconvert), then checked:
every notebook has a page, every internal link and image resolves, nothing is loaded from the internet, a
headless Chromium screenshot of the home page is not blank, and Chromium loads each tutorial page with all its
images decoded at a non-zero size. Also unit tests of the builder's and readme.py's parts."""
import importlib.util, json, os, select, shutil, subprocess, sys, tempfile, time, warnings
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

# -- tutorials: Chromium loads each page and every image on it

class _Browser:
    "Headless Chromium driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`): no port, no extra package."
    def __init__(self, exe, timeout=60):
        self.timeout, self.buf, self.n, self.events = timeout, b'', 0, []
        self.prof = tempfile.TemporaryDirectory()
        cmd_r, self.cmd_w = os.pipe()  # our commands -> the browser's fd 3
        self.res_r, res_w = os.pipe()  # the browser's fd 4 -> its answers
        def fds():  # in the child, before exec: the two pipe ends become fds 3 and 4 (via high fds: no clobbering)
            a, b = os.dup(cmd_r) + 100, os.dup(res_w) + 100
            os.dup2(cmd_r, a); os.dup2(res_w, b); os.dup2(a, 3); os.dup2(b, 4)
        self.proc = subprocess.Popen([exe, '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
                                      '--disable-component-update', '--disable-sync', '--no-first-run', '--hide-scrollbars',
                                      f'--user-data-dir={self.prof.name}', '--window-size=1280,900', '--remote-debugging-pipe'],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     preexec_fn=fds, pass_fds=(3, 4))
        os.close(cmd_r); os.close(res_w)
        try:
            tid = self.send('Target.createTarget', url='about:blank')['targetId']
            self.sid = self.send('Target.attachToTarget', targetId=tid, flatten=True)['sessionId']
            self.send('Page.enable', session=True)
        except Exception: self.close(); raise

    def _read(self, until):
        while b'\0' not in self.buf:
            left = until - time.time()
            if left <= 0 or not select.select([self.res_r], [], [], left)[0]: raise TimeoutError(f'no answer from Chromium in {self.timeout}s')
            chunk = os.read(self.res_r, 1 << 20)
            if not chunk: raise RuntimeError(f'Chromium exited:\n{self.proc.stderr.read().decode(errors="replace")[-3000:]}')
            self.buf += chunk
        msg, _, self.buf = self.buf.partition(b'\0')
        return json.loads(msg)

    def send(self, method, session=False, **params):
        "Send a DevTools command (to the page's session if `session`) and return its result; events are queued."
        self.n += 1
        msg = {'id': self.n, 'method': method, 'params': params, **({'sessionId': self.sid} if session else {})}
        os.write(self.cmd_w, json.dumps(msg).encode() + b'\0')
        until = time.time() + self.timeout
        while True:
            m = self._read(until)
            if m.get('id') == self.n:
                if 'error' in m: raise RuntimeError(f'{method}: {m["error"]}')
                return m['result']
            self.events.append(m)

    def load(self, url)->str|None:
        "Open `url` and wait for its load event; the browser's error text if it could not."
        self.events.clear()
        r = self.send('Page.navigate', session=True, url=url)
        if r.get('errorText'): return r['errorText']
        until = time.time() + self.timeout
        while not any(m.get('method') == 'Page.loadEventFired' for m in self.events): self.events.append(self._read(until))

    def eval(self, js):
        "Value of the JavaScript expression `js` in the page (promises awaited)."
        r = self.send('Runtime.evaluate', session=True, expression=js, awaitPromise=True, returnByValue=True)
        if 'exceptionDetails' in r: raise RuntimeError(f"JavaScript error: {r['exceptionDetails']}")
        return r['result'].get('value')

    def close(self):
        try: self.send('Browser.close')
        except Exception: pass
        try: self.proc.wait(10)
        except subprocess.TimeoutExpired: self.proc.kill(); self.proc.wait()
        for fd in (self.cmd_w, self.res_r): os.close(fd)
        self.prof.cleanup()

_IMAGES_JS = """(async () => {
  const imgs = [...document.images];
  await Promise.all(imgs.map(i => i.decode().catch(() => null)));
  return {title: (document.querySelector('header.page-header h1.title') || {}).textContent || '',
          images: imgs.map(i => { const r = i.getBoundingClientRect();
            return {src: (i.getAttribute('src') || '').slice(0, 60), complete: i.complete, nw: i.naturalWidth,
                    nh: i.naturalHeight, w: r.width, h: r.height}; })};
})()"""

MIN_TUTORIALS = 5

def _tutorial_pages(docs): return sorted((docs/'tutorials').glob('*.html'))

def _need_chromium():
    exe = _chromium()
    if exe is None:
        msg = f'headless Chromium is needed for the docs browser tests: `{CHROMIUM_INSTALL}` (Debian package `chromium`)'
        if os.environ.get('CI'): pytest.fail(msg)
        pytest.skip(msg)
    return exe

def _page_problems(b:_Browser, p:Path, name:str)->tuple:
    "Open page `p` in `b`: (problems found, number of images the browser saw)."
    err = b.load(p.as_uri())
    if err: return [f'{name}: did not load ({err})'], 0
    r, bad = b.eval(_IMAGES_JS), []
    if not r['title'].strip(): bad.append(f'{name}: no page title after loading')
    n_html = len(_soup(p).find_all('img'))
    if len(r['images']) != n_html: bad.append(f'{name}: the browser has {len(r["images"])} images, the HTML {n_html}')
    for im in r['images']:
        if not (im['complete'] and im['nw'] > 0 and im['nh'] > 0): bad.append(f"{name}: <img src=\"{im['src']}\"> did not load")
        elif not (im['w'] > 0 and im['h'] > 0): bad.append(f"{name}: <img src=\"{im['src']}\"> has zero size on the page")
    return bad, len(r['images'])

def test_tutorial_pages_load_with_their_images(site):
    "Chromium opens every page under _docs/tutorials/; each <img> (embedded or a file) decodes and has a non-zero size."
    exe = _need_chromium()
    pages = _tutorial_pages(site)
    assert pages, f'no tutorial pages in {site/"tutorials"}: nbs/tutorials/ has no notebooks, or the build skipped them'
    bad, seen = [], {}
    b = _Browser(exe)
    try:
        for p in pages:
            name = p.relative_to(site).as_posix()
            probs, seen[name] = _page_problems(b, p, name)
            bad += probs
    finally: b.close()
    print('tutorial pages and their images:', seen)
    assert not bad, '\n'.join(bad[:30])

def test_browser_check_finds_broken_images(tmp_path):
    "The check above can fail: a missing file, a corrupt embedded image and a zero-size image are reported; a good one is not."
    exe = _need_chromium()
    import base64, io
    from PIL import Image
    buf = io.BytesIO(); Image.new('RGB', (8, 4), 'red').save(buf, 'PNG')
    ok = 'data:image/png;base64,' + base64.b64encode(buf.getvalue()).decode()
    (tmp_path/'sub').mkdir(); Image.new('RGB', (8, 4), 'blue').save(tmp_path/'pic.png')
    page = tmp_path/'sub'/'page.html'
    page.write_text(f'<html><body><header class="page-header"><h1 class="title">T</h1></header><img src="{ok}">'
                    f'<img src="../pic.png"><img src="missing.png"><img src="data:image/png;base64,AAAA">'
                    f'<img src="../pic.png" style="width:0"></body></html>')
    b = _Browser(exe)
    try:
        bad, n = _page_problems(b, page, 'page')
        missing = _page_problems(b, tmp_path/'nowhere.html', 'nowhere')[0]
    finally: b.close()
    assert n == 5
    assert len(bad) == 3 and 'missing.png' in bad[0] and 'data:image/png;base64,AAAA' in bad[1] and 'zero size' in bad[2], bad
    assert missing and 'did not load' in missing[0], missing

def test_at_least_five_tutorials(site):
    nbs = sorted((ROOT/'nbs'/'tutorials').glob('[!_.]*.ipynb'))
    assert len(nbs) >= MIN_TUTORIALS, f'nbs/tutorials/ has {len(nbs)} notebooks ({[p.name for p in nbs]}); the site needs at least {MIN_TUTORIALS} tutorials'
    pages = _tutorial_pages(site)
    assert len(pages) >= MIN_TUTORIALS, f'_docs/tutorials/ has {len(pages)} pages for {len(nbs)} tutorial notebooks'

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
    assert c == ['index.ipynb', {'section': 'Tutorials', 'contents': ['tutorials/10_x.ipynb', 'tutorials/11_y.ipynb']},
                 '00_a.ipynb', '02_b.ipynb']  # get started, tutorials, reference (house style)

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
