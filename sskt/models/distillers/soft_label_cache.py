"""An opt-in cache of the sources' soft labels (an approximation).

In the spirit of Fast Knowledge Distillation (Shen & Xing, ECCV 2022): the
frozen sources are the most expensive part of an SSKT step, and they see the
same images epoch after epoch. For every training sample the cache keeps
``slots`` entries, each the augmentation parameters that were drawn (crop
offsets and flip) and the sources' top-``k`` log-probabilities under that
augmentation. The first ``slots`` visits of a sample fill its entries (the
sources run); every later visit replays entry ``visit % slots``: the same
crop and flip are applied to the image and the cached soft labels stand in
for the sources, which do not run.

What is approximated, compared with running the sources every step:

* augmentation diversity: a sample is only ever seen under ``slots`` crops;
* the soft labels: the top-``k`` classes keep their exact probability, the
  remaining probability mass is spread evenly over the other classes. The
  reconstructed logits are log-probabilities, exact up to that spreading at
  ``T = 1`` (a softmax removes the constant); at other temperatures the tail
  differs further.

Memory on the device: ``N * slots * (6 * k + 2)`` bytes per source (fp16
log-probabilities, int32 class indices, one fp16 tail value) plus
``N * slots * 17`` bytes of crop parameters; e.g. 5,000 STL-10 images,
4 slots, k = 10: 1.2 MB per source.
"""
from typing import Tuple

import torch
from torch import Tensor


class SoftLabelCache:
    """Per-sample augmentation parameters and top-k source log-probabilities.

    Args:
        num_samples (int): Size of the training set (sample indices are
            ``0..num_samples-1``).
        num_classes (dict[str, int]): Classes of each source, by name.
        k (int): Classes kept per soft label.
        slots (int): Cached augmentations per sample.
        device (torch.device | str): Where the tables live.
    """

    def __init__(self,
                 num_samples: int,
                 num_classes: dict,
                 k: int = 10,
                 slots: int = 4,
                 device='cpu') -> None:
        self.num_samples = num_samples
        self.slots = slots
        self.num_classes = dict(num_classes)
        self.k = {
            name: min(k, classes)
            for name, classes in self.num_classes.items()
        }
        self.visits = torch.zeros(num_samples, dtype=torch.long, device=device)
        self.offsets = torch.zeros(
            num_samples, slots, 2, dtype=torch.long, device=device)
        self.flips = torch.zeros(
            num_samples, slots, dtype=torch.bool, device=device)
        self.top_indices = {
            name:
            torch.zeros(
                num_samples, slots, k, dtype=torch.int32, device=device)
            for name, k in self.k.items()
        }
        self.top_log_probs = {
            name:
            torch.zeros(
                num_samples, slots, k, dtype=torch.float16, device=device)
            for name, k in self.k.items()
        }
        self.tail_log_prob = {
            name:
            torch.zeros(
                num_samples, slots, dtype=torch.float16, device=device)
            for name in self.k
        }

    def lookup(self, indices: Tensor) -> Tuple[Tensor, Tensor]:
        """Which samples of a batch replay, and the slot of each.

        Args:
            indices (Tensor): The batch's sample indices.

        Returns:
            tuple[Tensor, Tensor]: ``replay`` (bool: the slot is filled) and
            ``slot`` (``visit % slots``) per sample.
        """
        visits = self.visits[indices]
        return visits >= self.slots, visits % self.slots

    def augmentation(self, indices: Tensor,
                     slot: Tensor) -> Tuple[Tensor, Tensor]:
        """The stored crop offsets and flips of ``(indices, slot)``."""
        return self.offsets[indices, slot], self.flips[indices, slot]

    def store(self, indices: Tensor, slot: Tensor, offsets: Tensor,
              flips: Tensor, logits: dict) -> None:
        """Remember the augmentation and the sources' soft labels.

        Args:
            indices (Tensor): Sample indices (those not replayed).
            slot (Tensor): Their slots.
            offsets (Tensor): ``B×2`` crop offsets that were applied.
            flips (Tensor): ``B`` flips that were applied.
            logits (dict[str, Tensor]): Each source's ``B×C`` logits.
        """
        self.offsets[indices, slot] = offsets
        self.flips[indices, slot] = flips
        for name, source_logits in logits.items():
            log_probs = torch.log_softmax(source_logits.float(), dim=1)
            top, where = log_probs.topk(self.k[name], dim=1)
            rest = self.num_classes[name] - self.k[name]
            if rest:
                mass = (1 - top.exp().sum(1)).clamp_min(1e-12)
                tail = (mass / rest).log()
            else:
                tail = torch.full_like(top[:, 0], -30.)
            self.top_indices[name][indices, slot] = where.int()
            self.top_log_probs[name][indices, slot] = top.half()
            self.tail_log_prob[name][indices, slot] = tail.half()

    def soft_labels(self, name: str, indices: Tensor, slot: Tensor) -> Tensor:
        """Reconstructed ``B×C`` log-probabilities of source ``name``."""
        tail = self.tail_log_prob[name][indices, slot].float()
        out = tail[:, None].repeat(1, self.num_classes[name])
        out.scatter_(1, self.top_indices[name][indices, slot].long(),
                     self.top_log_probs[name][indices, slot].float())
        return out

    def visited(self, indices: Tensor) -> None:
        """Count one more visit of each sample."""
        self.visits[indices] += 1
