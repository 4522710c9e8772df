"""PyTorch reference for bench/run: the same models, batch, K, threads and float32 as modmask's Bench.

    /usr/bin/python3 bench/pytorch/bench.py CASE --steps N --warmup W [--warmup-seconds S] [--threads T]

Prints one JSON line: {"impl": "pytorch", "case": ..., "step_s": [seconds per timed step], "rss_mb": peak}.
Mask training follows the method as modmask implements it: the batch is split into K chunks, each chunk sees
its own hard Gumbel-sigmoid sample of every masked weight (straight-through), loss averaged over chunks,
plus (beta / batch) * sum(logits); Adam on the logits, gradients clipped by global norm 1.
"""
import argparse
import gc
import json
import math
import resource
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import stateless

BATCH, K, BETA = 128, 4, 1e-4


# ---- models (parameter names as modmask's) -------------------------------------------------------------

class Fnn(nn.Module):
    def __init__(self, sizes, groups):
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.groups = groups

    def forward(self, x):
        for i, l in enumerate(self.layers):
            x = l(x)
            if i < len(self.layers) - 1:
                x = F.relu(x)
        return x


class Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        w = [3, 32, 64, 128, 256]
        self.conv = nn.ModuleList(nn.Conv2d(w[i], w[i + 1], 3, padding=1) for i in range(4))
        self.out_layer = nn.Linear(256, 10)

    def forward(self, x):
        h = x.view(-1, 3, 32, 32)
        for i, c in enumerate(self.conv):
            h = F.relu(c(h))
            if i < 3:
                h = F.max_pool2d(h, 2)
        return self.out_layer(h.mean((2, 3)))


class LstmNet(nn.Module):
    """Multi-layer LSTM fed the same input for `steps` steps, reading the last hidden state; unrolled by hand
    with PyTorch's gate order, as modmask's (nn.LSTM keeps flat weights that functional_call cannot swap)."""

    def __init__(self, inp, hidden, layers, steps, out):
        super().__init__()
        self.lstm = nn.ModuleList(LstmLayer(inp if i == 0 else hidden, hidden) for i in range(layers))
        self.output_projection = nn.Linear(hidden, out)
        self.steps = steps

    def forward(self, x):
        seq = [x] * self.steps
        for layer in self.lstm:
            seq = layer(seq)
        return self.output_projection(seq[-1])


class LstmLayer(nn.Module):
    def __init__(self, inp, hidden):
        super().__init__()
        b = 1 / math.sqrt(hidden)
        self.weight_ih = nn.Parameter(torch.empty(4 * hidden, inp).uniform_(-b, b))
        self.weight_hh = nn.Parameter(torch.empty(4 * hidden, hidden).uniform_(-b, b))
        self.bias_ih = nn.Parameter(torch.zeros(4 * hidden))
        self.bias_hh = nn.Parameter(torch.zeros(4 * hidden))

    def forward(self, xs):
        h = c = None
        out = []
        for x in xs:
            gates = F.linear(x, self.weight_ih, self.bias_ih) + self.bias_hh
            if h is not None:
                gates = gates + F.linear(h, self.weight_hh)
            i, f, g, o = gates.chunk(4, 1)
            i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
            c = i * g if c is None else f * c + i * g
            h = o * torch.tanh(c)
            out.append(h)
        return out


