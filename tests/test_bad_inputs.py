"""Malformed inputs through the public API and the CLI: a clear error naming the file (or value) and the problem, or
documented correct handling. Known package bugs are strict xfails whose reason starts with 'BUG:'."""
import importlib.util, os, subprocess, sys, warnings
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).parent
_spec = importlib.util.spec_from_file_location('make_corpus', HERE/'bad_inputs'/'make_corpus.py')
mc = importlib.util.module_from_spec(_spec); _spec.loader.exec_module(mc)
CLI = Path(sys.executable).parent/'saliency_nb'
FRIENDLY = (ValueError, FileNotFoundError, RuntimeError, KeyError, OSError)  # what the CLI turns into one line

@pytest.fixture(scope='module')
def corpus(tmp_path_factory):
    "Build cases lazily into one tmp folder (the generator script, never committed binaries)."
    out, cache = tmp_path_factory.mktemp('bad_inputs'), {}
    def get(name):
        if name not in cache: cache[name] = mc.build(name, out)
        return cache[name]
    return get

def _msg(e): return str(e.args[0]) if isinstance(e, KeyError) and e.args else str(e)

def expect_error(fn, names, *problem):
    "`fn()` raises a CLI-friendly error whose message names `names` (file or value) and every word of `problem`."
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        with pytest.raises(Exception) as ei: fn()
    e, msg = ei.value, _msg(ei.value)
    assert isinstance(e, FRIENDLY), f"{type(e).__name__} is not a user error the CLI reports cleanly: {msg}"
    for n in ([names] if isinstance(names, (str, Path)) else names): assert str(n) in msg, f"{n!r} not named in: {msg}"
    for w in problem: assert w.lower() in msg.lower(), f"{w!r} (the problem) not in: {msg}"
    return msg

def bug(reason): return pytest.mark.xfail(strict=True, reason='BUG: ' + reason)

# ---------------------------------------------------------------- checks
def load_ok(shape, check=None):
    def f(c, name):
        from saliency_nb.core import load_image
        img = load_image(c(name))
        assert img.dtype == np.uint8 and img.ndim == 3 and img.shape == (*shape, 3), (img.dtype, img.shape)
        if check: check(img)
    return f

def load_err(*words):
    def f(c, name):
        from saliency_nb.core import load_image
        p = c(name); expect_error(lambda: load_image(p), p.name, *words)
    return f

def folder_err(*words, fname='fixations.csv', check='header'):
    def f(c, name):
        from saliency_nb.data import read_folder
        r = c(name); expect_error(lambda: read_folder(r, check=check), fname, *words)
    return f

def folder_skip(bad='b', check='header', lost_rows=2):
    "`on_error='skip'` warns listing the bad item and keeps every other image with all its fixations."
    def f(c, name):
        from saliency_nb.data import read_folder
        r = c(name)
        with pytest.warns(UserWarning) as rec: ds = read_folder(r, on_error='skip', check=check)
        text = '\n'.join(str(w.message) for w in rec)
        assert 'skipped' in text and repr(bad) in text or f'{bad}.png' in text, text
        keep = [s for s in 'abc' if s != bad]
        assert ds.stems == keep, ds.stems
        good = [row for row in mc.GOOD_ROWS if row[0] in keep]
        assert len(ds.fixations) == len(good), (len(ds.fixations), len(good))
        got = sorted(map(tuple, ds.fixations[['image', 'subject', 'x', 'y']].itertuples(index=False)))
        assert [(i, int(s), x, y) for i, s, x, y in got] == sorted(good)
    return f

def osie_err(*words):
    def f(c, name):
        from saliency_nb.data import read_osie
        r = c(name); expect_error(lambda: read_osie(r), 'fixations.mat', *words)
    return f

def salicon_err(*words):
    def f(c, name):
        from saliency_nb.data import read_salicon
        r = c(name); expect_error(lambda: read_salicon(r), 's2.mat', *words)
    return f

def salicon_skip(c, name):
    from saliency_nb.data import read_salicon
    r = c(name)
    with pytest.warns(UserWarning) as rec: ds = read_salicon(r, on_error='skip')
    text = '\n'.join(str(w.message) for w in rec)
    assert 's2.mat' in text and 'skipped 1' in text, text
    assert ds.stems == ['s1', 's3'] and ds.splits['train'] == ['s1', 's3'], (ds.stems, ds.splits)
    assert len(ds.fixations) == 6 and set(ds.fixations['image']) == {'s1', 's3'}

def salicon_cases(name, *words):
    return [pytest.param(name, salicon_err(*words), id=name), pytest.param(name, salicon_skip, id=name + '-skip')]

def video_err(*words):
    def f(c, name):
        from saliency_nb.video_data import read_video
        p = c(name); expect_error(lambda: read_video(p), p.name, *words)
    return f

