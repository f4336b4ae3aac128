"""Build the documentation site into `_docs/`.

With Quarto on PATH this hands over to `nbdev_docs` (the nbdev + Quarto site configured by `_quarto.yml`), then
rewrites README.md with tools/readme.py so README.md has one format whatever the machine.
Without Quarto it builds the same pages offline: nbdev's own notebook processing (`nbdev.serve.proc_nbs`, which
writes `_proc/`: show_doc rendering, directives, hidden cells removed, doclinks), then nbconvert's HTMLExporter
('lab' template) for each processed notebook, with a sidebar in `nbs/sidebar.yml` order, internal links rewritten
to the built pages, images embedded, math converted to MathML at build time (latex2mathml, when installed) and no
file loaded from the internet. The notebooks' saved outputs are shown; nothing is re-executed except what nbdev's
processing runs (exported cells, imports, show_doc).

Usage (from anywhere; the repository is the folder above this script):
    .venv/bin/python tools/build_docs.py             # build _docs/ (Quarto if present, else offline)
    .venv/bin/python tools/build_docs.py --offline   # offline build even when Quarto is installed
    .venv/bin/python tools/build_docs.py --sidebar   # regenerate nbs/sidebar.yml from the notebooks present, then stop
    .venv/bin/python tools/build_docs.py --force     # ignore nbdev's _proc cache
"""
import argparse, html, os, re, shutil, subprocess, sys, tempfile, warnings
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------------------------------------------------------
# Notebooks and the sidebar

def _cfg():
    from nbdev.config import get_config
    return get_config(path=ROOT)

def notebooks(nbs:Path)->list:
    "Notebook paths relative to `nbs` (posix strings), in site order: index, top-level sorted, then each subfolder."
    from nbdev.doclinks import nbglob
    files = [PurePosixPath(Path(f).relative_to(nbs).as_posix()) for f in nbglob(nbs)]
    def key(p): return (len(p.parts) > 1, tuple(p.parts[:-1]), p.name != 'index.ipynb', p.name)
    return [str(p) for p in sorted(files, key=key)]

def _section_name(folder:str)->str: return re.sub(r'^\d+[a-zA-Z0-9]*_', '', folder).replace('_', ' ').capitalize()

def sidebar_yml(nbs:Path)->str:
    "YAML text of a Quarto sidebar: the home page, then one section per subfolder (the tutorials), then the reference pages."
    import yaml
    from nbdev.quarto import IndentDumper
    home, ref, sections = [], [], {}
    for nb in notebooks(nbs):
        parts = PurePosixPath(nb).parts
        if len(parts) > 1: sections.setdefault(parts[0], []).append(nb)
        else: (home if nb == 'index.ipynb' else ref).append(nb)
    contents = home + [{'section': _section_name(folder), 'contents': nbl} for folder, nbl in sections.items()] + ref
    return yaml.dump({'website': {'sidebar': {'contents': contents}}}, Dumper=IndentDumper, sort_keys=False)

def read_sidebar(nbs:Path, present:list, missing:list|None=None)->list:
    """Sidebar as a list of ('page', nb) and ('section', title, [items]) from nbs/sidebar.yml, keeping only notebooks
    that exist; notebooks missing from the file go in an 'Other pages' section (with a warning)."""
    import yaml
    from fnmatch import fnmatch
    yml = nbs/'sidebar.yml'
    entries = None
    if yml.exists():
        try: entries = ((yaml.safe_load(yml.read_text()) or {}).get('website') or {}).get('sidebar') or {}
        except yaml.YAMLError as e: warnings.warn(f'{yml} is not valid YAML ({e}); using the notebooks in sorted order')
        if isinstance(entries, list): entries = entries[0] if entries else {}
        entries = entries.get('contents') if isinstance(entries, dict) else None
    if not entries: entries = yaml.safe_load(sidebar_yml(nbs))['website']['sidebar']['contents']
    used = set()
    def walk(items):
        if isinstance(items, (str, dict)): items = [items]
        res = []
        for o in items or []:
            if isinstance(o, dict) and ('section' in o or 'contents' in o):
                sub = walk(o.get('contents'))
                title = o.get('section') or o.get('text') or ''
                if sub or o.get('href'): res.append(('section', str(title), sub))
                continue
            href = o.get('href') if isinstance(o, dict) else o
            if not isinstance(href, str): continue
            href = href.lstrip('./') if href.startswith('./') else href
            matches = [n for n in present if fnmatch(n, href)] if any(c in href for c in '*?[') else (
                [href] if href in present else [])
            if not matches: warnings.warn(f'nbs/sidebar.yml lists {href!r}, which is not a notebook in nbs/: skipped')
            for m in matches:
                if m not in used: used.add(m); res.append(('page', m))
        return res
    res = walk(entries)
    miss = [n for n in present if n not in used]
    if missing is not None: missing.extend(miss)
    if miss:
        warnings.warn(f'Not in nbs/sidebar.yml: {miss}; run `tools/build_docs.py --sidebar` to regenerate it')
        res.append(('section', 'Other pages', [('page', n) for n in miss]))
    return res

