"""Step 2b: train the closed VQA model on VQA-Med 2019 train + VQA-RAD's non-test questions.

A seeded tenth of VQA-RAD's non-test questions is kept out of training as a validation split: the
abstention threshold is calibrated on it (never on the test split) and written to calibration.json.
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import torch
import torch.nn.functional as F

from common import SEED, limit_threads, read_json, seed_everything, work_path, write_json
from vqa_model import CompactVqa

BATCH = 64
# VQA-RAD is what we are tested on but is 7x smaller than VQA-Med: sample it more often (about 60% of samples).
RAD_WEIGHT = 10.0
VALIDATION_SHARE = 0.1
# The runtime abstains below the lowest confidence at which validation answers are right this often.
TARGET_PRECISION = 0.7
THRESHOLD_GRID = [round(0.5 + 0.05 * i, 2) for i in range(10)]


def augment(images: torch.Tensor, rng: np.random.Generator) -> torch.Tensor:
    """Small shifts and contrast changes; never flips, because questions ask about left and right."""
    padded = F.pad(images, (6, 6, 6, 6), mode='replicate')
    y, x = rng.integers(0, 13, size=2)
    out = padded[:, :, y : y + images.shape[2], x : x + images.shape[3]]
    gain = torch.from_numpy(rng.uniform(0.8, 1.2, size=(len(images), 1, 1, 1)).astype(np.float32))
    return (out * gain).clamp(0, 1)


LABEL_SMOOTHING = 0.05


def constrained_for_training(model: CompactVqa, raw: torch.Tensor, tokens: torch.Tensor, answers: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The graph's constrained logits where the question's form allows the true answer (nearly always); the raw
    ones otherwise, so an odd question cannot make the target a -1e4 logit. Returns the logits and the allowed mask."""
    allowed = model.constraints.allowed(tokens)
    target_allowed = allowed.gather(1, answers[:, None]) > 0.5
    logits = torch.where(target_allowed, model.constraints(raw, tokens), raw)
    return logits, torch.where(target_allowed, allowed, torch.ones_like(allowed))


def smoothed_cross_entropy(logits: torch.Tensor, answers: torch.Tensor, allowed: torch.Tensor) -> torch.Tensor:
    """Label smoothing spread over the allowed answers only: spread over all of them, it would pull the
    -1e4 logits of the ruled-out answers and dominate the loss."""
    log_p = F.log_softmax(logits, dim=1)
    nll = -log_p.gather(1, answers[:, None]).squeeze(1)
    smooth = -(log_p * allowed).sum(dim=1) / allowed.sum(dim=1)
    return ((1 - LABEL_SMOOTHING) * nll + LABEL_SMOOTHING * smooth).mean()


def validation_mask(from_rad: np.ndarray, group: np.ndarray) -> np.ndarray:
    """A seeded share of VQA-RAD's linked-question groups, whole. VQA-RAD pairs most free-form questions with a
    paraphrase about the same image with the same answer; split one by one, a paraphrase lands in validation
    while its twin trains, and validation then scores recall as well as answering (split that way, validation
    accuracy was 57% against the test split's 41%; split by group, 44%). The test split's questions have no
    twin in training."""
    rng = np.random.default_rng(SEED + 2)
    groups = np.unique(group[from_rad])
    held_groups = groups[rng.random(len(groups)) < VALIDATION_SHARE]
    return from_rad & np.isin(group, held_groups)


def calibrate(model: CompactVqa, images: torch.Tensor, tokens: torch.Tensor, answers: torch.Tensor, closed: np.ndarray) -> dict:
    model.eval()
    with torch.no_grad():
        probabilities = torch.softmax(model(images, tokens), dim=1)
    confidence, predicted = probabilities.max(dim=1)
    hits = (predicted == answers).numpy()
    confidence = confidence.numpy()
    precision = {t: float(hits[confidence >= t].mean()) if (confidence >= t).any() else float('nan') for t in THRESHOLD_GRID}
    reaching = [t for t in THRESHOLD_GRID if precision[t] >= TARGET_PRECISION]
    threshold = reaching[0] if reaching else THRESHOLD_GRID[-1]
    return {
        'abstainBelow': threshold,
        'rule': f'lowest of {THRESHOLD_GRID} whose answered validation questions are >= {TARGET_PRECISION:.0%} right',
        'validationQuestions': int(len(hits)),
        'validationAccuracy': float(hits.mean()),
        'validationClosedAccuracy': float(hits[closed].mean()),
        'validationCoverageAtThreshold': float((confidence >= threshold).mean()),
        'validationPrecisionByThreshold': precision,
    }


def train(epochs: int) -> None:
    limit_threads(1)
    seed_everything(SEED)
    rng = np.random.default_rng(SEED)
    data = np.load(work_path('vqa', 'train.npz'))
    images = torch.from_numpy(data['images']).float().div(255).unsqueeze(1)
    image_of = torch.from_numpy(data['image'])
    tokens, answers = torch.from_numpy(data['tokens']), torch.from_numpy(data['answer'])
    held = validation_mask(data['from_rad'], data['group'])
    weights = np.where(data['from_rad'], RAD_WEIGHT, 1.0) * ~held
    weights /= weights.sum()
    model = CompactVqa(read_json(work_path('vqa', 'question_vocabulary.json'))['tokens'], read_json(work_path('vqa', 'answers.json')))
    optimiser = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
    steps_per_epoch = int((~held).sum()) // BATCH
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=3e-3, total_steps=epochs * steps_per_epoch)
    start = time.time()
    for epoch in range(epochs):
        model.train()
        losses, correct = [], 0
        for _ in range(steps_per_epoch):
            idx = torch.from_numpy(rng.choice(len(answers), size=BATCH, p=weights))
            raw = model.unconstrained(augment(images[image_of[idx]], rng), tokens[idx])
            logits, allowed = constrained_for_training(model, raw, tokens[idx], answers[idx])
            loss = smoothed_cross_entropy(logits, answers[idx], allowed)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            losses.append(loss.item())
            correct += (logits.argmax(1) == answers[idx]).sum().item()
        print(f'epoch {epoch + 1}/{epochs} {time.time() - start:.0f}s loss {np.mean(losses):.3f} train acc {correct / (steps_per_epoch * BATCH):.3f}', flush=True)
    torch.save({'state': model.state_dict(), 'epochs': epochs, 'seconds': time.time() - start}, work_path('vqa', 'vqa.pt'))
    val = torch.from_numpy(np.flatnonzero(held))
    calibration = calibrate(model, images[image_of[val]], tokens[val], answers[val], data['closed'][held])
    write_json(work_path('vqa', 'calibration.json'), calibration)
    print(f"validation ({calibration['validationQuestions']} VQA-RAD questions): accuracy {calibration['validationAccuracy']:.3f}, closed {calibration['validationClosedAccuracy']:.3f}, abstain below {calibration['abstainBelow']}", flush=True)


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--epochs', type=int, default=8)
    train(parser.parse_args().epochs)
