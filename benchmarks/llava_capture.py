"""Peak memory of `AttnCapture` vs `output_attentions=True` at the real LLaVA-NeXT token count (tiny weights, CPU).

A LLaVA-NeXT with the geometry of llava-hf/llama3-llava-next-8b-hf (336-px CLIP tiles of 14-px patches, the same
grid pinpoints) but tiny random weights (hidden 64, 4 layers, 8 heads) describes a real 600x800 OSIE image: 2,340
image tokens. Each mode runs in a fresh process; the peak RSS increase (ru_maxrss) is measured over a warm-up
generate without capture, and the bytes each mode keeps are counted exactly.

    python benchmarks/llava_capture.py [--new 8] [--layers 4] [--heads 8]
"""
import argparse, json, os, resource, subprocess, sys, time

def _peak_mb(): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024

def run(mode, new, n_layers, heads):
    import numpy as np, torch, transformers as tf
    from saliency_nb.core import load_image
    from saliency_nb.vlm import AttnCapture, _chat_template, _tiny_tokenizer, image_positions, vlm_inputs
    from saliency_nb.llava import DEFAULT_PROMPT
    torch.set_num_threads(1); tf.logging.set_verbosity_error()
    pins = [[336, 672], [672, 336], [672, 672], [1008, 336], [336, 1008]]
    t = _tiny_tokenizer(['<image>'], {'image_token': '<image>'})
    ip = tf.LlavaNextImageProcessor(size={'shortest_edge': 336}, crop_size={'height': 336, 'width': 336}, image_grid_pinpoints=pins)
    pr = tf.LlavaNextProcessor(ip, t, patch_size=14, vision_feature_select_strategy='default', num_additional_image_tokens=1,
                               chat_template=_chat_template('<image>\n'))
    tc = tf.LlamaConfig(vocab_size=len(t), hidden_size=64, intermediate_size=128, num_hidden_layers=n_layers, num_attention_heads=heads,
                        num_key_value_heads=heads, max_position_embeddings=4096, pad_token_id=0, bos_token_id=2, eos_token_id=3)
    vc = tf.CLIPVisionConfig(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2, image_size=336, patch_size=14)
    torch.manual_seed(0)
    m = tf.LlavaNextForConditionalGeneration(tf.LlavaNextConfig(text_config=tc, vision_config=vc, image_token_index=t.image_token_id,
                                                                 image_grid_pinpoints=pins)).eval()
    m.set_attn_implementation({'text_config': 'eager', 'vision_config': 'sdpa'})
    data = os.environ.get('SALIENCY_NB_DATA', os.path.join(os.path.dirname(__file__), '..', '..', 'shared', 'data'))
    inp = vlm_inputs(pr, load_image(os.path.join(data, 'osie', 'stimuli', '1001.jpg')), DEFAULT_PROMPT)
    cols = image_positions(m, inp['input_ids'])
    kw = dict(max_new_tokens=new, min_new_tokens=new, do_sample=False)
    with torch.no_grad(): m.generate(**inp, **kw)  # warm-up: the eager attention's transient T x T tensors
    base = _peak_mb(); t0 = time.time()
    with torch.no_grad():
        if mode == 'plain': out = m.generate(**inp, **kw); kept = 0
        elif mode == 'output_attentions':
            out = m.generate(**inp, **kw, output_attentions=True, output_hidden_states=True, return_dict_in_generate=True)
            kept = sum(a.numel()*a.element_size() for st in out.attentions for a in st) + \
                   sum(h.numel()*h.element_size() for st in out.hidden_states for h in st)
        else:
            with AttnCapture(m, cols, layers=None) as cap: m.generate(**inp, **kw)
            kept = sum(a.numel()*a.element_size() for l in cap._attn for a in l) + sum(h.numel()*h.element_size() for h in cap._hid)
    return dict(mode=mode, T=int(inp['input_ids'].shape[1]), image_tokens=len(cols), seconds=round(time.time() - t0, 2),
                peak_increase_mb=round(_peak_mb() - base, 1), kept_mb=round(kept/2**20, 3))

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--new', type=int, default=8, help='generated tokens')
    ap.add_argument('--layers', type=int, default=4, help='language-model layers')
    ap.add_argument('--heads', type=int, default=8, help='attention heads')
    ap.add_argument('--mode', default=None, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.mode: print(json.dumps(run(a.mode, a.new, a.layers, a.heads))); sys.exit()
    rows = []
    for mode in ['plain', 'output_attentions', 'capture']:
        r = subprocess.run([sys.executable, __file__, '--mode', mode, '--new', str(a.new), '--layers', str(a.layers), '--heads', str(a.heads)],
                           capture_output=True, text=True, check=True, env={**os.environ, 'OMP_NUM_THREADS': '1'})
        rows.append(json.loads(r.stdout.strip().splitlines()[-1]))
    print(f"LLaVA-NeXT geometry, T = {rows[0]['T']} prompt tokens ({rows[0]['image_tokens']} image tokens), {a.layers} layers x {a.heads} heads, "
          f"{a.new} new tokens, tiny weights, CPU")
    print(f"{'mode':<18} {'generate s':>10} {'peak RSS +MB':>13} {'kept MB':>9}")
    for r in rows: print(f"{r['mode']:<18} {r['seconds']:>10} {r['peak_increase_mb']:>13} {r['kept_mb']:>9}")
    oa, cp = rows[1], rows[2]
    print(f"capture / output_attentions: peak increase {cp['peak_increase_mb']/max(oa['peak_increase_mb'], 1e-9):.1%}, "
          f"kept {cp['kept_mb']/oa['kept_mb']:.2%}")
