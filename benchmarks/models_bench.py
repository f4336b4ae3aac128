"""Training throughput (forward + backward, images/s) of the saliency_nb.models architectures on CPU.

Usage: python benchmarks/models_bench.py [--threads 2] [--bs 1] [--iters 2] [--small-only] [--out FILE.json]

Each architecture runs at the seeds' input size (DINet and SALICON 480x640, TranSalNet 240x320; the default
model at 240x320) and at 192x256. The seeds' architectures use the Caffe-style ResNet-50 at full size and the
default model EfficientNet-Lite0; weights are random (pretrained=False): speed does not depend on them.
"""
import argparse, json, os, platform, time

import torch

from saliency_nb.models import create_model

CONFIGS = [  # (arch, backbone, seeds' input size)
    ('default', 'effnet_lite0', (240, 320)),
    ('dinet', 'resnet50_caffe', (480, 640)),
    ('transalnet', 'resnet50_caffe', (240, 320)),
    ('salicon', 'resnet50_caffe', (480, 640)),
]
SMALL = (192, 256)


def bench(model, size, bs=1, iters=2, warmup=1):
    "Seconds per forward+backward step and images/s for a batch of `bs` random images of `size`."
    model.train()
    x = torch.randn(bs, 3, *size)
    opt = torch.optim.SGD(model.parameters(), lr=1e-6)
    for i in range(warmup + iters):
        if i == warmup: t0 = time.perf_counter()
        loss = -model(x)[:, size[0]//2, size[1]//2].mean()
        opt.zero_grad(); loss.backward(); opt.step()
    dt = (time.perf_counter() - t0)/iters
    return dt, bs/dt


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--bs', type=int, default=1)
    ap.add_argument('--iters', type=int, default=2)
    ap.add_argument('--small-only', action='store_true', help='only the 192x256 size')
    ap.add_argument('--out', help='write the results as JSON here')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    rows = []
    print(f"torch {torch.__version__}, {a.threads} threads, batch {a.bs}, {platform.processor() or platform.machine()}, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'arch':<11} {'backbone':<15} {'params (M)':>10} {'size':>9} {'s/step':>8} {'img/s':>7}")
    for arch, bb, seed_size in CONFIGS:
        torch.manual_seed(0)
        model, _ = create_model(arch, bb, pretrained=False)
        n = sum(p.numel() for p in model.parameters())/1e6
        for size in ([] if a.small_only else [seed_size]) + [SMALL]:
            dt, ips = bench(model, size, a.bs, a.iters)
            rows.append(dict(arch=arch, backbone=bb, params_m=round(n, 2), size=list(size), s_per_step=round(dt, 3), img_per_s=round(ips, 3)))
            print(f"{arch:<11} {bb:<15} {n:>10.2f} {size[0]:>4}x{size[1]:<4} {dt:>8.2f} {ips:>7.3f}", flush=True)
        del model
    if a.out:
        with open(a.out + '.tmp', 'w') as f: json.dump(dict(threads=a.threads, bs=a.bs, iters=a.iters, rows=rows), f, indent=1)
        os.replace(a.out + '.tmp', a.out)


if __name__ == '__main__': main()
