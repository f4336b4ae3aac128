"""Training throughput (images/s) of each architecture on 2 CPU threads: forward + backward + Adam step on random batches.
Usage: python benchmarks/train_bench.py [--bs 2] [--steps 2] [--threads 2]"""
import argparse, json, time
import torch
from saliency_nb.models import create_model
from saliency_nb.train import SaliencyLoss

# (arch, backbone, the seeds' input size); each also at 192x256
CASES = [('default', 'effnet_lite0', (240, 320)), ('dinet', 'resnet50_caffe', (480, 640)),
         ('transalnet', 'resnet50_caffe', (240, 320)), ('salicon', 'resnet50_caffe', (480, 640))]

def bench(arch, backbone, size, bs=2, steps=2):
    torch.manual_seed(0)
    model, _ = create_model(arch, backbone, pretrained=False)
    model.train()
    opt = torch.optim.Adam(model.parameters(), 1e-4)
    loss_func = SaliencyLoss()
    x = torch.randn(bs, 3, *size)
    dens = torch.rand(bs, 1, *size)
    fix = (torch.rand(bs, 1, *size) > 0.999).float()
    ts = []
    for k in range(steps + 1):  # the first step is a warm-up
        t = time.perf_counter()
        loss = loss_func(model(x), dens, fix); loss.backward(); opt.step(); opt.zero_grad(set_to_none=True)
        if k: ts.append(time.perf_counter() - t)
    s = min(ts)
    return {'arch': arch, 'backbone': backbone, 'size': f'{size[0]}x{size[1]}', 'bs': bs, 's/step': round(s, 2), 'images/s': round(bs/s, 2),
            'params (M)': round(sum(p.numel() for p in model.parameters())/1e6, 1)}

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument('--bs', type=int, default=2, help='batch size')
    p.add_argument('--steps', type=int, default=2, help='timed steps (best of) after one warm-up step')
    p.add_argument('--threads', type=int, default=2, help='torch CPU threads')
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    rows = []
    for arch, bb, size in CASES:
        for sz in dict.fromkeys([size, (192, 256)]):
            rows.append(bench(arch, bb, sz, a.bs, a.steps)); print(json.dumps(rows[-1]), flush=True)
    import pandas as pd
    print(pd.DataFrame(rows).to_string(index=False))