def ckpt_err(fn_name, *words, arch=None):
    def f(c, name):
        p = c(name)
        if fn_name == 'load_trained':
            from saliency_nb.train import load_trained
            expect_error(lambda: load_trained(p, arch), p.name, *words)
        elif fn_name == 'load_gasp':
            from saliency_nb.gasp import load_gasp
            expect_error(lambda: load_gasp(p), p.name, *words)
        else:
            from saliency_nb.models import load_checkpoint
            expect_error(lambda: load_checkpoint(p), p.name, *words)
    return f

def rec_err(fn_name, *words):
    def f(c, name):
        p = c(name)
        if fn_name == 'record_info':
            from saliency_nb.language import record_info
            fn = lambda: record_info(p)
        else:
            from saliency_nb.llava import load_record
            fn = lambda: load_record(p)
        expect_error(fn, p.name, *words)
    return f

def gasp_err(*words, value=None):
    def f(c, name):
        from saliency_nb.gasp import gasp_config, model_from_config
        p = c(name); expect_error(lambda: model_from_config(gasp_config(str(p))), value or p.name, *words)
    return f

def coco_err(*words):
    def f(c, name):
        from saliency_nb.scene_graphs import read_coco
        p = c(name); expect_error(lambda: read_coco(p), p.name, *words)
    return f

def pred_err(bad, *words):
    def f(c, name):
        from saliency_nb.data import read_folder
        from saliency_nb.evaluate import get_prediction
        ds, preds = read_folder(c('folder_good')), c(name)
        for i in (0, 2): assert get_prediction(preds, ds, i).shape == (mc.H, mc.W)  # the good ones still load
        expect_error(lambda: get_prediction(preds, ds, 1), bad, *words)
    return f

