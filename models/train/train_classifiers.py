"""Trains the Fashion-MNIST classifiers and exports them (safetensors + ONNX opset 13).

  latent: reads the codec's int8 latent [8,4,4], scaled by 1/127 (compressed-domain inference)
  pixel:  reads the 28x28 image as x/255 - 0.5 (baseline of comparable MACs)

Usage: train_classifiers.py latent|pixel
Both train on 60k images with horizontal-flip augmentation (for the latent model the
flipped image is encoded, as a sensor would), AdamW, one-cycle schedule, fixed seed.
"""
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn

import common as C

LATENT_SCALE = 1.0 / 127.0


def latent_net():
    return nn.Sequential(
        nn.Conv2d(C.LATENT_DIM, 64, 3, padding=1), nn.ReLU(),
        nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(),
        nn.Flatten(),
        nn.Dropout(0.3),
        nn.Linear(64 * 16, 128), nn.ReLU(),
        nn.Linear(128, 10))


def pixel_net():
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Dropout(0.3),
        nn.Linear(64 * 9, 64), nn.ReLU(),
        nn.Linear(64, 10))


def pixel_train_net():
    """pixel_net with batch normalisation after each convolution, for training;
    fold_bn turns it into pixel_net for export, so inference has no BN."""
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Dropout(0.2),
        nn.Linear(64 * 9, 64), nn.ReLU(),
        nn.Linear(64, 10))


def fold_bn(train_net):
    """Folds each BatchNorm2d (eval statistics) into the convolution before it."""
    net = pixel_net()
    convs = [m for m in net if isinstance(m, nn.Conv2d)]
    lins = [m for m in net if isinstance(m, nn.Linear)]
    mods = list(train_net)
    tconvs = [(m, mods[i + 1]) for i, m in enumerate(mods) if isinstance(m, nn.Conv2d)]
    tlins = [m for m in mods if isinstance(m, nn.Linear)]
    with torch.no_grad():
        for dst, (conv, bn) in zip(convs, tconvs):
            g = bn.weight / torch.sqrt(bn.running_var + bn.eps)
            dst.weight.copy_(conv.weight * g[:, None, None, None])
            dst.bias.copy_((conv.bias - bn.running_mean) * g + bn.bias)
        for dst, src in zip(lins, tlins):
            dst.weight.copy_(src.weight)
            dst.bias.copy_(src.bias)
    return net.eval()


ARCH = {
    "latent": ("conv3x3(8->64,p1)+relu, conv3x3(64->64,p1)+relu, flatten(64*4*4), "
               "dropout, linear(1024->128)+relu, linear(128->10)"),
    "pixel": ("conv3x3(1->16,p1)+relu, maxpool2, conv3x3(16->32,p1)+relu, maxpool2, "
              "conv3x3(32->64,p1)+relu, maxpool2(7->3), flatten(64*3*3), dropout, "
              "linear(576->64)+relu, linear(64->10)"),
}


def encode_all(codec, x):
    with torch.no_grad():
        return torch.cat([codec.encode(x[i:i + 2000]) for i in range(0, len(x), 2000)])


def main(kind):
    C.setup(seed=2 if kind == "latent" else 3)
    epochs = int(os.environ.get("CLS_EPOCHS", "12"))
    xtr_u8, ytr = C.load("train")
    xte_u8, yte = C.load("t10k")
    xtr, xte = C.to_input(xtr_u8), C.to_input(xte_u8)
    ytr, yte = torch.from_numpy(ytr), torch.from_numpy(yte)
    if kind == "latent":
        codec = C.Codec()
        codec.load_state_dict(torch.load(os.path.join(C.WORK, "codec.pt")))
        codec.eval()
        tr = encode_all(codec, xtr) * LATENT_SCALE
        tr_flip = encode_all(codec, xtr.flip(-1)) * LATENT_SCALE
        te = encode_all(codec, xte) * LATENT_SCALE
        net, shape = latent_net(), (C.LATENT_DIM, 4, 4)
    else:
        tr, tr_flip, te = xtr, xtr.flip(-1), xte
        net, shape = pixel_train_net(), (1, 28, 28)
    macs = C.count_macs(net, shape)
    print(f"{kind}: {macs} MACs per image", flush=True)

    bs = 128
    steps = epochs * math.ceil(len(tr) / bs)
    opt = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3, total_steps=steps)
    g = torch.Generator().manual_seed(7)
    lossf = nn.CrossEntropyLoss(label_smoothing=0.05)

    def evaluate():
        net.eval()
        with torch.no_grad():
            pred = torch.cat([net(te[i:i + 2000]).argmax(1) for i in range(0, len(te), 2000)])
        return float((pred == yte).float().mean())

    t0 = time.time()
    for ep in range(epochs):
        net.train()
        perm = torch.randperm(len(tr), generator=g)
        flip = torch.rand(len(tr), generator=g) < 0.5
        for i in range(0, len(tr), bs):
            idx = perm[i:i + bs]
            f = flip[idx].view(-1, 1, 1, 1)
            xb = torch.where(f, tr_flip[idx], tr[idx])
            loss = lossf(net(xb), ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
        print(f"{kind}: epoch {ep + 1} loss {float(loss):.4f} test acc {evaluate():.4f} "
              f"({time.time() - t0:.0f}s)", flush=True)

    acc = evaluate()
    net.eval()
    if kind == "pixel":
        trained = net
        net = fold_bn(trained)
        with torch.no_grad():
            d = (net(te[:500]) - trained(te[:500])).abs().max().item()
        print(f"pixel: folded batch norm, logits differ by {d:.2e}", flush=True)
        acc = evaluate()
    params = sum(p.numel() for p in net.parameters())
    res = {f"{kind}_test_top1": acc, f"{kind}_macs": macs, f"{kind}_params": params}
    print(kind, res, flush=True)
    name = f"{kind}_classifier"
    meta = {"format": "edgerun-train/1", "arch": f"fmnist.{kind}_classifier", "layers": ARCH[kind],
            "input_shape": json.dumps(list(shape)), "classes": json.dumps(C.CLASSES),
            "input": ("int8 latent of codec.safetensors times 1/127" if kind == "latent"
                      else "28x28 uint8, x/255-0.5"),
            "test_top1": f"{acc:.4f}", "macs": str(macs)}
    C.save_safetensors(os.path.join(C.OUT, name + ".safetensors"), net.state_dict(), meta)
    torch.onnx.export(net, torch.zeros(1, *shape), os.path.join(C.OUT, name + ".onnx"),
                      opset_version=13, input_names=["latent" if kind == "latent" else "image"],
                      output_names=["logits"],
                      dynamic_axes={"latent" if kind == "latent" else "image": {0: "n"},
                                    "logits": {0: "n"}})
    torch.save(net.state_dict(), os.path.join(C.WORK, name + ".pt"))
    with open(os.path.join(C.WORK, f"results_{kind}.json"), "w") as f:
        json.dump(res, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
