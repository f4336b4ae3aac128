"""Compare saliency_nb.vl_saliency with vl-saliency 1.1.6 on the same saved tiny models and inputs.

    python benchmarks/vl_saliency_compare.py [--vls-python /work/venvs/vls/bin/python] [--out results.json] [--big]

vl-saliency is NOT a dependency of saliency_nb: it runs in its own virtualenv (python -m venv /work/venvs/vls;
/work/venvs/vls/bin/pip install vl-saliency==1.1.6 torch==2.14.1 transformers), called here through subprocess.
Each capture runs in a fresh process: the tiny model (random weights) is saved with save_pretrained to a temp dir,
with the processor inputs and generated ids; each side loads them, captures once, and writes its attention and
gradient rows at the image tokens. Peak memory is the process's peak RSS during the capture above its RSS before
(VmHWM reset through /proc/self/clear_refs), time is the capture's wall time.

Checks (LLaVA, Gemma 3, PaliGemma, the families where vl-saliency 1.1.6 runs):
- raw attention: theirs at generated index k is the row of position P+k; ours for token k+1 is that same row;
- gradient: theirs is d(mean LM loss over the T-1 predicted positions)/dA, ours d log p(token)/dA; in the last layer the
  documented fixes predict theirs[k] == -ours[k+1]/(T-1) exactly (sign and row), and earlier layers mix in later tokens;
- theirs drops token_type_ids: Gemma 3/PaliGemma attention then differs from generation's; ours with the same
  inputs dropped matches theirs.
"""
import argparse, json, os, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
IMG = os.path.join(os.environ.get('SALIENCY_NB_DATA', os.path.join(HERE, '..', '..', 'shared', 'data')), 'osie', 'stimuli', '1009.jpg')


def _mem():
    d = {}
    for l in open('/proc/self/status'):
        if l.startswith(('VmHWM', 'VmRSS')): d[l.split(':')[0]] = int(l.split()[1])*1024
    return d


def _reset_peak():
    with open('/proc/self/clear_refs', 'w') as f: f.write('5')


def worker(side, d, out):
    "Run one capture in this process (ours: main venv; theirs: the vl-saliency venv)."
    import torch, numpy as np
    torch.set_num_threads(int(os.environ.get('BENCH_THREADS', '2')))
    import transformers as tf
    tf.logging.set_verbosity_error()
    blob = torch.load(os.path.join(d, 'inputs.pt'))
    inputs, g, drop = blob['inputs'], blob['generated_ids'], blob.get('drop', [])
    if side == 'ours':
        sys.path.insert(0, os.path.join(HERE, '..'))
        from saliency_nb.vlm import load_vlm
        from saliency_nb.vl_saliency import SaliencyTrace
        model, proc = load_vlm(d)
        inp = {k: v for k, v in inputs.items() if k not in drop}
        tr = SaliencyTrace(model, proc)
        _reset_peak(); m0 = _mem()['VmRSS']; t0 = time.perf_counter()
        tr.capture(**inp, generated_ids=g)
        dt = time.perf_counter() - t0; peak = _mem()['VmHWM'] - m0
        attn, grad = tr.attn.numpy(), tr.grad.numpy()   # [L, H, G, n_img], token k = row P+k-1
    else:
        from vl_saliency import SaliencyExtractor
        model = tf.AutoModelForImageTextToText.from_pretrained(d, attn_implementation='eager', dtype=torch.float32)
        try: proc = tf.AutoProcessor.from_pretrained(d)
        except Exception:
            import types
            proc = types.SimpleNamespace(tokenizer=tf.AutoTokenizer.from_pretrained(d))
        ex = SaliencyExtractor(model, proc)
        _reset_peak(); m0 = _mem()['VmRSS']; t0 = time.perf_counter()
        tr = ex.capture(g, **inputs)
        dt = time.perf_counter() - t0; peak = _mem()['VmHWM'] - m0
        a, gr = tr.attn[0], tr.grad[0]   # [L, H, G, h, w], generated index k = row P+k
        attn, grad = a.flatten(-2).numpy(), gr.flatten(-2).numpy()
    np.savez(out, attn=attn, grad=grad)
    print(json.dumps({'time_s': dt, 'peak_bytes': peak}))


def _run(py, side, d, env=None):
    out = os.path.join(d, f'{side}.npz')
    r = subprocess.run([py, os.path.abspath(__file__), '--worker', side, '--dir', d, '--npz', out], capture_output=True, text=True,
                       env={**os.environ, **(env or {})})
    if r.returncode: raise RuntimeError(f'{side} worker failed:\n{r.stderr[-3000:]}')
    import numpy as np
    res = json.loads(r.stdout.strip().splitlines()[-1]); z = np.load(out)
    return res, z['attn'], z['grad']