# ---------------------------------------------------------------------------------------------------------------
# Markdown fixes: the Quarto/pandoc syntax nbdev emits (or authors use) that plain CommonMark does not know

_re_attr_tok = re.compile(r'''([.#][\w:-]+)|([\w-]+)=("[^"]*"|'[^']*'|[^\s"']+)''')
def _attrs(s:str)->dict:
    "Parse a pandoc attribute block `.cls #id key=val` into HTML attributes."
    d, cls = {}, []
    for m in _re_attr_tok.finditer(s):
        if m.group(1):
            if m.group(1)[0] == '.': cls.append(m.group(1)[1:])
            else: d['id'] = m.group(1)[1:]
        else: d[m.group(2)] = m.group(3).strip('"\'')
    if cls: d['class'] = ' '.join(cls)
    return d

def _attr_str(d:dict)->str: return ''.join(f' {k}="{html.escape(str(v))}"' for k, v in d.items())

def _inline_md(s:str)->str:
    "Tiny inline markdown (code spans, emphasis) for text that goes into raw HTML."
    s = html.escape(s, quote=False)
    s = re.sub(r'`([^`]+)`', r'<code>\1</code>', s)
    s = re.sub(r'\*\*([^*]+)\*\*', r'<strong>\1</strong>', s)
    return re.sub(r'\*([^*]+)\*', r'<em>\1</em>', s)

_re_link_attr = re.compile(r'(!?)\[((?:[^\[\]]|\[[^\]]*\])*)\]\(([^)\s]+)(?:\s+"([^"]*)")?\)\{([^}]*)\}')
def _link_attrs(m):
    img, text, url, title, attrs = m.groups()
    d = _attrs(attrs)
    if title: d['title'] = title
    if img: return f'<img src="{html.escape(url)}" alt="{html.escape(text)}"{_attr_str(d)}>'
    return f'<a href="{html.escape(url)}"{_attr_str(d)}>{_inline_md(text)}</a>'

_re_div_open = re.compile(r'^(:{3,})\s*(?:\{([^}]*)\}|([\w-]+))\s*$')
_re_div_close = re.compile(r'^:{3,}\s*$')
_re_fence = re.compile(r'^\s*(```|~~~)')
_re_head_attr = re.compile(r'^(#{1,6}\s.*?)\s*\{[^}]*\}\s*$')

def fix_markdown(md:str)->str:
    "Pandoc link/image attributes, fenced divs (callouts) and heading attributes, outside code fences."
    out, in_code, stack = [], False, []
    for line in md.split('\n'):
        if _re_fence.match(line): in_code = not in_code; out.append(line); continue
        if in_code: out.append(line); continue
        m = _re_div_open.match(line)
        if m:
            d = _attrs(m.group(2)) if m.group(2) is not None else {'class': m.group(3)}
            cls = d.get('class', '')
            callout = next((c for c in cls.split() if c.startswith('callout-')), None)
            title = d.pop('title', None)
            if callout:
                d['class'] = f'callout {cls}'
                title = title or callout[len('callout-'):].capitalize()
                out += [f'<div{_attr_str(d)}>', f'<div class="callout-title">{_inline_md(title)}</div>', '']
            else: out += [f'<div{_attr_str(d)}>', '']
            stack.append(1); continue
        if _re_div_close.match(line) and stack:
            stack.pop(); out += ['', '</div>', '']; continue
        line = _re_head_attr.sub(r'\1', line)
        out.append(_re_link_attr.sub(_link_attrs, line))
    out += ['', '</div>'] * len(stack)
    return '\n'.join(out)

# ---------------------------------------------------------------------------------------------------------------
# Processed notebook -> notebook nbconvert renders like Quarto would

_re_dir = re.compile(r'^\s*#\|\s*(.*?)\s*$')
_WIDGET = 'application/vnd.jupyter.widget-view+json'

def _src(cell)->str: return ''.join(cell.get('source', '')) if isinstance(cell.get('source'), list) else cell.get('source', '')

def split_directives(src:str):
    "Leading `#| key: value` lines of a code cell as a dict, and the source without them."
    lines, d = src.split('\n'), {}
    i = 0
    while i < len(lines):
        m = _re_dir.match(lines[i])
        if not m:
            if lines[i].strip() == '' and not d: i += 1; continue
            break
        k, _, v = m.group(1).partition(':')
        d[k.strip()] = v.strip().lower()
        i += 1
    return d, '\n'.join(lines[i:]).strip('\n')

