"""The geological-mapping pattern on Fashion-MNIST, unsupervised, in the compressed
domain: a stacked autoencoder's encoder maps each int8 latent (scaled by 1/127, 128
values) to a 10-d code, and k-means (k=10) groups the codes. The reference is PCA to
10 dimensions + k-means on the same data. Labels are used only to score: accuracy
under the best one-to-one label matching (Hungarian) and NMI, on the 10k test set.

The autoencoder is stacked: each layer pair is pretrained greedily as a shallow
autoencoder of the previous layer's codes, then the whole stack is fine-tuned.
k-means is fitted on the training codes (sklearn, k-means++, n_init=10, seed 0) and
its centroids are exported with the encoder, so a device assigns clusters by nearest
centroid.
"""
import json
import os
import time

import numpy as np
import torch
import torch.nn as nn
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import normalized_mutual_info_score

import common as C

DIMS = [C.LATENT_DIM * 16, 256, 64, 10]
LATENT_SCALE = 1.0 / 127.0


def cluster_acc(y, c):
    k = max(y.max(), c.max()) + 1
    w = np.zeros((k, k), dtype=np.int64)
    for a, b in zip(c, y):
        w[a, b] += 1
    r, s = linear_sum_assignment(-w)
    return w[r, s].sum() / len(y)


def train_ae(enc, dec, data, epochs, lr, g, tag):
    params = list(enc.parameters()) + list(dec.parameters())
    opt = torch.optim.Adam(params, lr=lr)
    bs = 256
    for ep in range(epochs):
        perm = torch.randperm(len(data), generator=g)
        tot = 0.0
        for i in range(0, len(data), bs):
            xb = data[perm[i:i + bs]]
            loss = torch.mean((dec(enc(xb)) - xb) ** 2)
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += float(loss) * len(xb)
        print(f"cluster: {tag} epoch {ep + 1} mse {tot / len(data):.5f}", flush=True)


def main():
    C.setup(seed=4)
    g = torch.Generator().manual_seed(4)
    xtr_u8, _ = C.load("train")
    xte_u8, yte = C.load("t10k")
    codec = C.Codec()
    codec.load_state_dict(torch.load(os.path.join(C.WORK, "codec.pt")))
    codec.eval()
    with torch.no_grad():
        def lat(u8):
            x = C.to_input(u8)
            return torch.cat([codec.encode(x[i:i + 2000]) for i in range(0, len(x), 2000)])
        tr = lat(xtr_u8).flatten(1) * LATENT_SCALE
        te = lat(xte_u8).flatten(1) * LATENT_SCALE

    t0 = time.time()
    layers = []
    h = tr
    for i in range(len(DIMS) - 1):
        last = i == len(DIMS) - 2
        e = nn.Linear(DIMS[i], DIMS[i + 1])
        enc = e if last else nn.Sequential(e, nn.ReLU())
        dec = nn.Linear(DIMS[i + 1], DIMS[i])
        train_ae(enc, dec if i == 0 else nn.Sequential(dec), h, 4, 1e-3, g, f"layer {i + 1}")
        with torch.no_grad():
            h = enc(h)
        layers.append((e, dec))
    mods = []
    for i, (e, _) in enumerate(layers):
        mods.append(e)
        if i < len(layers) - 1:
            mods.append(nn.ReLU())
    encoder = nn.Sequential(*mods)
    dmods = []
    for i, (_, d) in enumerate(reversed(layers)):
        dmods.append(d)
        if i < len(layers) - 1:
            dmods.append(nn.ReLU())
    decoder = nn.Sequential(*dmods)
    train_ae(encoder, decoder, tr, 12, 1e-3, g, "fine-tune")
    print(f"cluster: autoencoder trained ({time.time() - t0:.0f}s)", flush=True)

    encoder.eval()
    with torch.no_grad():
        ztr = encoder(tr).numpy()
        zte = encoder(te).numpy()
    km = KMeans(n_clusters=10, n_init=10, random_state=0).fit(ztr)
    c_ae = km.predict(zte)
    pca = PCA(n_components=10, random_state=0).fit(tr.numpy())
    km_pca = KMeans(n_clusters=10, n_init=10, random_state=0).fit(pca.transform(tr.numpy()))
    c_pca = km_pca.predict(pca.transform(te.numpy()))
    res = {
        "sae_kmeans_acc": float(cluster_acc(yte, c_ae)),
        "sae_kmeans_nmi": float(normalized_mutual_info_score(yte, c_ae)),
        "pca_kmeans_acc": float(cluster_acc(yte, c_pca)),
        "pca_kmeans_nmi": float(normalized_mutual_info_score(yte, c_pca)),
        "encoder_macs": sum(DIMS[i] * DIMS[i + 1] for i in range(len(DIMS) - 1)),
    }
    print("cluster:", res, flush=True)
    meta = {"format": "edgerun-train/1", "arch": "fmnist.sae_kmeans",
            "layers": "linear(128->256)+relu, linear(256->64)+relu, linear(64->10); "
                      "cluster = argmin_k ||z - centroids[k]||^2",
            "input_shape": json.dumps([C.LATENT_DIM * 16]),
            "input": "int8 latent of codec.safetensors flattened (C,H,W order) times 1/127",
            "test_acc": f"{res['sae_kmeans_acc']:.4f}", "test_nmi": f"{res['sae_kmeans_nmi']:.4f}"}
    st = {k: v for k, v in encoder.state_dict().items()}
    st["centroids"] = torch.tensor(km.cluster_centers_, dtype=torch.float32)
    C.save_safetensors(os.path.join(C.OUT, "sae_kmeans.safetensors"), st, meta)
    torch.onnx.export(encoder, torch.zeros(1, DIMS[0]), os.path.join(C.OUT, "sae_encoder.onnx"),
                      opset_version=13, input_names=["latent"], output_names=["code"],
                      dynamic_axes={"latent": {0: "n"}, "code": {0: "n"}})
    torch.save({"encoder": encoder.state_dict(), "centroids": st["centroids"]},
               os.path.join(C.WORK, "sae_kmeans.pt"))
    with open(os.path.join(C.WORK, "results_cluster.json"), "w") as f:
        json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()
