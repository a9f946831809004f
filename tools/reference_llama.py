#!/usr/bin/env python3
"""PyTorch reference of downscale's model and training step, for tools/bench-vs-pytorch.mjs.

The same architecture as libs/model (PAPER.md section 3): RMSNorm (eps 1e-6), rotary
position embeddings (rotate-half, theta 10000), causal multi-head attention, SwiGLU MLP of
intermediate size 4h, no biases, untied input/output embeddings; and the same step: mean
cross-entropy, backward, global-norm clipping at 1, AdamW (beta 0.9/0.95, eps 1e-4, weight
decay 0.1 on matrices only). Benchmark dependency only (Debian's python3-torch).

Prints one JSON line: {"tokensPerSecond", "params", "threads", "secondsPerStep"}.
Usage: python3 tools/reference_llama.py --hidden 128 --layers 4 --vocab 15000 --context 128
           --batch 16 --steps 4 --threads 1
With --logliks HF_FOLDER REQUESTS_JSON it loads an exported model (downscale export) and prints
{"logLikelihoods": [...]} for requests [{"context": ids, "continuation": ids}]
(tools/check-logliks-vs-pytorch.mjs).
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class RMSNorm(nn.Module):
    def __init__(self, h, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(h))
        self.eps = eps

    def forward(self, x):  # x [B, T, h]
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotary_tables(length, d, theta=10000.0, scaling=1.0):
    inv = 1.0 / theta ** (torch.arange(0, d, 2, dtype=torch.float32) / d)
    positions = torch.arange(length, dtype=torch.float32) / scaling  # linear position interpolation
    angles = torch.outer(positions, inv)  # [T, d/2]
    angles = torch.cat([angles, angles], dim=-1)  # [T, d], rotate-half layout
    return angles.cos(), angles.sin()


def rotate_half(x):
    first, second = x.chunk(2, dim=-1)
    return torch.cat([-second, first], dim=-1)


class Block(nn.Module):
    def __init__(self, h, heads, intermediate, eps):
        super().__init__()
        self.heads = heads
        self.input_layernorm = RMSNorm(h, eps)
        self.q_proj = nn.Linear(h, h, bias=False)
        self.k_proj = nn.Linear(h, h, bias=False)
        self.v_proj = nn.Linear(h, h, bias=False)
        self.o_proj = nn.Linear(h, h, bias=False)
        self.post_attention_layernorm = RMSNorm(h, eps)
        self.gate_proj = nn.Linear(h, intermediate, bias=False)
        self.up_proj = nn.Linear(h, intermediate, bias=False)
        self.down_proj = nn.Linear(intermediate, h, bias=False)

    def attention(self, x, cos, sin, causal):  # x [B, T, h]
        b, t, h = x.shape
        d = h // self.heads
        q = self.q_proj(x).view(b, t, self.heads, d).transpose(1, 2)  # [B, H, T, d]
        k = self.k_proj(x).view(b, t, self.heads, d).transpose(1, 2)
        v = self.v_proj(x).view(b, t, self.heads, d).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        # Explicit masked softmax, as libs/model computes it (torch 1.13 has no fused SDPA).
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(d)  # [B, H, T, T]
        scores = scores.masked_fill(causal[:t, :t], float('-inf'))
        mixed = scores.softmax(dim=-1) @ v  # [B, H, T, d]
        return self.o_proj(mixed.transpose(1, 2).reshape(b, t, h))

    def forward(self, x, cos, sin, causal):
        x = x + self.attention(self.input_layernorm(x), cos, sin, causal)
        y = self.post_attention_layernorm(x)
        return x + self.down_proj(F.silu(self.gate_proj(y)) * self.up_proj(y))


class Llama(nn.Module):
    def __init__(self, hidden, layers, vocab, heads, context, intermediate=None, eps=1e-6, theta=10000.0, scaling=1.0):
        super().__init__()
        self.embed_tokens = nn.Embedding(vocab, hidden)
        self.layers = nn.ModuleList(Block(hidden, heads, intermediate or 4 * hidden, eps) for _ in range(layers))
        self.norm = RMSNorm(hidden, eps)
        self.lm_head = nn.Linear(hidden, vocab, bias=False)
        cos, sin = rotary_tables(context, hidden // heads, theta, scaling)
        self.register_buffer('cos', cos, persistent=False)
        self.register_buffer('sin', sin, persistent=False)
        self.register_buffer('causal', torch.ones(context, context, dtype=torch.bool).triu(1), persistent=False)
        for parameter in self.parameters():
            if parameter.dim() == 2:
                nn.init.normal_(parameter, std=0.02)

    def forward(self, tokens):  # tokens [B, T] -> logits [B, T, V]
        t = tokens.shape[1]
        x = self.embed_tokens(tokens)
        for block in self.layers:
            x = block(x, self.cos[:t], self.sin[:t], self.causal)
        return self.lm_head(self.norm(x))


def load_hugging_face(folder):
    """Our model class with the weights of an exported Hugging Face LLaMA folder (float32 safetensors)."""
    with open(f'{folder}/config.json') as f:
        config = json.load(f)
    scaling = (config.get('rope_scaling') or {}).get('factor', 1.0)
    context = int(config['max_position_embeddings'])
    model = Llama(config['hidden_size'], config['num_hidden_layers'], config['vocab_size'], config['num_attention_heads'],
                  context, config['intermediate_size'], config['rms_norm_eps'], config['rope_theta'], scaling)
    with open(f'{folder}/model.safetensors', 'rb') as f:
        raw = f.read()
    header_length = int.from_bytes(raw[:8], 'little')
    header = json.loads(raw[8:8 + header_length])
    tensors = {}
    for name, entry in header.items():
        if name == '__metadata__':
            continue
        if entry['dtype'] != 'F32':
            raise SystemExit(f'{name}: dtype {entry["dtype"]}, expected F32')
        start, end = entry['data_offsets']
        data = bytearray(raw[8 + header_length + start:8 + header_length + end])
        tensors[name] = torch.frombuffer(data, dtype=torch.float32).reshape(entry['shape'])
    # Hugging Face names -> this module's (no self_attn / mlp / model prefixes).
    state = {}
    for name, tensor in tensors.items():
        local = name.removeprefix('model.').replace('self_attn.', '').replace('mlp.', '')
        state[local] = tensor
    missing, unexpected = model.load_state_dict(state, strict=False)
    if missing or unexpected:
        raise SystemExit(f'weights do not match the architecture: missing {missing}, unexpected {unexpected}')
    return model


def log_likelihoods(folder, requests_file):
    """Summed natural-log probability of each request's continuation given its context."""
    model = load_hugging_face(folder).eval()
    with open(requests_file) as f:
        requests = json.load(f)
    out = []
    with torch.no_grad():
        for request in requests:
            ids = request['context'] + request['continuation']
            logits = model(torch.tensor([ids[:-1]]))[0]  # [T-1, V]: position t predicts token t+1
            logprobs = torch.log_softmax(logits.double(), dim=-1)
            start = len(request['context']) - 1
            out.append(sum(float(logprobs[start + i, token]) for i, token in enumerate(request['continuation'])))
    print(json.dumps({'logLikelihoods': out}))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--logliks', nargs=2, metavar=('HF_FOLDER', 'REQUESTS_JSON'),
                        help='print the continuations\' log-likelihoods under an exported model instead of timing training')
    for name, default in [('hidden', 128), ('layers', 4), ('vocab', 15000), ('context', 128),
                          ('batch', 16), ('steps', 4), ('threads', 1), ('heads', 8)]:
        parser.add_argument(f'--{name}', type=int, default=default)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.logliks:
        return log_likelihoods(*args.logliks)
    torch.manual_seed(1)
    model = Llama(args.hidden, args.layers, args.vocab, args.heads, args.context)
    decayed = [p for p in model.parameters() if p.dim() == 2]
    kept = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW([{'params': decayed, 'weight_decay': 0.1}, {'params': kept, 'weight_decay': 0.0}],
                                  lr=1e-3, betas=(0.9, 0.95), eps=1e-4)

    def step():
        tokens = torch.randint(args.vocab, (args.batch, args.context))
        targets = torch.randint(args.vocab, (args.batch, args.context))
        logits = model(tokens)
        loss = F.cross_entropy(logits.view(-1, args.vocab), targets.view(-1))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        return loss.item()

    step()  # warm-up, as the TypeScript benchmark does
    started = time.perf_counter()
    for _ in range(args.steps):
        loss = step()
    seconds = time.perf_counter() - started
    if not math.isfinite(loss):
        raise SystemExit(f'reference training produced a non-finite loss {loss}')
    print(json.dumps({
        'tokensPerSecond': round(args.steps * args.batch * args.context / seconds),
        'params': sum(p.numel() for p in model.parameters()),
        'threads': args.threads,
        'secondsPerStep': seconds / args.steps,
        'torch': torch.__version__,
    }))


if __name__ == '__main__':
    main()