def frontmatter(nb)->dict:
    from nbdev.frontmatter import _fm2dict
    for c in nb.cells:
        if c.cell_type == 'raw':
            d = _fm2dict(_src(c))
            if d: return d
    return {}

def prepare_nb(nb):
    "Apply Quarto's cell options (echo, output, include) and fix markdown, in place."
    import nbformat
    cells = []
    for c in nb.cells:
        src = _src(c)
        if c.cell_type == 'raw':
            if src.strip().startswith('---') and frontmatter(nbformat.v4.new_notebook(cells=[c])): continue
            fmt = c.metadata.get('format', c.metadata.get('raw_mimetype', ''))
            if 'html' not in fmt: continue
            cells.append(c); continue
        if c.cell_type == 'markdown':
            if not re.sub(r'<!--.*?-->', '', src, flags=re.S).strip(): continue
            c.source = fix_markdown(src)
            cells.append(c); continue
        if c.cell_type != 'code': continue
        d, body = split_directives(src)
        if d.get('include') == 'false': continue
        c.source = body
        if d.get('output') == 'false': c.outputs = []
        if d.get('echo') == 'false' or not body.strip(): c.metadata.setdefault('transient', {})['remove_source'] = True
        outs = []
        for o in c.get('outputs', []):
            data = o.get('data')
            if data is not None:
                if _WIDGET in data:
                    o['data'] = {'text/html': '<p class="widget-note">Interactive widget: run the notebook to use it.</p>'}
                elif 'text/markdown' in data:
                    md = data['text/markdown']
                    data['text/markdown'] = fix_markdown(''.join(md) if isinstance(md, list) else md)
            outs.append(o)
        if 'outputs' in c: c.outputs = outs
        if not c.get('outputs') and c.metadata.get('transient', {}).get('remove_source'): continue
        cells.append(c)
    nb.cells = cells
    nb.metadata.pop('widgets', None)
    return nb

# ---------------------------------------------------------------------------------------------------------------
# The HTML page

_TEMPLATE = r"""{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{% block notebook_css %}
<link rel="stylesheet" href="{{ resources.site.root }}_static/lab.css">
<link rel="stylesheet" href="{{ resources.site.root }}_static/site.css">
{%- if resources.site.description %}
<meta name="description" content="{{ resources.site.description_text | e }}">{% endif %}
{% endblock notebook_css %}
{%- block body_header -%}
<body class="jp-Notebook site" data-jp-theme-light="true" data-jp-theme-name="JupyterLab Light">
<header class="site-navbar"><a class="site-brand" href="{{ resources.site.root }}index.html">{{ resources.site.site_title | e }}</a>
<span class="site-navbar-spacer"></span>
{%- if resources.site.repo_url %}<a class="site-repo" href="{{ resources.site.repo_url }}">GitHub</a>{% endif %}</header>
<div class="site-layout">
<nav class="site-sidebar" aria-label="Pages">{{ resources.site.sidebar }}</nav>
<main class="site-main">
<header class="page-header"><h1 class="title" id="{{ resources.site.title_id }}">{{ resources.site.title | e }}</h1>
{%- if resources.site.description %}<p class="description">{{ resources.site.description }}</p>{% endif %}</header>
{%- endblock body_header -%}
{% block body_footer %}
</main>
<aside class="site-toc"></aside>
</div>
</body>
{% endblock body_footer %}
"""

