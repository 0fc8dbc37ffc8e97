"""The compact closed-question VQA model: a small CNN image encoder, a convolutional question
encoder over the bundle's word vocabulary, and an answer classifier over the closed answer set."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from vqa_constraints import AnswerConstraints

FEATURES = 128


def _stage(cin: int, cout: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, stride=2, padding=1), nn.BatchNorm2d(cout), nn.ReLU(),
        nn.Conv2d(cout, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(),
    )


class CompactVqa(nn.Module):
    def __init__(self, tokens: list[str], answers: list[str]):
        super().__init__()
        n_tokens, n_answers = len(tokens), len(answers)
        # A 4×4 stride-4 stem first: the questions (modality, plane, organ, yes/no findings) need
        # coarse appearance more than fine detail, and it makes training 3-4x cheaper on CPU.
        self.image_encoder = nn.Sequential(
            nn.Conv2d(1, 16, 4, stride=4), nn.BatchNorm2d(16), nn.ReLU(),
            _stage(16, 32), _stage(32, 64), _stage(64, FEATURES),
        )
        self.embed = nn.Embedding(n_tokens, 64, padding_idx=0)
        self.question_conv = nn.Conv1d(64, FEATURES, 3, padding=1)
        self.classifier = nn.Sequential(nn.Linear(3 * FEATURES, 256), nn.ReLU(), nn.Dropout(0.3), nn.Linear(256, n_answers))
        self.constraints = AnswerConstraints(tokens, answers)

    def forward(self, image: torch.Tensor, question_tokens: torch.Tensor) -> torch.Tensor:
        """Logits over the answers, with the answers the question's wording rules out pushed down."""
        return self.constraints(self.unconstrained(image, question_tokens), question_tokens)

    def unconstrained(self, image: torch.Tensor, question_tokens: torch.Tensor) -> torch.Tensor:
        img = self.image_encoder(image).mean(dim=(2, 3))
        mask = (question_tokens > 0).float().unsqueeze(1)
        words = F.relu(self.question_conv(self.embed(question_tokens).transpose(1, 2)))
        # ReLU outputs are >= 0, so zeroing the padding before the max pools over real words only.
        q = (words * mask).amax(dim=2)
        return self.classifier(torch.cat([img, q, img * q], dim=1))
