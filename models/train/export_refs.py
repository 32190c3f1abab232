"""Writes the sample images and PyTorch reference outputs that edgerun is tested
against, checks the ONNX exports, and writes RESULTS.md from the training results.

Outputs under models/pretrained/:
  codec.pth, codec.json        the codec as a WaLLoC LinearCodec2D checkpoint + config
  samples/NN_<label>.pgm       16 test images (binary PGM, 28x28)
  samples/labels.json          test-set index, label and class name of each
  samples/images.npy           uint8 [16,28,28]
  samples/x.npy                float32 [16,1,28,28], x/255 - 0.5
  samples/wpt.npy              float32 [16,64,4,4]  wavelet packet coefficients (J=3, of the
                                                     reflect-padded 32x32 image)
  samples/proj.npy             float32 [16,8,4,4]   1x1 projection before companding
  samples/latent.npy           int8    [16,8,4,4]   companded, rounded half to even
  samples/dec_wpt.npy          float32 [16,64,4,4]  decompanded latent after the 1x1 decoder
  samples/recon.npy            float32 [16,1,28,28] decoder output (clamped, cropped)
  samples/latent_logits.npy    float32 [16,10]      latent classifier on latent/127
  samples/pixel_logits.npy     float32 [16,10]      pixel classifier on x
  samples/sae_code.npy         float32 [16,10]      autoencoder code of latent/127 (flattened)
  samples/sae_cluster.npy      int32   [16]         nearest centroid
"""
import json
import os

import numpy as np
import onnx
import torch

import common as C
import train_classifiers as TC
import train_cluster as TK


def main():
    C.setup(seed=5)
    out = os.path.join(C.OUT, "samples")
    os.makedirs(out, exist_ok=True)
    xte_u8, yte = C.load("t10k")
    # The first test image of each class, then the next unused images in order.
    idx = [int(np.nonzero(yte == k)[0][0]) for k in range(10)]
    for i in range(len(yte)):
        if len(idx) == 16:
            break
        if i not in idx:
            idx.append(i)
    imgs = xte_u8[idx]
    labels = []
    for n, (i, img) in enumerate(zip(idx, imgs)):
        name = f"{n:02d}_{int(yte[i])}.pgm"
        with open(os.path.join(out, name), "wb") as f:
            f.write(b"P5\n28 28\n255\n" + img.tobytes())
        labels.append({"file": name, "test_index": i, "label": int(yte[i]),
                       "class": C.CLASSES[int(yte[i])]})
    with open(os.path.join(out, "labels.json"), "w") as f:
        json.dump(labels, f, indent=1)

    codec = C.Codec()
    codec.load_state_dict(torch.load(os.path.join(C.WORK, "codec.pt")))
    codec.eval()
    lat_net = TC.latent_net()
    lat_net.load_state_dict(torch.load(os.path.join(C.WORK, "latent_classifier.pt")))
    lat_net.eval()
    pix_net = TC.pixel_net()
    pix_net.load_state_dict(torch.load(os.path.join(C.WORK, "pixel_classifier.pt")))
    pix_net.eval()
    sae = torch.load(os.path.join(C.WORK, "sae_kmeans.pt"))
    enc = torch.nn.Sequential(torch.nn.Linear(128, 256), torch.nn.ReLU(), torch.nn.Linear(256, 64),
                              torch.nn.ReLU(), torch.nn.Linear(64, 10))
    enc.load_state_dict(sae["encoder"])
    enc.eval()
    cent = sae["centroids"]

    with torch.no_grad():
        x = C.to_input(imgs)
        wpt = codec.analysis(x)
        proj = codec.enc(wpt)
        lat = torch.round(C.to_uniform(proj))
        dec_wpt = codec.dec(C.to_normal(lat))
        recon = codec.decode(lat)
        ll = lat_net(lat * TC.LATENT_SCALE)
        pl = pix_net(x)
        code = enc(lat.flatten(1) * TK.LATENT_SCALE)
        cl = torch.cdist(code, cent).argmin(1)
    arrays = {"images": imgs, "x": x.numpy(), "wpt": wpt.numpy(), "proj": proj.numpy(),
              "latent": lat.numpy().astype(np.int8), "dec_wpt": dec_wpt.numpy(),
              "recon": recon.numpy(),
              "latent_logits": ll.numpy(), "pixel_logits": pl.numpy(),
              "sae_code": code.numpy(), "sae_cluster": cl.numpy().astype(np.int32)}
    for k, v in arrays.items():
        np.save(os.path.join(out, k + ".npy"), v)
    print("samples: labels      ", [l["label"] for l in labels])
    print("samples: latent top-1", ll.argmax(1).tolist())
    print("samples: pixel top-1 ", pl.argmax(1).tolist())

    # The codec as a WaLLoC checkpoint, so WaLLoC's own importer path loads it.
    sd = {"encoder.0.weight": codec.enc.weight.detach().clone(),
          "encoder.0.bias": codec.enc.bias.detach().clone(),
          "decoder.1.weight": codec.dec.weight.detach().clone(),
          "decoder.1.bias": codec.dec.bias.detach().clone()}
    torch.save({"model_state_dict": sd}, os.path.join(C.OUT, "codec.pth"))
    with open(os.path.join(C.OUT, "codec.json"), "w") as f:
        json.dump({"channels": 1, "J": C.J, "latent_dim": C.LATENT_DIM,
                   "latent_bits": C.LATENT_BITS}, f, indent=4)

    ops = {}
    for name in ["latent_classifier.onnx", "pixel_classifier.onnx", "sae_encoder.onnx"]:
        m = onnx.load(os.path.join(C.OUT, name))
        onnx.checker.check_model(m)
        ops[name] = sorted({n.op_type for n in m.graph.node})
    print("onnx ops:", ops)

    res = {}
    for f in ["codec", "latent", "pixel", "cluster"]:
        with open(os.path.join(C.WORK, f"results_{f}.json")) as fh:
            res.update(json.load(fh))
    sizes = {f: os.path.getsize(os.path.join(C.OUT, f)) for f in sorted(os.listdir(C.OUT))
             if os.path.isfile(os.path.join(C.OUT, f))}
    write_results(res, sizes, ops)


