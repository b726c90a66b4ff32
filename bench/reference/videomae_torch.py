"""The PyTorch reference for `npm run bench`: VideoMAE-base inference in eager PyTorch on this CPU.

Uses Hugging Face `transformers.VideoMAEModel` when it is installed; otherwise the same maths written here in
plain torch modules from the published architecture (pre-norm ViT over tubelet tokens, fixed sinusoid
positions, q/v biases with a zero key bias, exact GELU). Random weights: only speed is measured.
Prints one JSON line: {"impl": ..., "torch": ..., "threads": ..., "batch": {"1": clips_per_s, ...}}.
"""
import argparse
import json
import math
import time

import torch
from torch import nn


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim, bias=False)
        self.q_bias = nn.Parameter(torch.zeros(dim))
        self.v_bias = nn.Parameter(torch.zeros(dim))
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, d = x.shape
        bias = torch.cat([self.q_bias, torch.zeros_like(self.v_bias), self.v_bias])
        qkv = nn.functional.linear(x, self.qkv.weight, bias).reshape(b, n, 3, self.heads, d // self.heads)
        q, k, v = qkv.permute(2, 0, 3, 1, 4)
        attn = (q @ k.transpose(-2, -1)) * (d // self.heads) ** -0.5
        out = attn.softmax(dim=-1) @ v
        return self.proj(out.transpose(1, 2).reshape(b, n, d))


class Layer(nn.Module):
    def __init__(self, dim, heads, mlp, eps):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=eps)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=eps)
        self.fc1 = nn.Linear(dim, mlp)
        self.fc2 = nn.Linear(mlp, dim)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.fc2(nn.functional.gelu(self.fc1(self.norm2(x))))


class Encoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = c["hidden_size"]
        t, p = c["tubelet_size"], c["patch_size"]
        self.embed = nn.Conv3d(3, d, kernel_size=(t, p, p), stride=(t, p, p))
        n = (c["num_frames"] // t) * (c["image_size"] // p) ** 2
        pos = torch.tensor(
            [[i / math.pow(10000, 2 * (j // 2) / d) for j in range(d)] for i in range(n)], dtype=torch.float64
        )
        pos[:, 0::2] = torch.sin(pos[:, 0::2])
        pos[:, 1::2] = torch.cos(pos[:, 1::2])
        self.register_buffer("pos", pos.float().unsqueeze(0))
        self.layers = nn.ModuleList(
            Layer(d, c["num_attention_heads"], c["intermediate_size"], c["layer_norm_eps"])
            for _ in range(c["num_hidden_layers"])
        )

    def forward(self, pixel_values):
        x = self.embed(pixel_values.permute(0, 2, 1, 3, 4)).flatten(2).transpose(1, 2) + self.pos
        for layer in self.layers:
            x = layer(x)
        return x


def build(config):
    try:
        from transformers import VideoMAEConfig, VideoMAEModel

        return "transformers.VideoMAEModel", VideoMAEModel(VideoMAEConfig(**config)).eval()
    except ImportError:
        return "plain torch (HF VideoMAE maths)", Encoder(config).eval()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batches", default="1,4")
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--config", default="{}")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    config = dict(
        image_size=224, patch_size=16, num_frames=16, tubelet_size=2, hidden_size=768, num_hidden_layers=12,
        num_attention_heads=12, intermediate_size=3072, layer_norm_eps=1e-12,
    )
    config.update(json.loads(args.config))
    impl, model = build(config)
    result = {"impl": impl, "torch": torch.__version__, "threads": args.threads, "batch": {}}
    with torch.inference_mode():
        for b in [int(s) for s in args.batches.split(",")]:
            x = torch.randn(b, config["num_frames"], 3, config["image_size"], config["image_size"])
            model(x)  # warm-up
            t0 = time.perf_counter()
            for _ in range(args.repeats):
                model(x)
            result["batch"][str(b)] = b * args.repeats / (time.perf_counter() - t0)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