_CSS = r"""
:root { --site-primary: #2780e3; --site-text: #212529; --site-muted: #6c757d; --site-border: #dee2e6;
  --site-font: -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans",
    "Liberation Sans", sans-serif;
  --jp-content-font-family: var(--site-font); --jp-ui-font-family: var(--site-font);
  --jp-content-font-size1: 16px; --jp-content-line-height: 1.6; --jp-cell-padding: 0; --jp-notebook-padding: 0;
  --jp-code-font-size: 13.5px; --jp-cell-editor-background: #f6f8fa; --jp-cell-editor-border-color: #e5e8eb; }
html { scroll-padding-top: 64px; }
body.site { margin: 0; padding: 0; font-family: var(--site-font); color: var(--site-text); background: #fff;
  font-size: 16px; line-height: 1.6; overflow-y: auto; position: static; }
.site-navbar { position: sticky; top: 0; z-index: 10; display: flex; align-items: center; gap: 1.5rem;
  height: 52px; padding: 0 1.5rem; background: var(--site-primary); color: #fff; box-shadow: 0 1px 3px rgba(0,0,0,.2); }
.site-navbar a { color: #fff; text-decoration: none; }
.site-brand { font-size: 1.25rem; font-weight: 600; }
.site-navbar-spacer { flex: 1; }
.site-repo { opacity: .9; } .site-repo:hover { opacity: 1; text-decoration: underline; }
.site-layout { display: grid; grid-template-columns: 250px minmax(0, 1fr) 220px; gap: 2.5rem;
  max-width: 1500px; margin: 0 auto; padding: 0 1.5rem; }
.site-sidebar, .site-toc { position: sticky; top: 52px; align-self: start; max-height: calc(100vh - 52px);
  overflow-y: auto; padding: 1.5rem 0; font-size: .9rem; }
.site-sidebar ul, .site-toc ul { list-style: none; margin: 0; padding: 0; }
.site-sidebar li a { display: block; padding: .3rem .75rem; color: #495057; text-decoration: none;
  border-left: 2px solid transparent; border-radius: 0 4px 4px 0; }
.site-sidebar li a:hover { color: var(--site-primary); background: #f1f5fb; }
.site-sidebar li a.active { color: var(--site-primary); font-weight: 600; border-left-color: var(--site-primary);
  background: #eef4fc; }
.site-sidebar .sidebar-section { margin-top: 1rem; }
.site-sidebar .sidebar-section-title { padding: .3rem .75rem; font-weight: 600; color: var(--site-text);
  text-transform: uppercase; font-size: .75rem; letter-spacing: .05em; }
.site-toc-title { font-weight: 600; margin-bottom: .5rem; }
.site-toc li a { display: block; padding: .15rem 0 .15rem .75rem; color: var(--site-muted); text-decoration: none;
  border-left: 1px solid var(--site-border); }
.site-toc li.toc-h3 a { padding-left: 1.5rem; font-size: .85rem; }
.site-toc li a:hover { color: var(--site-primary); }
.site-main { min-width: 0; padding: 1.5rem 0 4rem; }
.page-header { margin-bottom: 1.5rem; padding-bottom: 1rem; border-bottom: 1px solid var(--site-border); }
.page-header h1.title { font-size: 2.2rem; font-weight: 600; margin: .5rem 0; line-height: 1.2; }
.page-header .description { font-size: 1.15rem; color: var(--site-muted); margin: .25rem 0 0; }
.site-main .jp-Cell { padding: 0; margin: 0 0 1rem; }
.site-main .jp-Cell-inputWrapper, .site-main .jp-Cell-outputWrapper { margin: 0; }
.site-main .jp-InputPrompt, .site-main .jp-OutputPrompt { display: none; }
.site-main .jp-Collapser, .site-main a.anchor-link:empty { display: none; }
.site-main .jp-InputArea-editor { border: 1px solid var(--jp-cell-editor-border-color); border-radius: 6px;
  background: var(--jp-cell-editor-background); padding: .6rem .85rem; }
.site-main .jp-InputArea-editor .highlight { overflow-x: auto; }
.site-main .jp-InputArea-editor .highlight pre { margin: 0; padding: 0; font-size: 13.5px; line-height: 1.45;
  font-family: var(--jp-code-font-family); background: none; border: none; }
.site-main .jp-RenderedMarkdown.jp-RenderedHTMLCommon { padding: 0; }
.site-main .jp-MarkdownCell .jp-RenderedMarkdown > :first-child { margin-top: 0; }
.site-main .jp-MarkdownCell .jp-RenderedMarkdown > :last-child { margin-bottom: 0; }
.site-main .jp-OutputArea-output.jp-RenderedMarkdown > hr:first-child { margin-top: 1.5rem; }
.site-main .jp-CodeCell .jp-Cell-outputWrapper { margin-top: .25rem; }
.site-main .jp-OutputArea-output { padding: 0; }
.site-main .jp-OutputArea-output pre, .site-main .jp-RenderedText pre { padding: .4rem .75rem; margin: 0;
  border-left: 3px solid #e5e8eb; font-size: 13px; }
.site-main .jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"] { background: #fff8e6; }
.site-main .jp-RenderedImage img, .site-main .jp-RenderedMarkdown img { max-width: 100%; height: auto; }
.jp-RenderedMarkdown.jp-RenderedHTMLCommon { font-size: 16px; line-height: 1.6; padding-right: 0; }
.jp-RenderedHTMLCommon h2 { font-size: 1.6rem; font-weight: 600; margin: 2rem 0 .75rem; padding-bottom: .3rem;
  border-bottom: 1px solid var(--site-border); }
.jp-RenderedHTMLCommon h3 { font-size: 1.3rem; font-weight: 600; margin: 1.5rem 0 .5rem; }
.jp-RenderedHTMLCommon h4 { font-size: 1.1rem; font-weight: 600; }
.jp-RenderedHTMLCommon h1:first-child, .jp-RenderedHTMLCommon h2:first-child, .jp-RenderedHTMLCommon h3:first-child {
  margin-top: 1.5rem; }
.jp-RenderedHTMLCommon a.anchor-link { display: inline; visibility: hidden; margin-left: .4rem; color: #adb5bd;
  text-decoration: none; font-weight: 400; }
.jp-RenderedHTMLCommon :is(h1,h2,h3,h4):hover a.anchor-link { visibility: visible; }
.jp-RenderedHTMLCommon a { color: var(--site-primary); text-decoration: none; }
.jp-RenderedHTMLCommon a:hover { text-decoration: underline; }
.jp-RenderedHTMLCommon code { background: #f1f3f5; padding: .1em .3em; border-radius: 4px; font-size: .875em;
  color: #9a2a5e; }
.jp-RenderedHTMLCommon a code { color: var(--site-primary); }
.jp-RenderedHTMLCommon pre, .jp-RenderedHTMLCommon .highlight pre { background: #f6f8fa; border: 1px solid #e5e8eb;
  border-radius: 6px; padding: .6rem .85rem; overflow-x: auto; font-size: 13.5px; line-height: 1.45;
  white-space: pre; margin: .75rem 0 1rem; }
.jp-RenderedHTMLCommon pre code { background: none; padding: 0; color: inherit; font-size: inherit; }
.jp-RenderedHTMLCommon table { border-collapse: collapse; margin: .75rem 0; font-size: .9rem; }
.jp-RenderedHTMLCommon th, .jp-RenderedHTMLCommon td { border: none; border-bottom: 1px solid var(--site-border);
  padding: .35rem .7rem; text-align: left; }
.jp-RenderedHTMLCommon thead th { border-bottom: 2px solid #adb5bd; }
.jp-RenderedHTMLCommon tbody tr:nth-child(odd) { background: #fafbfc; }
.jp-RenderedHTMLCommon hr { border: none; border-top: 1px solid var(--site-border); margin: 2rem 0 .5rem; }
.jp-RenderedHTMLCommon blockquote { border-left: 4px solid var(--site-border); margin: 1rem 0; padding: .25rem 1rem;
  color: #495057; }
.jp-RenderedHTMLCommon math[display="block"] { margin: .75rem 0; font-size: 1.1em; }
.math-fallback { font-family: var(--jp-code-font-family); }
.callout { border: 1px solid var(--site-border); border-left: 5px solid var(--site-primary); border-radius: 6px;
  padding: .25rem 1rem; margin: 1rem 0; }
.callout-title { font-weight: 600; margin: .35rem 0 0; }
.callout-tip { border-left-color: #3fb618; } .callout-warning { border-left-color: #ff7518; }
.callout-important { border-left-color: #ff0039; } .callout-caution { border-left-color: #f0ad4e; }
.widget-note { color: var(--site-muted); font-style: italic; }
@media (max-width: 1200px) { .site-layout { grid-template-columns: 230px minmax(0, 1fr); } .site-toc { display: none; } }
@media (max-width: 760px) { .site-layout { display: block; } .site-sidebar { position: static; max-height: none; } }
"""

