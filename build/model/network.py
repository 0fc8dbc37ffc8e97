"""The shared compact backbone and its per-task low-rank adapters (HealthGPT-style H-LoRA, for a CNN).

Layout per task: [space-to-depth] -> task head conv -> shared residual body -> task tail conv ->
depth-to-space, plus a skip (bicubic upsampling for super-resolution, the input itself for
contrast translation). The body runs on a coarse grid (the low-resolution grid for
super-resolution, half resolution for translation), which is what makes CPU training and
inference cheap and gives translation a wide receptive field without losing detail
(space-to-depth is lossless).

Each body convolution has one shared weight and, per task, a low-rank update (a rank-r 3×3
'down' convolution followed by a 1×1 'up' projection) plus a per-task bias. A task always runs
with exactly one adapter, so the update is merged at export (W_task = W + up · down) and each
task ships as one plain convolutional graph with no adapter cost at inference time.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from bicubic import BicubicUpsample

CHANNELS = 32
BLOCKS = 5
RANK = 8


def _key(task: str) -> str:
    return task.replace('-', '_')


class AdaptedConv(nn.Module):
    def __init__(self, channels: int, tasks: list[str], rank: int, kernel: int = 3):
        super().__init__()
        self.padding = kernel // 2
        self.weight = nn.Parameter(torch.empty(channels, channels, kernel, kernel))
        nn.init.kaiming_uniform_(self.weight, a=5 ** 0.5)
        self.bias = nn.Parameter(torch.zeros(channels))
        # 'up' starts at zero so every task starts from the shared backbone (standard LoRA init).
        self.down = nn.ParameterDict({_key(t): nn.Parameter(torch.randn(rank, channels, kernel, kernel) * 0.02) for t in tasks})
        self.up = nn.ParameterDict({_key(t): nn.Parameter(torch.zeros(channels, rank)) for t in tasks})
        self.task_bias = nn.ParameterDict({_key(t): nn.Parameter(torch.zeros(channels)) for t in tasks})

    def merged(self, task: str) -> tuple[torch.Tensor, torch.Tensor]:
        k = _key(task)
        weight = self.weight + torch.einsum('or,rikl->oikl', self.up[k], self.down[k])
        return weight, self.bias + self.task_bias[k]

    def forward(self, x: torch.Tensor, task: str) -> torch.Tensor:
        weight, bias = self.merged(task)
        return F.conv2d(x, weight, bias, padding=self.padding)


class CompactBackbone(nn.Module):
    """tasks maps task id -> (space_to_depth factor in, depth_to_space factor out)."""

    def __init__(self, tasks: dict[str, tuple[int, int]], channels: int = CHANNELS, blocks: int = BLOCKS, rank: int = RANK):
        super().__init__()
        self.tasks = dict(tasks)
        self.heads = nn.ModuleDict({_key(t): nn.Conv2d(fi * fi, channels, 3, padding=1) for t, (fi, _) in tasks.items()})
        self.tails = nn.ModuleDict({_key(t): nn.Conv2d(channels, fo * fo, 3, padding=1) for t, (_, fo) in tasks.items()})
        for tail in self.tails.values():
            # A small tail keeps the initial residual near zero, so training starts at the skip path.
            with torch.no_grad():
                tail.weight.mul_(0.1)
        self.body = nn.ModuleList([AdaptedConv(channels, list(tasks), rank) for _ in range(2 * blocks)])

    def residual(self, x: torch.Tensor, task: str) -> torch.Tensor:
        fi, fo = self.tasks[task]
        if fi > 1:
            x = F.pixel_unshuffle(x, fi)
        h = F.relu(self.heads[_key(task)](x))
        for i in range(0, len(self.body), 2):
            h = h + self.body[i + 1](F.relu(self.body[i](h, task)), task)
        out = self.tails[_key(task)](h)
        return F.pixel_shuffle(out, fo) if fo > 1 else out


class MergedTaskNet(nn.Module):
    """One task's graph with its adapter merged into plain Conv2d layers.
    upscale > 1: super-resolution (bicubic skip inside the graph); otherwise the skip is the input."""

    def __init__(self, backbone: CompactBackbone, task: str, upscale: int = 1):
        super().__init__()
        self.upscale = upscale
        self.factor_in, self.factor_out = backbone.tasks[task]
        # The same numbers as F.interpolate (what training used), and faster in both runtimes.
        self.bicubic_skip = BicubicUpsample(upscale) if upscale > 1 else None

        def plain(conv: AdaptedConv) -> nn.Conv2d:
            weight, bias = conv.merged(task)
            layer = nn.Conv2d(weight.shape[1], weight.shape[0], weight.shape[2], padding=conv.padding)
            layer.weight.data.copy_(weight.detach())
            layer.bias.data.copy_(bias.detach())
            return layer

        self.head = backbone.heads[_key(task)]
        self.body = nn.ModuleList([plain(c) for c in backbone.body])
        self.tail = backbone.tails[_key(task)]

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        skip = self.bicubic_skip(image) if self.bicubic_skip is not None else image
        x = F.pixel_unshuffle(image, self.factor_in) if self.factor_in > 1 else image
        h = F.relu(self.head(x))
        for i in range(0, len(self.body), 2):
            h = h + self.body[i + 1](F.relu(self.body[i](h)))
        out = self.tail(h)
        return skip + (F.pixel_shuffle(out, self.factor_out) if self.factor_out > 1 else out)
