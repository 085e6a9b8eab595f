"""The generated task families (bench/families): reproducible, varied, checkers that can fail."""

from __future__ import annotations

import pytest
from bench.families import FAMILIES, Run, make

SEEDS = range(8)


@pytest.mark.parametrize("name", list(FAMILIES))
def test_same_seed_same_task(name: str) -> None:
    for seed in SEEDS:
        first, again = make(name, seed), make(name, seed)
        assert (first.html, first.prompt) == (again.html, again.prompt), seed


@pytest.mark.parametrize("name", list(FAMILIES))
def test_seeds_vary_the_task(name: str) -> None:
    tasks = [make(name, seed) for seed in SEEDS]
    assert len({(t.html, t.prompt) for t in tasks}) == len(tasks), "two seeds gave one task"
    assert len({t.prompt for t in tasks}) > 1, "every seed gave the same prompt"


@pytest.mark.parametrize("name", list(FAMILIES))
def test_checker_accepts_its_solution(name: str) -> None:
    for seed in SEEDS:
        task = make(name, seed)
        assert task.family == name
        assert task.check(task.solution), (seed, task.prompt, task.solution)


@pytest.mark.parametrize("name", list(FAMILIES))
def test_checker_rejects_doing_nothing(name: str) -> None:
    for seed in SEEDS:
        task = make(name, seed)
        if task.refusal:
            # Refusing is right here; doing something anyway is not.
            assert task.check(Run([], "failed", None)), seed
            assert not task.check(Run([{"clicked": "Export"}], "failed", None)), seed
            assert not task.check(Run([], "completed", "Done")), seed
        else:
            assert not task.check(Run([], "completed", None)), (seed, task.prompt)
            assert not task.check(Run([], "failed", None)), (seed, task.prompt)


@pytest.mark.parametrize("name", list(FAMILIES))
def test_pages_count_their_records(name: str) -> None:
    for seed in SEEDS:
        html = make(name, seed).html
        assert "window.__pending=(window.__pending||0)+1" in html, seed
        assert "window.__pending--" in html, seed


def test_enough_families() -> None:
    assert len(FAMILIES) >= 12, sorted(FAMILIES)