def write_results(r, sizes, ops):
    lines = [
        "# Fashion-MNIST pre-trained models: results",
        "",
        "Produced by `models/train/train_all.sh` (PyTorch 1.13, CPU, fixed seeds) on the",
        "Fashion-MNIST training set (60,000 images); every number is on the 10,000-image test set.",
        "",
        "## Codec (WaLLoC LinearCodec2D, channels=1, J=3, latent_dim=8, 8-bit)",
        "",
        "| input values | latent values | ratio | test PSNR | latent range |",
        "|---|---|---|---|---|",
        f"| 784 (28x28 uint8) | {r['latent_values']} (8x4x4 int8) | {r['ratio']:.2f}x | "
        f"{r['codec_test_psnr_db']:.2f} dB | [{r['latent_min']:.0f}, {r['latent_max']:.0f}] |",
        "",
        "PSNR is per image (peak 1 on x/255 - 0.5), averaged; the decoder is the 1x1 linear",
        "decoder and the inverse packet transform, clamped to [-0.5, 0.5] and cropped to 28x28.",
        "",
        "## Classifiers",
        "",
        "| model | input | test top-1 | MACs per image | parameters |",
        "|---|---|---|---|---|",
        f"| latent classifier | int8 latent [8,4,4] / 127 | {100 * r['latent_test_top1']:.2f}% | "
        f"{r['latent_macs']:,} | {r['latent_params']:,} |",
        f"| pixel baseline | 28x28 image, x/255 - 0.5 | {100 * r['pixel_test_top1']:.2f}% | "
        f"{r['pixel_macs']:,} | {r['pixel_params']:,} |",
        "",
        "The latent classifier's MACs exclude the encoder (WPT + 1x1 projection), which a",
        "sensor runs anyway to compress.",
        "",
        "## Unsupervised clustering (geological-mapping pattern), k = 10, on the int8 latents",
        "",
        "| method | accuracy (Hungarian matching) | NMI |",
        "|---|---|---|",
        f"| stacked autoencoder encoder (128-256-64-10) + k-means | {100 * r['sae_kmeans_acc']:.2f}% | "
        f"{r['sae_kmeans_nmi']:.4f} |",
        f"| PCA (10 components) + k-means | {100 * r['pca_kmeans_acc']:.2f}% | {r['pca_kmeans_nmi']:.4f} |",
        "",
        "k-means: scikit-learn, k-means++, n_init=10, random_state=0, fitted on the training",
        "codes and applied to the test codes.",
        "",
        "## Files (models/pretrained/)",
        "",
        "| file | bytes |",
        "|---|---|",
    ]
    lines += [f"| {k} | {v:,} |" for k, v in sizes.items()]
    lines += ["", "ONNX operators used: " + "; ".join(f"{k}: {', '.join(v)}" for k, v in ops.items()), ""]
    with open(os.path.join(C.WORK, "RESULTS.md"), "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main()
