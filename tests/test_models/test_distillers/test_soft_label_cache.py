"""The opt-in soft-label cache (SoftLabelCache, SSKTWithSoftLabelCache):
top-k reconstruction, replayed crops, and sources that stop running once
every slot is filled."""
import copy

import pytest
import torch
from mmengine.optim import build_optim_wrapper
from mmpretrain.structures import DataSample

from sskt.models.distillers import SSKT
from sskt.models.distillers.soft_label_cache import SoftLabelCache
from sskt.utils.errors import ConfigError
from tests.test_models.test_distillers.test_sskt import build
from tests.test_models.test_distillers.tiny_models import (MEAN, STD,
                                                           classifier_cfg)

PREPROCESSOR = dict(
    type='sskt.BatchAugmentClsDataPreprocessor',
    padding=4,
    num_classes=10,
    mean=MEAN,
    std=STD)


def test_top_k_are_exact_and_the_rest_share_the_leftover_mass():
    cache = SoftLabelCache(4, {'s': 6}, k=2, slots=1)
    logits = torch.tensor([[4.0, 1.0, 0.0, -1.0, 2.0, 0.5]])
    index, slot = torch.tensor([2]), torch.tensor([0])
    cache.store(index, slot, torch.zeros(1, 2, dtype=torch.long),
                torch.tensor([False]), {'s': logits})
    probs = cache.soft_labels('s', index, slot).exp()[0]
    exact = torch.softmax(logits, 1)[0]
    top = exact.topk(2).indices
    torch.testing.assert_close(probs[top], exact[top], rtol=2e-3, atol=0)
    rest = [i for i in range(6) if i not in top]
    expected_rest = (1 - exact[top].sum()) / 4
    torch.testing.assert_close(
        probs[rest], expected_rest.repeat(4), rtol=2e-3, atol=0)
    assert probs.sum().item() == pytest.approx(1.0, abs=2e-3)


def _cached_model(**cache):
    torch.manual_seed(0)
    cfg = dict(num_samples=8, k=10, slots=1)
    cfg.update(cache)
    # k = 10 keeps every class of both sources (7 and 5): exact soft labels
    return build(
        type='SSKTWithSoftLabelCache',
        target=classifier_cfg(
            out_indices=(0, 1, 2),
            preprocessor=False,
            data_preprocessor=PREPROCESSOR),
        soft_label_cache=cfg)


def _batch(indices):
    generator = torch.Generator().manual_seed(0)
    images = torch.randint(
        0, 256, (8, 3, 32, 32), dtype=torch.uint8, generator=generator)
    return dict(
        inputs=[images[i] for i in indices],
        data_samples=[
            DataSample(metainfo=dict(sample_idx=i)).set_gt_label(i % 10)
            for i in indices
        ])


def _count_source_calls(model):
    calls = []
    for source in model.sources.values():
        forward = source.forward
        source.forward = lambda x, f=forward: calls.append(len(x)) or f(x)
    return calls


def test_a_filled_slot_replays_its_crop_and_soft_labels():
    model = _cached_model()
    wrapper = build_optim_wrapper(model,
                                  dict(optimizer=dict(type='SGD', lr=0.0)))
    calls = _count_source_calls(model)
    first = model.train_step(_batch([0, 1, 2, 3]), wrapper)
    augmentation = copy.deepcopy(model.data_preprocessor.last_augmentation)
    assert calls == [4, 4]  # both sources ran on the 4 new samples
    again = model.train_step(_batch([0, 1, 2, 3]), wrapper)
    assert calls == [4, 4]  # ... and not again: every slot was filled
    for replayed, stored in zip(model.data_preprocessor.last_augmentation,
                                augmentation):
        assert torch.equal(replayed, stored)
    for key in ('loss_aux_imagenet', 'loss_aux_places365'):
        torch.testing.assert_close(again[key], first[key], rtol=2e-3, atol=0)
    torch.testing.assert_close(again['loss_cls'], first['loss_cls'])


def test_a_mixed_batch_runs_the_sources_on_its_new_samples_only():
    model = _cached_model(slots=2)
    wrapper = build_optim_wrapper(model,
                                  dict(optimizer=dict(type='SGD', lr=0.0)))
    calls = _count_source_calls(model)
    for _ in range(2):  # two visits fill both slots of 0..3
        model.train_step(_batch([0, 1, 2, 3]), wrapper)
    model.train_step(_batch([2, 3, 4, 5]), wrapper)
    assert calls == [4, 4, 4, 4, 2, 2]
    assert model._soft_label_cache.visits.tolist() == [2, 2, 3, 3, 1, 1, 0, 0]


def test_configuration_errors():
    with pytest.raises(ConfigError, match='num_samples'):
        _cached_model(num_samples=None, size=3).soft_label_cache_cfg
    with pytest.raises(ConfigError, match='BatchAugmentClsDataPreprocessor'):
        build(
            type='SSKTWithSoftLabelCache',
            soft_label_cache=dict(num_samples=8))
    model = _cached_model(num_samples=2)
    wrapper = build_optim_wrapper(model,
                                  dict(optimizer=dict(type='SGD', lr=0.0)))
    with pytest.raises(ConfigError, match='beyond'):
        model.train_step(_batch([0, 5]), wrapper)


def test_a_first_visit_gives_the_losses_of_sskt_on_the_same_crops():
    model = _cached_model()
    wrapper = build_optim_wrapper(model,
                                  dict(optimizer=dict(type='SGD', lr=0.0)))
    got = model.train_step(_batch([0, 1, 2, 3]), wrapper)
    crops = model.data_preprocessor.last_augmentation
    data = model.data_preprocessor(_batch([0, 1, 2, 3]), True, crops)
    expected = SSKT.loss(model, data['inputs'], data['data_samples'])
    assert set(got) == set(expected) | {'loss'}
    for key, value in expected.items():
        torch.testing.assert_close(got[key], value)