def pandoc_id(text:str)->str:
    "Heading identifier as pandoc (and so Quarto) makes it: the anchors nbdev's doclinks point to."
    s = ''.join(ch for ch in text if ch.isalnum() or ch in '_-. \n\t')
    s = re.sub(r'\s+', '-', s.strip()).lower()
    s = re.sub(r'^[^a-z\u00c0-\uffff]+', '', s)
    return s or 'section'

def _root_cause(e:BaseException)->str:
    "The original error behind nbdev's 'Error in notebook' (raised in a worker process, so only its traceback text)."
    texts, seen = [], set()
    while e is not None and id(e) not in seen:
        seen.add(id(e)); texts.append(getattr(e, 'tb', '') or '')
        e = e.__cause__ or e.__context__
    pat = re.compile(r'^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning))(?::\s*(.*))?$', re.M)
    for t in texts:
        for m in pat.finditer(t):
            if not m.group(0).startswith('Exception: Error in notebook'): return m.group(0).strip()
    return 'see the traceback above'

class DocsError(Exception): "A problem in the notebooks that stops the docs build; the message says what to fix."

class Site:
    def __init__(self, root:Path=ROOT, n_workers:int=None, force:bool=False):
        self.root, self.cfg = root, _cfg()
        self.nbs, self.doc_path = Path(self.cfg.nbs_path).resolve(), Path(self.cfg.doc_path)
        self.n_workers = n_workers if n_workers is not None else min(2, os.cpu_count() or 1)
        self.force = force
        self.doc_url = (self.cfg.get('doc_host', '') + self.cfg.get('doc_baseurl', '')).rstrip('/') + '/'

    def process(self)->Path:
        """nbdev's processing of every notebook into _proc/ (cached by nbdev on modification times). It runs from nbs/,
        the folder notebooks are tested from, so that cells it executes (imports, exports) see the same relative paths."""
        from nbdev.serve import proc_nbs
        cwd = os.getcwd()
        os.chdir(self.nbs)
        try: return Path(proc_nbs(str(self.nbs), n_workers=self.n_workers, force=self.force))
        except Exception as e:
            cause = _root_cause(e)
            hint = ("a cell mixing imports with other code runs without the cells before it: keep imports in their own "
                    "cells (house style)") if cause.startswith(('NameError', 'AttributeError', 'KeyError')) else (
                    "these cells run in one IPython shell per notebook, from nbs/, with __name__ == '__main__' and no "
                    "ipykernel, so guard script entry points accordingly")
            raise DocsError(f"nbdev's docs processing (nbdev.serve.proc_nbs) failed:\n{e}\nCaused by: {cause}\n\n"
                f"nbdev executes every cell with an export, an import or a show_doc, and only those; {hint}.") from e
        finally: os.chdir(cwd)

    def build(self)->Path:
        import nbformat
        from nbdev.doclinks import _nbpath2html
        self.present = notebooks(self.nbs)
        if not self.present: raise SystemExit(f'No notebooks in {self.nbs}')
        cache = self.process()
        self.pages = {}  # nb rel path -> dict(out=, title=, description=, nb=)
        for nb in self.present:
            proc = cache/nb
            if not proc.exists(): raise SystemExit(f'nbdev did not process {nb}: {proc} is missing')
            node = nbformat.read(proc, as_version=4)
            fm = frontmatter(node)
            out = PurePosixPath(nb).parent/(fm.get('output-file') or _nbpath2html(Path(nb)).name)
            title = str(fm.get('title') or PurePosixPath(nb).stem)
            self.pages[nb] = dict(out=str(out), title=title, description=fm.get('description'), node=node, proc=proc)
        self.sidebar = read_sidebar(self.nbs, self.present)
        # html file name -> page, for links written as `01_metrics.html` or `metrics.html`
        self.by_html = {}
        for nb, p in self.pages.items():
            self.by_html[str(PurePosixPath(nb).with_suffix('.html'))] = p['out']
            self.by_html[p['out']] = p['out']
        # build next to the cache (gitignored, same file system) and swap into place only when complete
        tmp = Path(tempfile.mkdtemp(prefix='_site.', dir=cache)); tmp.chmod(0o755)
        try:
            self._write_static(tmp)
            self._copy_assets(tmp)
            exporter = self._exporter()
            for nb in self.present: self._render(exporter, nb, tmp)
            dest = self.root/self.doc_path.name if not self.doc_path.is_absolute() else self.doc_path
            old = None
            if dest.exists(): old = dest.rename(Path(tempfile.mkdtemp(prefix='_old_site.', dir=cache))/'old')
            tmp.rename(dest)
            if old: shutil.rmtree(old.parent, ignore_errors=True)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True); raise
        return dest

    def _exporter(self):
        from jinja2 import DictLoader
        from nbconvert import HTMLExporter
        e = HTMLExporter(template_name='lab', extra_loaders=[DictLoader({'site.html.j2': _TEMPLATE})],
                         exclude_input_prompt=True, exclude_output_prompt=True,
                         anchor_link_text='#')
        e.template_file = 'site.html.j2'
        return e

    def _write_static(self, dest:Path):
        from nbconvert import HTMLExporter
        st = dest/'_static'; st.mkdir(parents=True)
        css = []
        for name in ('index.css', 'theme-light.css'):
            for d in HTMLExporter(template_name='lab').template_paths:
                f = Path(d)/'static'/name
                if f.exists(): css.append(f.read_text(encoding='utf-8')); break
            else: raise SystemExit(f"nbconvert's lab template has no static/{name}")
        (st/'lab.css').write_text('\n'.join(css), encoding='utf-8')
        (st/'site.css').write_text(_CSS + self._user_css(), encoding='utf-8')
        (dest/'.nojekyll').write_text('')

    def _user_css(self)->str:
        "nbs/styles.css (the Quarto site's CSS) is appended to the offline site's own CSS."
        f = self.nbs/'styles.css'
        return '\n/* nbs/styles.css */\n' + f.read_text(encoding='utf-8') if f.exists() else ''

    def _copy_assets(self, dest:Path):
        "Files in nbs/ that pages may link to (images, data files), same layout; not notebooks or site config."
        skip_ext = {'.ipynb', '.yml', '.yaml', '.py', '.qmd', '.pyc'}
        for f in self.nbs.rglob('*'):
            rel = f.relative_to(self.nbs)
            if any(p.startswith(('.', '_')) for p in rel.parts) or not f.is_file() or f.suffix in skip_ext: continue
            if rel.name == 'styles.css': continue
            (dest/rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(f, dest/rel)

    # -- one page
    def _sidebar_html(self, cur_out:str)->str:
        def rel(out): return os.path.relpath(out, str(PurePosixPath(cur_out).parent) or '.').replace(os.sep, '/')
        def items(entries):
            res = []
            for e in entries:
                if e[0] == 'page':
                    p = self.pages[e[1]]
                    act = ' class="active" aria-current="page"' if p['out'] == cur_out else ''
                    res.append(f'<li><a href="{rel(p["out"])}"{act}>{html.escape(p["title"])}</a></li>')
                else:
                    res.append(f'<li class="sidebar-section"><div class="sidebar-section-title">{html.escape(e[1])}</div>'
                               f'<ul>{"".join(items(e[2]))}</ul></li>')
            return res
        return '<ul>' + ''.join(items(self.sidebar)) + '</ul>'

    def _render(self, exporter, nb:str, dest:Path):
        from nbconvert.filters.markdown_mistune import markdown2html_mistune
        p = self.pages[nb]
        node = prepare_nb(p['node'])
        out = p['out']
        depth = len(PurePosixPath(out).parts) - 1
        desc = p['description']
        desc_html = ''
        if desc:
            desc_html = markdown2html_mistune(fix_markdown(str(desc))).strip()
            desc_html = re.sub(r'^<p>(.*)</p>$', r'\1', desc_html, flags=re.S)
        site = dict(root='../'*depth, site_title=self.cfg.get('title', self.cfg.get('lib_name', 'docs')),
                    repo_url=self.cfg.get('git_url', ''), title=p['title'], title_id=pandoc_id(p['title']),
                    description=desc_html, description_text=str(desc or ''), sidebar=self._sidebar_html(out))
        node.metadata['title'] = f"{p['title']} – {site['site_title']}" if p['title'] != site['site_title'] else p['title']
        resources = {'metadata': {'name': PurePosixPath(nb).stem, 'path': str(p['proc'].parent)}, 'site': site}
        body, _ = exporter.from_notebook_node(node, resources=resources)
        body = self._postprocess(body, nb, out)
        f = dest/out
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(body, encoding='utf-8')

    def _postprocess(self, body:str, nb:str, out:str)->str:
        from bs4 import BeautifulSoup
        soup = BeautifulSoup(body, 'html.parser')
        main = soup.find('main')
        # heading ids as pandoc makes them (the anchors of nbdev's doclinks), unique per page
        seen = {t.get('id') for t in soup.select('header.page-header h1')}
        toc = []
        for h in main.find_all(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']):
            if h.find_parent('header'): continue
            anchor = h.find('a', class_='anchor-link')
            text = ''.join(s for s in h.strings if not (anchor and s.parent is anchor)).strip()
            hid = base = pandoc_id(text)
            i = 1
            while hid in seen: hid = f'{base}-{i}'; i += 1
            seen.add(hid); h['id'] = hid
            if anchor: anchor['href'] = f'#{hid}'; anchor['aria-label'] = 'Link to this section'
            if h.name in ('h2', 'h3'): toc.append((h.name, hid, text))
        aside = soup.find('aside', class_='site-toc')
        if aside is not None and toc:
            items = ''.join(f'<li class="toc-{n}"><a href="#{i}">{html.escape(t)}</a></li>' for n, i, t in toc)
            aside.append(BeautifulSoup(f'<div class="site-toc-title">On this page</div><ul>{items}</ul>', 'html.parser'))
        # internal links
        for a in main.find_all('a', href=True): a['href'] = self._href(a['href'], nb, out)
        self._embed_images(main, nb)
        convert_math(soup)
        return str(soup)

    def _embed_images(self, main, nb:str):
        "Local <img> files as data: URIs, so a page is one file (nbconvert's own embedding breaks inline HTML)."
        import base64, mimetypes
        src_dir = (self.nbs/nb).parent
        for img in main.find_all('img', src=True):
            u = urlsplit(img['src'])
            if u.scheme or u.netloc or not u.path or img['src'].startswith('/'): continue
            f = (src_dir/unquote(u.path)).resolve()
            if not f.is_file(): continue
            mime = mimetypes.guess_type(f.name)[0] or 'application/octet-stream'
            img['src'] = f'data:{mime};base64,' + base64.b64encode(f.read_bytes()).decode('ascii')

    def _href(self, href:str, nb:str, out:str)->str:
        page_dir = str(PurePosixPath(out).parent)
        def rel(target, frag): return os.path.relpath(target, page_dir or '.').replace(os.sep, '/') + (f'#{frag}' if frag else '')
        u = urlsplit(href)
        if href.startswith(self.doc_url) and self.doc_url != '/':
            path, frag = unquote(urlsplit(href[len(self.doc_url):]).path) or 'index.html', u.fragment
            if path.endswith('/'): path += 'index.html'
            if path in self.by_html: return rel(self.by_html[path], frag)
            return href
        if u.scheme or u.netloc or not u.path or href.startswith('/'): return href
        target = os.path.normpath(os.path.join(str(PurePosixPath(nb).parent), unquote(u.path))).replace(os.sep, '/')
        if target in self.pages: return rel(self.pages[target]['out'], u.fragment)
        if target in self.by_html: return rel(self.by_html[target], u.fragment)
        return href

# ---------------------------------------------------------------------------------------------------------------
# Math: TeX in rendered markdown -> MathML at build time (no JavaScript, no CDN)

_re_math = re.compile(r'\$\$(.+?)\$\$|\\\[(.+?)\\\]|(?<![\\$\w])\$(?!\s)([^$\n]+?)(?<![\s\\])\$(?![\w$])|\\\((.+?)\\\)', re.S)
_warned = []

def _tex2mathml(tex:str, block:bool)->str:
    try:
        from latex2mathml.converter import convert
    except ImportError:
        if not _warned: _warned.append(1); print('latex2mathml is not installed: math is shown as TeX', file=sys.stderr)
        convert = None
    if convert is not None:
        try: return convert(tex.strip(), display='block' if block else 'inline')
        except Exception as e: print(f'Could not convert math {tex!r} ({e}): shown as TeX', file=sys.stderr)
    delim = ('$$', '$$') if block else ('$', '$')
    return f'<code class="math-fallback">{html.escape(delim[0] + tex + delim[1])}</code>'

def convert_math(soup):
    from bs4 import BeautifulSoup, NavigableString
    skip = {'code', 'pre', 'script', 'style', 'math', 'textarea'}
    for div in soup.select('.jp-RenderedMarkdown'):
        for s in list(div.find_all(string=True)):
            if not isinstance(s, NavigableString) or type(s) is not NavigableString: continue
            if any(p.name in skip for p in s.parents) or not ('$' in s or '\\(' in s or '\\[' in s): continue
            text, parts, pos = str(s), [], 0
            for m in _re_math.finditer(text):
                block = m.group(1) is not None or m.group(2) is not None
                tex = next(g for g in m.groups() if g is not None)
                parts += [html.escape(text[pos:m.start()], quote=False), _tex2mathml(tex, block)]
                pos = m.end()
            if not parts: continue
            parts.append(html.escape(text[pos:], quote=False))
            s.replace_with(BeautifulSoup(''.join(parts), 'html.parser'))

# ---------------------------------------------------------------------------------------------------------------

def hand_over_to_quarto()->int:
    "The real site: `nbdev_docs` (nbdev + Quarto), then README.md in this project's format."
    exe = Path(sys.executable).parent/'nbdev_docs'
    cmd = [str(exe)] if exe.exists() else [shutil.which('nbdev_docs') or 'nbdev_docs']
    print(f'quarto found: running {" ".join(cmd)}', flush=True)
    rc = subprocess.call(cmd, cwd=_cfg().nbs_path)  # from nbs/, like the offline build: see `Site.process`
    if rc == 0: rc = subprocess.call([sys.executable, str(ROOT/'tools'/'readme.py')], cwd=ROOT)
    return rc

def main(argv=None)->int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--sidebar', action='store_true', help='regenerate nbs/sidebar.yml from the notebooks present, then stop')
    ap.add_argument('--offline', action='store_true', help='build offline with nbconvert even when quarto is installed')
    ap.add_argument('--force', action='store_true', help="ignore nbdev's _proc cache")
    ap.add_argument('--n_workers', type=int, default=None, help='processes for nbdev processing (default: up to 2)')
    a = ap.parse_args(argv)
    os.chdir(ROOT)
    if a.sidebar:
        nbs = Path(_cfg().nbs_path)
        (nbs/'sidebar.yml').write_text(sidebar_yml(nbs))
        print(f'wrote {nbs/"sidebar.yml"}')
        return 0
    if not a.offline and shutil.which('quarto'): return hand_over_to_quarto()
    import time
    t = time.time()
    try: dest = Site(ROOT, n_workers=a.n_workers, force=a.force).build()
    except DocsError as e:
        print(f'\nDOCS BUILD FAILED: {e}', file=sys.stderr)
        return 1
    print(f'built {len(list(dest.rglob("*.html")))} pages into {dest} in {time.time()-t:.1f}s (offline, no Quarto)')
    return 0

if __name__ == '__main__': sys.exit(main())