def prepare(fam, d, n_new, big=False):
    "Save a tiny model of `fam` (random weights), its processor, the inputs and greedy generated ids in `d`."
    import torch, numpy as np
    sys.path.insert(0, os.path.join(HERE, '..'))
    import transformers as tf
    tf.logging.set_verbosity_error()
    from saliency_nb.core import load_image
    from saliency_nb.vlm import tiny_vlm, _tiny_parts
    from saliency_nb.vl_saliency import vl_inputs
    if big:  # LLaVA with 2304 image tokens (672-px image, 14-px patches), 4 layers x 8 heads: a realistic sequence length
        pr, cfg, cls = _tiny_parts('llava')
        cfg.vision_config.image_size = 672
        pr.image_processor.size = {'shortest_edge': 672}; pr.image_processor.crop_size = {'height': 672, 'width': 672}
        cfg.text_config.num_hidden_layers = 4; cfg.text_config.num_attention_heads = 8; cfg.text_config.num_key_value_heads = 4
        cfg.text_config.head_dim = 8
        cfg.saliency_nb_random_weights = True
        torch.manual_seed(0); m = cls(cfg); m.set_attn_implementation({'text_config': 'eager', 'vision_config': 'sdpa'}); m.eval()
    else: m, pr = tiny_vlm(fam)
    img = load_image(IMG)
    inp = vl_inputs(pr, [img], '<image> describe the image.')
    pad = pr.tokenizer.pad_token_id
    with torch.no_grad():
        g = m.generate(**inp, max_new_tokens=n_new, min_new_tokens=n_new, do_sample=False, suppress_tokens=[pad])
    m.save_pretrained(d); pr.save_pretrained(d)
    torch.save({'inputs': dict(inp), 'generated_ids': g}, os.path.join(d, 'inputs.pt'))
    return inp['input_ids'].shape[1], g.shape[1]


def compare(fam, vls_py, n_new=8, big=False):
    import numpy as np
    with tempfile.TemporaryDirectory() as d:
        P, T = prepare(fam, d, n_new, big)
        ours, oa, og = _run(sys.executable, 'ours', d)
        theirs, ta, tg = _run(vls_py, 'theirs', d)
        G, N = T - P, T - 1
        row = {'family': fam + (' (2304 image tokens, 4 layers x 8 heads)' if big else ''), 'prompt_tokens': P, 'T': T, 'generated': G,
               'ours_time_s': round(ours['time_s'], 3), 'theirs_time_s': round(theirs['time_s'], 3),
               'ours_peak_MB': round(ours['peak_bytes']/2**20, 1), 'theirs_peak_MB': round(theirs['peak_bytes']/2**20, 1)}
        # the same row: theirs k <-> ours k+1
        a_t, a_o = ta[:, :, :G - 1], oa[:, :, 1:]
        row['attn_maxdiff_same_row'] = float(np.abs(a_t - a_o).max())
        g_t, g_o = tg[:, :, :G - 1], og[:, :, 1:]
        L = g_t.shape[0]
        pred = -g_o[-1]/N
        row['last_layer_grad_rel_err_vs_-ours/(T-1)'] = float(np.linalg.norm(g_t[-1] - pred)/np.linalg.norm(pred))
        row['grad_cos_per_layer_theirs_vs_ours_same_row'] = [round(float((g_t[l]*g_o[l]).sum()/np.linalg.norm(g_t[l])/np.linalg.norm(g_o[l])), 4) for l in range(L)]
        row['theirs_last_token_grad_abs_max'] = float(np.abs(tg[:, :, -1]).max())
        # ours at the row theirs uses for the same token index (theirs k vs ours k): a different row
        row['attn_maxdiff_same_token_index'] = float(np.abs(ta - oa).max())
        if fam in ('gemma3', 'paligemma'):   # theirs drops token_type_ids: rerun ours with the same drop
            import torch
            blob = torch.load(os.path.join(d, 'inputs.pt')); blob['drop'] = ['token_type_ids']
            torch.save(blob, os.path.join(d, 'inputs.pt'))
            _, oa2, og2 = _run(sys.executable, 'ours', d)
            row['attn_maxdiff_same_row_ours_without_token_type_ids'] = float(np.abs(ta[:, :, :G - 1] - oa2[:, :, 1:]).max())
            row['last_layer_grad_rel_err_without_token_type_ids'] = float(np.linalg.norm(tg[-1, :, :G - 1] + og2[-1, :, 1:]/N)/np.linalg.norm(og2[-1, :, 1:]/N))
        return row


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--worker', choices=['ours', 'theirs'], help=argparse.SUPPRESS)
    ap.add_argument('--dir', help=argparse.SUPPRESS)
    ap.add_argument('--npz', help=argparse.SUPPRESS)
    ap.add_argument('--vls-python', default='/work/venvs/vls/bin/python', help='python of the venv with vl-saliency==1.1.6')
    ap.add_argument('--new-tokens', type=int, default=8, help='generated tokens per capture (default 8)')
    ap.add_argument('--big', action='store_true', help='also the realistic-length LLaVA (2304 image tokens, 16 new tokens)')
    ap.add_argument('--out', default=None, help='write the results as JSON here')
    a = ap.parse_args()
    if a.worker: return worker(a.worker, a.dir, a.npz)
    if not os.path.exists(a.vls_python): sys.exit(f'No vl-saliency venv at {a.vls_python}: python3 -m venv /work/venvs/vls && '
                                                  '/work/venvs/vls/bin/pip install vl-saliency==1.1.6 torch==2.14.1 transformers')
    rows = [compare(f, a.vls_python, a.new_tokens) for f in ('llava', 'gemma3', 'paligemma')]
    if a.big: rows.append(compare('llava', a.vls_python, 16, big=True))
    for r in rows: print(json.dumps(r))
    if a.out:
        with open(a.out + '.tmp', 'w') as f: json.dump(rows, f, indent=1)
        os.replace(a.out + '.tmp', a.out)


if __name__ == '__main__':
    main()
