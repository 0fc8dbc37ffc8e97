"""Step 2b: train the closed VQA model on VQA-Med 2019 train + VQA-RAD's non-test questions."""
from __future__ import annotations

import argparse
import time

import numpy as np
import torch
import torch.nn.functional as F

from common import SEED, limit_threads, read_json, seed_everything, work_path
from vqa_model import CompactVqa

BATCH = 64
# VQA-RAD is what we are tested on but is 7x smaller than VQA-Med: sample it more often (about 60% of samples).
RAD_WEIGHT = 10.0


def augment(images: torch.Tensor, rng: np.random.Generator) -> torch.Tensor:
    """Small shifts and contrast changes; never flips, because questions ask about left and right."""
    padded = F.pad(images, (6, 6, 6, 6), mode='replicate')
    y, x = rng.integers(0, 13, size=2)
    out = padded[:, :, y : y + images.shape[2], x : x + images.shape[3]]
    gain = torch.from_numpy(rng.uniform(0.8, 1.2, size=(len(images), 1, 1, 1)).astype(np.float32))
    return (out * gain).clamp(0, 1)


def train(epochs: int) -> None:
    limit_threads(1)
    seed_everything(SEED)
    rng = np.random.default_rng(SEED)
    data = np.load(work_path('vqa', 'train.npz'))
    images = torch.from_numpy(data['images']).float().div(255).unsqueeze(1)
    image_of = torch.from_numpy(data['image'])
    tokens, answers = torch.from_numpy(data['tokens']), torch.from_numpy(data['answer'])
    weights = np.where(data['from_rad'], RAD_WEIGHT, 1.0)
    weights /= weights.sum()
    model = CompactVqa(len(read_json(work_path('vqa', 'question_vocabulary.json'))['tokens']), len(read_json(work_path('vqa', 'answers.json'))))
    optimiser = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
    steps_per_epoch = len(answers) // BATCH
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=3e-3, total_steps=epochs * steps_per_epoch)
    start = time.time()
    for epoch in range(epochs):
        model.train()
        losses, correct = [], 0
        for _ in range(steps_per_epoch):
            idx = torch.from_numpy(rng.choice(len(answers), size=BATCH, p=weights))
            logits = model(augment(images[image_of[idx]], rng), tokens[idx])
            loss = F.cross_entropy(logits, answers[idx], label_smoothing=0.05)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            losses.append(loss.item())
            correct += (logits.argmax(1) == answers[idx]).sum().item()
        print(f'epoch {epoch + 1}/{epochs} {time.time() - start:.0f}s loss {np.mean(losses):.3f} train acc {correct / (steps_per_epoch * BATCH):.3f}', flush=True)
    torch.save({'state': model.state_dict(), 'epochs': epochs}, work_path('vqa', 'vqa.pt'))


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--epochs', type=int, default=6)
    train(parser.parse_args().epochs)
