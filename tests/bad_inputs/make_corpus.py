"""Generate the malformed-input corpus of `tests/test_bad_inputs.py`.

Every file is written by code here (nothing binary is committed): `python make_corpus.py OUT_DIR` writes one
sub-folder (or file) per case and prints the case names. `build(name, out)` builds one case and returns its path."""
import io, json, struct, sys, zipfile
from pathlib import Path

import numpy as np

def _rng(): return np.random.default_rng(0)

def _png(path, arr):
    import cv2
    path = Path(path); path.parent.mkdir(parents=True, exist_ok=True)
    a = np.asarray(arr)
    if a.ndim == 3: a = a[..., ::-1]  # RGB -> BGR for OpenCV
    assert cv2.imwrite(str(path), np.ascontiguousarray(a)), path
    return path

def _jpg(path, arr, mode='RGB'):
    from PIL import Image
    path = Path(path); path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.asarray(arr, np.uint8)).convert(mode).save(path, quality=90)
    return path

def _noise(h, w, seed=0): return np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)

def _write(path, data:bytes):
    path = Path(path); path.parent.mkdir(parents=True, exist_ok=True); path.write_bytes(data); return path

# ---------------------------------------------------------------- images
def img_zero_jpg(d): return _write(d/'zero.jpg', b'')
def img_zero_png(d): return _write(d/'zero.png', b'')
def img_trunc_jpg(d):
    p = _jpg(d/'full.jpg', _noise(64, 64)); b = p.read_bytes(); p.unlink()
    return _write(d/'trunc.jpg', b[:len(b)//2])
def img_trunc_png(d):
    p = _png(d/'full.png', _noise(64, 64)); b = p.read_bytes(); p.unlink()
    return _write(d/'trunc.png', b[:len(b)//2])
def img_header_only_jpg(d): return _write(d/'header.jpg', b'\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00')
def img_text_as_jpg(d): return _write(d/'notes.jpg', b'this is not an image\n' * 10)
def img_cmyk_jpg(d):
    a = np.zeros((16, 24, 3), np.uint8); a[..., 0] = 255  # pure red, saved as CMYK
    return _jpg(d/'cmyk.jpg', a, 'CMYK')
def img_16bit_grey_png(d): return _png(d/'grey16.png', np.full((12, 20), 65535 // 2, np.uint16))
def img_16bit_rgb_png(d):
    a = np.zeros((12, 20, 3), np.uint16); a[..., 0] = 65535; return _png(d/'rgb16.png', a)
def img_1x1_jpg(d): return _jpg(d/'one.jpg', np.full((1, 1, 3), 200, np.uint8))
def img_1x1_png(d): return _png(d/'one.png', np.full((1, 1, 3), 200, np.uint8))
def img_2x4000_png(d): return _png(d/'wide.png', _noise(2, 4000))
def img_4000x2_jpg(d): return _jpg(d/'tall.jpg', _noise(4000, 2))
def img_rgba_png(d):
    a = np.zeros((10, 10, 4), np.uint8); a[..., 1] = 255; a[..., 3] = 7
    import cv2; p = d/'rgba.png'; p.parent.mkdir(parents=True, exist_ok=True); cv2.imwrite(str(p), a); return p

# ---------------------------------------------------------------- folder-format data sets
H, W = 30, 40
GOOD_ROWS = [('a', 0, 5.0, 6.0), ('a', 1, 20.5, 10.0), ('b', 0, 3.0, 4.0), ('b', 1, 30.0, 20.0), ('c', 0, 39.0, 29.0), ('c', 2, 0.0, 0.0)]

def _folder(d, rows=GOOD_ROWS, header='image,subject,x,y', encoding='utf-8', images=('a', 'b', 'c')):
    root = Path(d)/'ds'
    for i, s in enumerate(images): _png(root/'stimuli'/f'{s}.png', _noise(H, W, i))
    text = header + '\n' + ''.join(','.join(str(v) for v in r) + '\n' for r in rows)
    (root/'fixations.csv').write_bytes(text.encode(encoding))
    return root

def _bad_b(x, y): return [r if r[0] != 'b' or r[1] != 1 else ('b', 1, x, y) for r in GOOD_ROWS]
def folder_good(d): return _folder(d)
def folder_nan_xy(d): return _folder(d, _bad_b('nan', 4.0))
def folder_empty_x(d): return _folder(d, _bad_b('', 4.0))
def folder_text_x(d): return _folder(d, _bad_b('left', 4.0))
def folder_negative_xy(d): return _folder(d, _bad_b(-3.0, 4.0))
def folder_x_eq_width(d): return _folder(d, _bad_b(float(W), 4.0))
def folder_y_out_of_range(d): return _folder(d, _bad_b(4.0, 1e6))
def folder_missing_column(d): return _folder(d, [r[:3] for r in GOOD_ROWS], header='image,subject,x')
def folder_utf16_csv(d): return _folder(d, encoding='utf-16')
def folder_zero_byte_csv(d):
    root = _folder(d); (root/'fixations.csv').write_bytes(b''); return root
def folder_unknown_image(d): return _folder(d, GOOD_ROWS + [('zzz', 0, 1.0, 1.0)])
def folder_zero_byte_image(d):
    root = _folder(d); (root/'stimuli'/'b.png').write_bytes(b''); return root
def folder_trunc_image(d):
    root = _folder(d); p = root/'stimuli'/'b.png'; b = p.read_bytes(); p.write_bytes(b[:len(b)//2]); return root

# ---------------------------------------------------------------- .mat files (OSIE and SALICON layouts)
def _osie(d, mat_bytes=None, mat_dict=None):
    import scipy.io
    root = Path(d)/'osie'
    for i, s in enumerate(['1001', '1002']): _jpg(root/'stimuli'/f'{s}.jpg', _noise(H, W, i))
    mat = root/'eye'/'fixations.mat'; mat.parent.mkdir(parents=True, exist_ok=True)
    if mat_dict is not None: scipy.io.savemat(mat, mat_dict)
    else: mat.write_bytes(mat_bytes)
    return root

def _osie_struct():
    subj = np.zeros((1, 2), dtype=[('fix_x', 'O'), ('fix_y', 'O'), ('fix_duration', 'O')])
    for j in range(2): subj[0, j] = (np.array([[5.0 + j, 9.0]]), np.array([[6.0, 7.0 + j]]), np.array([[200.0, 180.0]]))
    rec = np.zeros((1, 2), dtype=[('img', 'O'), ('subjects', 'O')])
    for i, s in enumerate(['1001', '1002']): rec[0, i] = (f'{s}.jpg', subj)
    return {'fixations': rec}

def _v73_header():
    txt = b'MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Mon Jan  1 00:00:00 2024 HDF5 schema 1.00 .'
    return txt.ljust(116, b' ') + b'\x00' * 8 + struct.pack('<H', 0x0200) + b'IM'

def _v73_bytes():
    "A MATLAB 7.3 file: HDF5 via h5py with the 512-byte MATLAB user block when h5py is there, else header + garbage."
    try: import h5py
    except ImportError: return _v73_header() + np.random.default_rng(0).bytes(2048)
    buf = io.BytesIO()
    with h5py.File(buf, 'w', userblock_size=512) as f: f['fixations'] = np.arange(4.0)
    b = bytearray(buf.getvalue()); b[:128] = _v73_header(); return bytes(b)

def _valid_mat_bytes(dct):
    import scipy.io
    buf = io.BytesIO(); scipy.io.savemat(buf, dct); return buf.getvalue()

def osie_good(d): return _osie(d, mat_dict=_osie_struct())
def osie_empty_mat(d): return _osie(d, b'')
def osie_v73_mat(d): return _osie(d, _v73_bytes())
def osie_truncated_mat(d):
    b = _valid_mat_bytes(_osie_struct()); return _osie(d, b[:len(b)//2])
def osie_wrong_variable(d): return _osie(d, mat_dict={'eyedata': np.arange(3.0)})
def osie_text_mat(d): return _osie(d, b'x,y\n1,2\n' * 20)

def _salicon(d, bad:bytes|None=None, bad_dict=None):
    import scipy.io
    root = Path(d)/'salicon'
    for i, s in enumerate(['s1', 's2', 's3']):
        _jpg(root/'images'/'train'/f'{s}.jpg', _noise(H, W, i))
        g = np.zeros((2, 1), dtype=[('fixations', 'O')])
        g[0, 0] = (np.array([[5.0, 6.0], [10.0, 12.0]]),); g[1, 0] = (np.array([[3.0 + i, 4.0]]),)
        mat = root/'fixations'/'train'/f'{s}.mat'; mat.parent.mkdir(parents=True, exist_ok=True)
        if s == 's2' and bad is not None: mat.write_bytes(bad)
        elif s == 's2' and bad_dict is not None: scipy.io.savemat(mat, bad_dict)
        else: scipy.io.savemat(mat, {'gaze': g})
    return root

def salicon_empty_mat(d): return _salicon(d, b'')
def salicon_v73_mat(d): return _salicon(d, _v73_bytes())
def salicon_truncated_mat(d):
    g = np.zeros((1, 1), dtype=[('fixations', 'O')]); g[0, 0] = (np.ones((40, 2)),)
    b = _valid_mat_bytes({'gaze': g}); return _salicon(d, b[:len(b)//2])
def salicon_no_gaze(d): return _salicon(d, bad_dict={'other': np.ones(3)})

# ---------------------------------------------------------------- videos
def video_zero_byte(d): return _write(d/'zero.mp4', b'')
def video_corrupt_header(d): return _write(d/'corrupt.avi', b'RIFF\x10\x00\x00\x00AVI LIST' + np.random.default_rng(1).bytes(4000))
def video_zero_frames(d):
    import cv2
    p = Path(d)/'empty.avi'; p.parent.mkdir(parents=True, exist_ok=True)
    vw = cv2.VideoWriter(str(p), cv2.VideoWriter_fourcc(*'MJPG'), 10, (32, 24)); vw.release()
    if not p.exists(): p.write_bytes(b'')
    return p
def video_text(d): return _write(d/'clip.mp4', b'not a video\n' * 100)

# ---------------------------------------------------------------- checkpoints
_TINY = dict(backbone='resnet50_caffe', pretrained=False, backbone_kw={'width': 8, 'layers': (1, 1, 1, 1)})

def _tiny(arch, **kw):
    from saliency_nb.models import create_model
    return create_model(arch, **_TINY, **kw)

def ckpt_good_default(d):
    from saliency_nb.models import save_checkpoint
    m, c = _tiny('default'); return save_checkpoint(m, Path(d)/'default.pth')
def ckpt_other_arch(d):
    "A valid DINet checkpoint (where a 'default' model is expected)."
    from saliency_nb.models import save_checkpoint
    m, c = _tiny('dinet', E=8); return save_checkpoint(m, Path(d)/'dinet.pth')
def ckpt_weights_of_other_arch(d):
    "A 'default' config with the weights of a DINet."
    import torch
    m, c = _tiny('default'); o, _ = _tiny('dinet', E=8)
    p = Path(d)/'mixed.pth'; p.parent.mkdir(parents=True, exist_ok=True)
    torch.save({'format': 'saliency_nb.models/1', 'config': c, 'state_dict': o.state_dict()}, p); return p
def ckpt_bare_state_dict(d):
    import torch
    m, _ = _tiny('default'); p = Path(d)/'bare.pth'; p.parent.mkdir(parents=True, exist_ok=True)
    torch.save(m.state_dict(), p); return p
def ckpt_truncated(d):
    b = ckpt_good_default(d).read_bytes(); return _write(Path(d)/'trunc.pth', b[:len(b)//3])
def ckpt_zero_byte(d): return _write(Path(d)/'zero.pth', b'')
def ckpt_text(d): return _write(Path(d)/'model.pth', b'{"weights": "elsewhere"}\n')
def ckpt_unknown_arch(d):
    import torch
    m, c = _tiny('default'); p = Path(d)/'unknown.pth'; p.parent.mkdir(parents=True, exist_ok=True)
    torch.save({'format': 'saliency_nb.models/1', 'config': {**c, 'arch': 'unet9000'}, 'state_dict': m.state_dict()}, p); return p
def gasp_ckpt_is_saliency_model(d):
    return ckpt_good_default(d)
def gasp_ckpt_truncated(d):
    from saliency_nb.gasp import gasp_config, model_from_config, save_gasp
    cfg = gasp_config('GASPExp001_DAMGMU1x1Conv', latent=2)
    p = save_gasp(model_from_config(cfg), cfg, Path(d)/'gasp.pt'); b = p.read_bytes()
    return _write(Path(d)/'gasp_trunc.pt', b[:len(b)//2])

# ---------------------------------------------------------------- feature-store records (saliency_nb.llava)
FORMAT = 'saliency_nb.llava/1'
def _meta(**kw):
    m = {'format': FORMAT, 'stem': 'x', 'size': [32, 32], 'random_weights': True, 'caption': 'a b', 'pieces': ['a', ' b'],
         'words': [['a', [0]], ['b', [1]]], 'layers': [0], 'prompt_len': 3,
         'layout': {'views': [{'name': 'base', 'grid': [2, 2], 'box': [0, 0, 1, 1], 'col': [0, 1, 2, 3]}], 'extra_col': {}}}
    m.update(kw); return np.frombuffer(json.dumps(m).encode(), np.uint8)

def _npz(path, **arrays):
    path = Path(path); path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, 'w') as z:
        for k, a in arrays.items():
            buf = io.BytesIO(); np.lib.format.write_array(buf, np.asarray(a), allow_pickle=True); z.writestr(f'{k}.npy', buf.getvalue())
    return path

def _good_arrays(): return dict(attn=np.zeros((2, 1, 2, 4), np.float16), hidden=np.zeros((2, 8), np.float16), ids=np.array([5, 6]), meta=_meta())
def rec_good(d): return _npz(Path(d)/'good.npz', **_good_arrays())
def rec_attn_wrong_tokens(d): return _npz(Path(d)/'x.npz', **{**_good_arrays(), 'attn': np.zeros((2, 1, 2, 7), np.float16)})
def rec_hidden_wrong_length(d): return _npz(Path(d)/'x.npz', **{**_good_arrays(), 'hidden': np.zeros((5, 8), np.float16)})
def rec_attn_3d(d): return _npz(Path(d)/'x.npz', **{**_good_arrays(), 'attn': np.zeros((2, 2, 4), np.float16)})
def rec_no_meta(d):
    a = _good_arrays(); a.pop('meta'); return _npz(Path(d)/'x.npz', **a)
def rec_meta_garbage(d): return _npz(Path(d)/'x.npz', **{**_good_arrays(), 'meta': np.frombuffer(b'\xff\xfe{not json', np.uint8)})
def rec_truncated(d):
    b = rec_good(d).read_bytes(); return _write(Path(d)/'trunc.npz', b[:len(b)//2])
def rec_not_zip(d): return _write(Path(d)/'x.npz', b'PK but not really a zip file' * 4)
def rec_object_array(d): return _npz(Path(d)/'x.npz', **{**_good_arrays(), 'ids': np.array([{'a': 1}, None], dtype=object)})

# ---------------------------------------------------------------- JSON with the wrong schema
def _json(path, obj=None, raw:bytes|None=None):
    return _write(path, raw if raw is not None else json.dumps(obj).encode())
def gasp_json_bad_variant(d): return _json(Path(d)/'cfg.json', {'variant': 'GASPWarpDrive'})
def gasp_json_truncated(d): return _json(Path(d)/'cfg.json', raw=b'{"variant": "GASPDAMEncGMUConv", "lat')
def gasp_json_list(d): return _json(Path(d)/'cfg.json', [{'variant': 'GASPDAMEncGMUConv'}])
def gasp_json_bad_type(d): return _json(Path(d)/'cfg.json', {'variant': 'GASPDAMEncGMUConv', 'latent': 'thirty-two'})
def gasp_json_utf16(d): return _json(Path(d)/'cfg.json', raw=json.dumps({'variant': 'GASPDAMEncGMUConv'}).encode('utf-16'))

def _coco(**kw):
    c = {'images': [{'id': 1, 'file_name': 'a.jpg', 'height': 20, 'width': 30}],
         'annotations': [{'id': 10, 'image_id': 1, 'category_id': 3, 'bbox': [1, 2, 5, 6], 'segmentation': [[1, 2, 6, 2, 6, 8]], 'area': 15, 'iscrowd': 0}],
         'categories': [{'id': 3, 'name': 'cat', 'supercategory': 'animal'}]}
    c.update(kw); return c
def coco_missing_keys(d): return _json(Path(d)/'instances.json', {'images': []})
def coco_truncated(d): return _json(Path(d)/'instances.json', raw=json.dumps(_coco()).encode()[:60])
def coco_bad_category(d):
    c = _coco(); c['annotations'][0]['category_id'] = 99; return _json(Path(d)/'instances.json', c)
def coco_annotation_no_bbox(d):
    c = _coco(); del c['annotations'][0]['bbox']; return _json(Path(d)/'instances.json', c)
def coco_image_no_size(d):
    c = _coco(); del c['images'][0]['height']; return _json(Path(d)/'instances.json', c)
def coco_utf16(d): return _json(Path(d)/'instances.json', raw=json.dumps(_coco()).encode('utf-16'))
def coco_list(d): return _json(Path(d)/'instances.json', [_coco()])

# ---------------------------------------------------------------- prediction folders for `evaluate`
def _preds(d, bad_name, bad_bytes=None, bad_array=None):
    root = Path(d)/'preds'; root.mkdir(parents=True, exist_ok=True)
    for s in ('a', 'c'): np.save(root/f'{s}.npy', np.random.default_rng(0).random((H, W)))
    if bad_array is not None: np.save(root/bad_name, bad_array, allow_pickle=True)
    else: (root/bad_name).write_bytes(bad_bytes)
    return root
def pred_npy_nan(d): return _preds(d, 'b.npy', bad_array=np.full((H, W), np.nan))
def pred_npy_3d(d): return _preds(d, 'b.npy', bad_array=np.ones((H, W, 3)))
def pred_npy_truncated(d):
    buf = io.BytesIO(); np.save(buf, np.ones((H, W))); return _preds(d, 'b.npy', bad_bytes=buf.getvalue()[:300])
def pred_npy_object(d): return _preds(d, 'b.npy', bad_array=np.array([{'map': 1}], dtype=object))
def pred_png_corrupt(d): return _preds(d, 'b.png', bad_bytes=b'\x89PNG\r\n\x1a\n' + b'\x00' * 30)
def pred_npy_empty(d): return _preds(d, 'b.npy', bad_array=np.zeros((0, 0)))

# ---------------------------------------------------------------- registry
BUILDERS = {n: f for n, f in list(globals().items()) if callable(f) and f.__module__ == __name__ and n.split('_')[0] in
            ('img', 'folder', 'osie', 'salicon', 'video', 'ckpt', 'gasp', 'rec', 'coco', 'pred')}

def build(name, out)->Path:
    "Build case `name` in its own folder under `out`; returns the path of the malformed input."
    d = Path(out)/name; d.mkdir(parents=True, exist_ok=True)
    return BUILDERS[name](d)

def build_all(out)->dict: return {n: build(n, out) for n in BUILDERS}

if __name__ == '__main__':
    if len(sys.argv) != 2: sys.exit('usage: python make_corpus.py OUT_DIR')
    for n, p in build_all(sys.argv[1]).items(): print(n, p)