class Attention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.data_to_q = nn.Linear(d, d, bias=False)
        self.data_to_kv = nn.Linear(d, 2 * d, bias=False)
        self.multi_head_merge = nn.Linear(d, d, bias=False)

    def forward(self, q_in, kv_in, add_mask):
        b, tq, d = q_in.shape
        tk, h = kv_in.shape[1], self.heads
        q = self.data_to_q(q_in).view(b, tq, h, d // h).transpose(1, 2)
        k, v = self.data_to_kv(kv_in).view(b, tk, 2, h, d // h).unbind(2)
        k, v = k.transpose(1, 2), v.transpose(1, 2)
        a = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d // h) + add_mask, -1)
        return self.multi_head_merge((a @ v).transpose(1, 2).reshape(b, tq, d))


class Layer(nn.Module):
    def __init__(self, d, heads, ff, cross):
        super().__init__()
        self.self_attn = Attention(d, heads)
        self.cross_attn = Attention(d, heads) if cross else None
        self.linear1, self.linear2 = nn.Linear(d, ff), nn.Linear(ff, d)
        self.norm1, self.norm2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.norm3 = nn.LayerNorm(d) if cross else None

    def forward(self, x, self_mask, memory=None, mem_mask=None):
        x = self.norm1(x + self.self_attn(x, x, self_mask))
        if self.cross_attn is not None:
            x = self.norm2(x + self.cross_attn(x, memory, mem_mask))
            return self.norm3(x + self.linear2(F.relu(self.linear1(x))))
        return self.norm2(x + self.linear2(F.relu(self.linear1(x))))


class Transformer(nn.Module):
    """Post-LN encoder-decoder, d=100, 4 heads, 3+3 layers, FF 200 (the SCAN configuration), no dropout."""

    def __init__(self, src_vocab, tgt_vocab, d=100, heads=4, layers=3, ff=200):
        super().__init__()
        self.input_embedding = nn.Embedding(src_vocab, d)
        self.output_embedding = nn.Embedding(tgt_vocab, d)
        self.encoder = nn.ModuleList(Layer(d, heads, ff, False) for _ in range(layers))
        self.decoder = nn.ModuleList(Layer(d, heads, ff, True) for _ in range(layers))
        self.output_map = nn.Linear(d, tgt_vocab)
        self.d = d

    def positions(self, t):
        pos = torch.arange(t).unsqueeze(1)
        div = torch.exp(torch.arange(0, self.d, 2) * (-math.log(10000.0) / self.d))
        p = torch.zeros(t, self.d)
        p[:, 0::2], p[:, 1::2] = torch.sin(pos * div), torch.cos(pos * div)
        return p

    def forward(self, src, src_mask, tgt_in):
        keys = ((1 - src_mask) * -1e9)[:, None, None, :]
        t = tgt_in.shape[1]
        causal = torch.triu(torch.full((t, t), -1e9), 1)
        x = self.input_embedding(src) + self.positions(src.shape[1])
        for layer in self.encoder:
            x = layer(x, keys)
        y = self.output_embedding(tgt_in) + self.positions(t)
        for layer in self.decoder:
            y = layer(y, causal, x, keys)
        return self.output_map(y)


# ---- cases ------------------------------------------------------------------------------------------------

def grouped_ce(logits, y, groups, classes):
    return -(F.log_softmax(logits.view(-1, groups, classes), 2) * y.view(-1, groups, classes)).sum(2).mean()


def case(name):
    g = torch.Generator().manual_seed(42)
    if name.startswith("fnn"):
        net = Fnn([42, 2000, 2000, 2000, 2000, 20], 2)
        x = torch.rand(BATCH, 42, generator=g)
        y = F.one_hot(torch.arange(BATCH * 2) % 10, 10).float().view(BATCH, 20)
        return net, (lambda p, sl: grouped_ce(call(net, p, x[sl]), y[sl], 2, 10))
    if name.startswith("cnn"):
        net = Cnn()
        x = torch.rand(BATCH, 3 * 32 * 32, generator=g)
        y = F.one_hot(torch.arange(BATCH) % 10, 10).float()
        return net, (lambda p, sl: grouped_ce(call(net, p, x[sl]), y[sl], 1, 10))
    if name.startswith("lstm"):
        net = LstmNet(80, 256, 2, 6, 40)
        x = F.one_hot(torch.randint(0, 10, (BATCH, 8), generator=g), 10).float().view(BATCH, 80)
        y = F.one_hot(torch.randint(0, 10, (BATCH, 4), generator=g), 10).float().view(BATCH, 40)
        return net, (lambda p, sl: grouped_ce(call(net, p, x[sl]), y[sl], 4, 10))
    if name.startswith("transformer"):
        src_len, tgt_len, src_vocab, tgt_vocab = 10, 49, 15, 9
        net = Transformer(src_vocab, tgt_vocab)
        src = torch.randint(0, src_vocab, (BATCH, src_len), generator=g)
        src_mask = torch.ones(BATCH, src_len)
        tgt_in = torch.randint(0, tgt_vocab, (BATCH, tgt_len), generator=g)
        tgt_out = torch.randint(0, tgt_vocab, (BATCH, tgt_len), generator=g)

        def loss(p, sl):
            logits = call(net, p, src[sl], src_mask[sl], tgt_in[sl])
            return -(F.log_softmax(logits, 2).gather(2, tgt_out[sl].unsqueeze(2))).sum((1, 2)).mean()
        return net, loss
    raise SystemExit("unknown case " + name)


def call(net, params, *args):
    return stateless.functional_call(net, params, args) if params is not None else net(*args)


def plain_step(net, loss_fn, opt):
    def step():
        opt.zero_grad()
        loss_fn(None, slice(None)).backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step()
    return step


def mask_step(net, loss_fn):
    for p in net.parameters():
        p.requires_grad_(False)
    masked = {n: p for n, p in net.named_parameters() if "bias" not in n and "embedding" not in n and "norm" not in n}
    logits = {n: torch.full_like(p, 2.0, requires_grad=True) for n, p in masked.items()}
    opt = torch.optim.Adam(logits.values(), lr=1e-2)
    chunk = BATCH // K

    def step():
        opt.zero_grad()
        for k in range(K):
            params = dict(net.named_parameters())
            for n, l in logits.items():
                u = torch.rand_like(l).clamp_(1e-7, 1 - 1e-7)
                s = torch.sigmoid(l + torch.log(u) - torch.log1p(-u))
                hard = (s > 0.5).float()
                params[n] = masked[n] * (hard - s.detach() + s)
            (loss_fn(params, slice(k * chunk, (k + 1) * chunk)) / K).backward()
        reg = BETA / BATCH
        for l in logits.values():
            l.grad.add_(reg)
        torch.nn.utils.clip_grad_norm_(logits.values(), 1.0)
        opt.step()
    return step


def matmul_peak():
    x, y = torch.rand(1024, 1024), torch.rand(1024, 1024)
    for _ in range(5):
        x @ y
    times = []
    for _ in range(30):
        t = time.perf_counter()
        x @ y
        times.append(time.perf_counter() - t)
    return [2 * 1024 ** 3 / t / 1e9 for t in times]


def main():
    a = argparse.ArgumentParser()
    a.add_argument("case")
    a.add_argument("--steps", type=int, default=20)
    a.add_argument("--warmup", type=int, default=3)
    a.add_argument("--warmup-seconds", type=float, default=0, help="keep warming up until this much time has passed")
    a.add_argument("--threads", type=int, default=2)
    o = a.parse_args()
    torch.set_num_threads(o.threads)
    torch.manual_seed(1234)
    if o.case == "matmul":
        print(json.dumps({"impl": "pytorch", "case": "matmul", "gflops": matmul_peak(), "rss_mb": rss()}))
        return
    net, loss_fn = case(o.case)
    step = mask_step(net, loss_fn) if o.case.endswith("mask") else plain_step(net, loss_fn, torch.optim.Adam(net.parameters(), 1e-3))
    start = time.perf_counter()
    for _ in range(o.warmup):
        step()
    while time.perf_counter() - start < o.warmup_seconds:
        step()
    reset_peak_rss()
    times = []
    for _ in range(o.steps):
        t = time.perf_counter()
        step()
        times.append(time.perf_counter() - t)
    print(json.dumps({"impl": "pytorch", "case": o.case, "step_s": times, "rss_mb": rss()}))


def reset_peak_rss():
    """The peak RSS from here on is the timed steps' (as modmask's Bench does): Linux resets VmHWM on "5"."""
    gc.collect()
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def rss():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


if __name__ == "__main__":
    main()
