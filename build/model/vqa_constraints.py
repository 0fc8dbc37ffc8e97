"""Which answers a question's own wording allows, computed inside the VQA graph.

A closed question in VQA-RAD is either a yes/no question ("Is there ...?", "Does ...?") or a
choice between options it names ("Is this an MRI or a CT?"). Letting the classifier pick any of
its ~900 answers for such a question wastes probability on answers the question rules out, and
the runtime only feeds tokens and reads logits, so the rule lives in the graph itself:

- the question starts with an auxiliary verb and contains "or", and some answer's words all occur
  in the question: only those answers (never yes/no);
- otherwise, the question starts with an auxiliary verb: only "yes" and "no";
- otherwise: every answer.

Disallowed answers get a large negative logit, so the softmax (and the confidence the runtime
reports) is over the allowed answers only. Everything is built from the bundle's own vocabulary
and answer files, so the rule needs no code in the runtime.
"""
from __future__ import annotations

import torch
from torch import nn

from vqa_text import words

YES_NO_STARTS = ('is', 'are', 'does', 'do', 'did', 'can', 'could', 'was', 'were', 'has', 'have', 'had', 'will', 'would', 'should')
YES_NO_ANSWERS = ('yes', 'no')
DISALLOWED_LOGIT = -1e4


class AnswerConstraints(nn.Module):
    def __init__(self, tokens: list[str], answers: list[str]):
        super().__init__()
        index = {t: i for i, t in enumerate(tokens)}
        n_tokens, n_answers = len(tokens), len(answers)
        # Row i of this gather table marks which vocabulary word token i is; pad (0) and unknown (1) mark nothing.
        word_of_token = torch.eye(n_tokens)
        word_of_token[0, 0] = word_of_token[1, 1] = 0
        answer_words = torch.zeros(n_answers, n_tokens)
        needed = torch.zeros(n_answers)
        for a, answer in enumerate(answers):
            answer_tokens = set(words(answer))
            if answer in YES_NO_ANSWERS or not answer_tokens or any(w not in index for w in answer_tokens):
                needed[a] = 1e6  # never an option: yes/no, or a word the question could not contain
                continue
            for w in answer_tokens:
                answer_words[a, index[w]] = 1
            needed[a] = len(answer_tokens)
        self.register_buffer('word_of_token', word_of_token)
        self.register_buffer('answer_words_t', answer_words.t().contiguous())
        self.register_buffer('needed', needed - 0.5)
        self.register_buffer('yes_no_start', torch.tensor([1.0 if t in YES_NO_STARTS else 0.0 for t in tokens]))
        self.register_buffer('or_word', torch.tensor([1.0 if t == 'or' else 0.0 for t in tokens]))
        self.register_buffer('is_yes_no', torch.tensor([1.0 if a in YES_NO_ANSWERS else 0.0 for a in answers]))

    def allowed(self, question_tokens: torch.Tensor) -> torch.Tensor:
        """(batch, answers) of 1.0 where the answer is allowed, else 0.0."""
        present = self.word_of_token[question_tokens].amax(dim=1)
        yes_no_form = self.yes_no_start[question_tokens[:, 0]].unsqueeze(1)
        has_or = (present * self.or_word).sum(dim=1, keepdim=True)
        options = (present @ self.answer_words_t > self.needed).float()
        use_options = yes_no_form * has_or * options.amax(dim=1, keepdim=True)
        yes_no_only = yes_no_form * (1 - use_options)
        return use_options * options + yes_no_only * self.is_yes_no + (1 - use_options - yes_no_only)

    def forward(self, logits: torch.Tensor, question_tokens: torch.Tensor) -> torch.Tensor:
        return logits + (1 - self.allowed(question_tokens)) * DISALLOWED_LOGIT