def _red(img): assert img[..., 0].min() > 200 and img[..., 1:].max() < 60, img[0, 0]
def _grey16(img): assert (img == 32767 // 257).all(), np.unique(img)
def _rgba(img): assert (img[..., 1] == 255).all() and (img[..., [0, 2]] == 0).all()

P = pytest.param
CASES = [
    # images: load_image
    P('img_zero_jpg', load_err('cannot read'), id='img_zero_jpg'),
    P('img_zero_png', load_err('cannot read'), id='img_zero_png'),
    P('img_trunc_jpg', load_err('truncated'), id='img_trunc_jpg'),
    P('img_trunc_png', load_err('cannot read'), id='img_trunc_png'),
    P('img_header_only_jpg', load_err('cannot read'), id='img_header_only_jpg'),
    P('img_text_as_jpg', load_err('cannot read'), id='img_text_as_jpg'),
    P('img_cmyk_jpg', load_ok((16, 24), _red), id='img_cmyk_jpg'),
    P('img_16bit_grey_png', load_ok((12, 20), _grey16), id='img_16bit_grey_png'),
    P('img_16bit_rgb_png', load_ok((12, 20), _red), id='img_16bit_rgb_png'),
    P('img_1x1_jpg', load_ok((1, 1)), id='img_1x1_jpg'),
    P('img_1x1_png', load_ok((1, 1)), id='img_1x1_png'),
    P('img_2x4000_png', load_ok((2, 4000)), id='img_2x4000_png'),
    P('img_4000x2_jpg', load_ok((4000, 2)), id='img_4000x2_jpg'),
    P('img_rgba_png', load_ok((10, 10), _rgba), id='img_rgba_png'),
    # folder-format data sets: read_folder
    P('folder_nan_xy', folder_err('column x', 'row 3'), id='folder_nan_xy'),
    P('folder_nan_xy', folder_skip(lost_rows=1), id='folder_nan_xy-skip'),
    P('folder_empty_x', folder_err('column x', 'missing'), id='folder_empty_x'),
    P('folder_text_x', folder_err('column x', "'left'"), id='folder_text_x'),
    P('folder_negative_xy', folder_err("'b'", 'outside', 'x=-3'), id='folder_negative_xy'),
    P('folder_negative_xy', folder_skip(), id='folder_negative_xy-skip'),
    P('folder_x_eq_width', folder_err("'b'", 'outside', 'x=40'), id='folder_x_eq_width'),
    P('folder_y_out_of_range', folder_err("'b'", 'outside'), id='folder_y_out_of_range'),
    P('folder_y_out_of_range', folder_skip(), id='folder_y_out_of_range-skip'),
    P('folder_missing_column', folder_err("missing column", "'y'"), id='folder_missing_column'),
    P('folder_utf16_csv', folder_err('utf-16'), id='folder_utf16_csv'),
    P('folder_zero_byte_csv', folder_err('empty'), id='folder_zero_byte_csv'),
    P('folder_unknown_image', folder_err("'zzz'", 'no stimulus'), id='folder_unknown_image'),
    P('folder_zero_byte_image', folder_err('cannot be read', fname='b.png'), id='folder_zero_byte_image'),
    P('folder_zero_byte_image', folder_skip(), id='folder_zero_byte_image-skip'),
    P('folder_trunc_image', folder_err('truncated', fname='b.png', check='full'), id='folder_trunc_image'),
    P('folder_trunc_image', folder_skip(check='full'), id='folder_trunc_image-skip'),
    # .mat files: read_osie, read_salicon
    P('osie_empty_mat', osie_err('empty'), id='osie_empty_mat'),
    P('osie_v73_mat', osie_err('7.3'), id='osie_v73_mat'),
    P('osie_truncated_mat', osie_err('truncated'), id='osie_truncated_mat'),
    P('osie_text_mat', osie_err('.mat'), id='osie_text_mat'),
    P('osie_wrong_variable', osie_err("'fixations'"), id='osie_wrong_variable'),
    *salicon_cases('salicon_empty_mat', 'empty'),
    *salicon_cases('salicon_v73_mat', '7.3'),
    *salicon_cases('salicon_truncated_mat', 'truncated'),
    *salicon_cases('salicon_no_gaze', "'gaze'"),
    # videos: read_video
    P('video_zero_byte', video_err('cannot open'), id='video_zero_byte'),
    P('video_corrupt_header', video_err('corrupt'), id='video_corrupt_header'),
    P('video_zero_frames', video_err('no frames'), id='video_zero_frames'),
    P('video_text', video_err('corrupt'), id='video_text'),
    # checkpoints: load_checkpoint, load_trained, load_gasp
    P('ckpt_other_arch', ckpt_err('load_trained', "'dinet'", "'default'", arch='default'), id='ckpt_other_arch'),
    P('ckpt_weights_of_other_arch', ckpt_err('load_checkpoint', 'another architecture', 'missing keys'), id='ckpt_weights_of_other_arch'),
    P('ckpt_bare_state_dict', ckpt_err('load_checkpoint', 'not a saliency_nb checkpoint'), id='ckpt_bare_state_dict'),
    P('ckpt_truncated', ckpt_err('load_checkpoint', 'corrupt'), id='ckpt_truncated'),
    P('ckpt_zero_byte', ckpt_err('load_checkpoint', 'corrupt'), id='ckpt_zero_byte'),
    P('ckpt_text', ckpt_err('load_checkpoint', 'corrupt'), id='ckpt_text'),
    P('ckpt_unknown_arch', ckpt_err('load_checkpoint', "'unet9000'", 'unknown arch'), id='ckpt_unknown_arch'),
    P('gasp_ckpt_is_saliency_model', ckpt_err('load_gasp', 'not a GASP checkpoint'), id='gasp_ckpt_is_saliency_model'),
    P('gasp_ckpt_truncated', ckpt_err('load_gasp', 'cannot read'), id='gasp_ckpt_truncated'),
    # feature-store records: llava.load_record, language.record_info
    P('rec_attn_wrong_tokens', rec_err('load_record', 'attn'), id='rec_attn_wrong_tokens'),
    P('rec_hidden_wrong_length', rec_err('load_record', 'hidden'), id='rec_hidden_wrong_length'),
    P('rec_attn_3d', rec_err('record_info', 'attn'), id='rec_attn_3d'),
    P('rec_no_meta', rec_err('load_record', 'saliency_nb.llava/1'), id='rec_no_meta'),
    P('rec_meta_garbage', rec_err('load_record', 'saliency_nb.llava/1'), id='rec_meta_garbage'),
    P('rec_truncated', rec_err('load_record', 'record'), id='rec_truncated'),
    P('rec_truncated', rec_err('record_info', 'not a readable'), id='rec_truncated-record_info'),
    P('rec_not_zip', rec_err('record_info', 'not a readable'), id='rec_not_zip'),
    P('rec_object_array', rec_err('load_record', 'record'), id='rec_object_array'),
    # JSON with the wrong schema: gasp_config, read_coco
    P('gasp_json_bad_variant', gasp_err('unknown variant', value="'GASPWarpDrive'"), id='gasp_json_bad_variant'),
    P('gasp_json_truncated', gasp_err('json'), id='gasp_json_truncated'),
    P('gasp_json_list', gasp_err('object'), id='gasp_json_list'),
    P('gasp_json_bad_type', gasp_err('latent', value="'thirty-two'"), id='gasp_json_bad_type'),
    P('gasp_json_utf16', gasp_err('utf'), id='gasp_json_utf16'),
    P('coco_missing_keys', coco_err('missing key', 'annotations'), id='coco_missing_keys'),
    P('coco_truncated', coco_err('not valid JSON'), id='coco_truncated'),
    P('coco_list', coco_err('not a COCO'), id='coco_list'),
    P('coco_bad_category', coco_err('99'), id='coco_bad_category'),
    P('coco_annotation_no_bbox', coco_err('bbox'), id='coco_annotation_no_bbox'),
    P('coco_image_no_size', coco_err('height'), id='coco_image_no_size'),
    P('coco_utf16', coco_err('utf'), id='coco_utf16'),
    # prediction folders: evaluate.get_prediction
    P('pred_npy_nan', pred_err('b.npy', 'NaN'), id='pred_npy_nan'),
    P('pred_npy_3d', pred_err('b.npy', '2-D'), id='pred_npy_3d'),
    P('pred_npy_empty', pred_err('b.npy', 'empty'), id='pred_npy_empty'),
    P('pred_png_corrupt', pred_err('b.png', 'cannot be read'), id='pred_png_corrupt'),
    P('pred_npy_truncated', pred_err('b.npy', 'npy'), id='pred_npy_truncated'),
    P('pred_npy_object', pred_err('b.npy', 'npy'), id='pred_npy_object'),
]

@pytest.mark.parametrize('name,check', CASES)
def test_api(corpus, name, check): check(corpus, name)

# ---------------------------------------------------------------- the CLI (a subprocess per case)
def _cli(*args, timeout=180):
    env = {**os.environ, 'PYTHONWARNINGS': 'ignore', 'CUDA_VISIBLE_DEVICES': ''}
    return subprocess.run([str(CLI), *map(str, args)], capture_output=True, text=True, timeout=timeout, env=env)

def _ev(data_case, fmt='folder', pred_case=None):
    return lambda c, t: (['evaluate', '--pred', c(pred_case) if pred_case else t, '--data', c(data_case), '--format', fmt], None)

def _pr(model_case, images_case=None, arch=None):
    def f(c, t):
        imgs = c(images_case)/'stimuli' if images_case else c('folder_good')/'stimuli'
        return ['predict', '--model', c(model_case), '--images', imgs, '--out', t/'out', '--device', 'cpu',
                *(['--arch', arch] if arch else [])], None
    return f

CLI_CASES = [  # (case id, argv builder, text the error line must contain)
    P('folder_nan_xy', _ev('folder_nan_xy'), 'fixations.csv', id='cli-folder_nan_xy'),
    P('folder_utf16_csv', _ev('folder_utf16_csv'), 'fixations.csv', id='cli-folder_utf16_csv'),
    P('osie_empty_mat', _ev('osie_empty_mat', 'osie'), 'fixations.mat', id='cli-osie_empty_mat'),
    P('osie_v73_mat', _ev('osie_v73_mat', 'osie'), 'fixations.mat', id='cli-osie_v73_mat'),
    P('osie_wrong_variable', _ev('osie_wrong_variable', 'osie'), 'fixations.mat', id='cli-osie_wrong_variable'),
    P('pred_npy_nan', _ev('folder_good', pred_case='pred_npy_nan'), 'b.npy', id='cli-pred_npy_nan'),
    P('ckpt_truncated', _pr('ckpt_truncated'), 'trunc.pth', id='cli-ckpt_truncated'),
    P('ckpt_other_arch', _pr('ckpt_other_arch', arch='default'), 'dinet', id='cli-ckpt_other_arch'),
    P('folder_zero_byte_image', _pr('ckpt_good_default', 'folder_zero_byte_image'), 'b.png', id='cli-predict_zero_byte_image'),
    P('gasp_json_list', lambda c, t: (['gasp-train', '--config', c('gasp_json_list'), '--out', t/'g', '--video', c('video_text')], None),
      'cfg.json', id='cli-gasp_json_list'),
]

@pytest.mark.parametrize('name,argv,needle', CLI_CASES)
def test_cli(corpus, tmp_path, name, argv, needle):
    args, _ = argv(corpus, tmp_path)
    r = _cli(*args)
    err = r.stderr.strip()
    assert r.returncode != 0, (r.returncode, r.stdout[-500:], err[-500:])
    assert 'Traceback' not in err, err[-2000:]
    lines = err.splitlines()
    assert len(lines) == 1, f"expected one error line, got {len(lines)}:\n{err[-2000:]}"
    assert 'error' in lines[0] and needle in lines[0], lines[0]

def test_case_count():
    n = len(CASES) + len(CLI_CASES)
    xf = sum(bool(c.marks) for c in CASES + CLI_CASES)
    print(f"\nbad-input cases: {len(CASES)} API + {len(CLI_CASES)} CLI = {n} ({xf} strict xfail bugs)")
    assert len(CASES) >= 40 and len(CLI_CASES) >= 10
