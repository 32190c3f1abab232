"""Trains the Fashion-MNIST WaLLoC-style codec (a LinearCodec2D with channels=1, J=3,
latent_dim=8) and writes models/pretrained/codec.safetensors.

Training follows WaLLoC: uniform noise stands in for rounding, the loss is the pixel
MSE plus the wavelet-domain MSE. The 1x1 projections start from PCA of the wavelet
packet vectors, scaled so the projection's spread matches the companding scale.
"""
import json
import math
import os
import time

import numpy as np
import torch

import common as C

EPOCHS = int(os.environ.get("CODEC_EPOCHS", "2"))
REL_LR = 2e-3


def main():
    C.setup(seed=1)
    xtr, _ = C.load("train")
    xte, _ = C.load("t10k")
    xtr, xte = C.to_input(xtr), C.to_input(xte)
    # The last 5,000 training images decide whether fine-tuning beat the PCA start.
    xtr, xval = xtr[:-5000], xtr[-5000:]
    model = C.Codec()

    with torch.no_grad():
        X = model.analysis(xtr[:20000])                     # [N,64,4,4]
        v = X.permute(0, 2, 3, 1).reshape(-1, 64).double()
        mean = v.mean(0)
        cov = torch.cov((v - mean).t())
        evals, evecs = torch.linalg.eigh(cov)
        top = evecs[:, -C.LATENT_DIM:].flip(1).t()           # [8,64]
        std = evals[-C.LATENT_DIM:].flip(0).sqrt()
        gain = (C.COMPAND_SCALE * 0.9 / std)[:, None]
        model.enc.weight.copy_((top * gain).float()[:, :, None, None])
        model.enc.bias.copy_((-(top * gain) @ mean).float())
        model.dec.weight.copy_((top / gain).t().float()[:, :, None, None])
        model.dec.bias.copy_(mean.float())

    def evaluate(x=xte):
        model.eval()
        with torch.no_grad():
            out = []
            for i in range(0, len(x), 1000):
                out.append(model.decode(model.encode(x[i:i + 1000])))
            return C.psnr(x, torch.cat(out))

    init_state = {k: v.clone() for k, v in model.state_dict().items()}
    init_val = evaluate(xval)
    print(f"codec: PCA init validation PSNR {init_val:.2f} dB", flush=True)
    # Adam's step is absolute; the PCA-scaled weights differ by four orders of
    # magnitude between encoder and decoder, so each tensor gets a step relative
    # to its own scale.
    params = [model.enc.weight, model.enc.bias, model.dec.weight, model.dec.bias]
    lrs = [REL_LR * float(p.detach().pow(2).mean().sqrt()) for p in params]
    opt = torch.optim.Adam([{"params": [p], "lr": lr} for p, lr in zip(params, lrs)])
    bs = 256
    steps = EPOCHS * math.ceil(len(xtr) / bs)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lrs, total_steps=steps)
    g = torch.Generator().manual_seed(1)
    t0 = time.time()
    for ep in range(EPOCHS):
        model.train()
        perm = torch.randperm(len(xtr), generator=g)
        tot = 0.0
        for i in range(0, len(xtr), bs):
            xb = xtr[perm[i:i + bs]]
            x_hat, X_in, X_hat = model(xb, noise=True)
            loss = torch.mean((x_hat - xb) ** 2) + torch.mean((X_hat - X_in) ** 2) / 16
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            tot += float(loss) * len(xb)
        print(f"codec: epoch {ep + 1} loss {tot / len(xtr):.5f} validation PSNR "
              f"{evaluate(xval):.2f} dB ({time.time() - t0:.0f}s)", flush=True)
    if evaluate(xval) < init_val:
        print("codec: fine-tuning did not help; keeping the PCA start", flush=True)
        model.load_state_dict(init_state)

    model.eval()
    with torch.no_grad():
        lat = torch.cat([model.encode(xte[i:i + 1000]) for i in range(0, len(xte), 1000)])
    p = evaluate()
    res = {"codec_test_psnr_db": p, "latent_min": float(lat.min()), "latent_max": float(lat.max()),
           "latent_values": C.LATENT_DIM * 16, "input_values": 784,
           "ratio": 784 / (C.LATENT_DIM * 16), "codec_pca_init_val_psnr_db": init_val,
           "codec_val_psnr_db": evaluate(xval)}
    print("codec:", res, flush=True)
    meta = {"format": "edgerun-train/1", "arch": "walloc.LinearCodec2D", "channels": 1, "J": C.J,
            "latent_dim": C.LATENT_DIM, "latent_bits": C.LATENT_BITS, "wavelet": C.WAVELET,
            "mode": "periodization", "input": "28x28 uint8, x/255-0.5, reflect pad 2 -> 32x32",
            "config": json.dumps({"channels": 1, "J": C.J, "latent_dim": C.LATENT_DIM,
                                  "latent_bits": C.LATENT_BITS}),
            "test_psnr_db": f"{p:.3f}"}
    # Tensor names as in WaLLoC's LinearCodec2D state dict.
    C.save_safetensors(os.path.join(C.OUT, "codec.safetensors"), {
        "encoder.0.weight": model.enc.weight, "encoder.0.bias": model.enc.bias,
        "decoder.1.weight": model.dec.weight, "decoder.1.bias": model.dec.bias}, meta)
    torch.save(model.state_dict(), os.path.join(C.WORK, "codec.pt"))
    with open(os.path.join(C.WORK, "results_codec.json"), "w") as f:
        json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()
