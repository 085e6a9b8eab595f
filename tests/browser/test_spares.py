"""The spare pool's decisions: how many spares, and when one may be made (no browser)."""

from __future__ import annotations

import pytest

from pupi.browser import spares
from pupi.browser.instances import InstanceManager
from pupi.browser.spares import DEMAND_WINDOW_S, SPARE_DELAY_S, Activity, SparePool


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def _never() -> spares.Spare:
    raise AssertionError("these tests make no spare")


@pytest.fixture(autouse=True)
def _plenty_of_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spares, "_memory_allows", lambda: 100)


def pool(clock: Clock, activity: Activity, max_spares: int = 4) -> SparePool:
    return SparePool(_never, max_spares=max_spares, clock=clock, activity=activity)


def test_the_pool_holds_as_many_as_the_largest_recent_burst_within_its_bound() -> None:
    clock = Clock()
    activity = Activity(clock)
    pool_ = pool(clock, activity, max_spares=4)
    assert pool_.wanted() == 1  # one spare before any demand
    for _ in range(3):
        pool_._note_open()
    assert pool_.wanted() == 3
    for _ in range(4):
        pool_._note_open()
    assert pool_.wanted() == 4  # seven asked for, four at most


def test_a_burst_ages_out_of_the_demand_window() -> None:
    clock = Clock()
    pool_ = pool(clock, Activity(clock))
    for _ in range(3):
        pool_._note_open()
    pool_._bursts.append((clock.now, pool_._burst))  # the quiet moment that ends the burst
    pool_._burst = 0
    clock.now += DEMAND_WINDOW_S / 2
    assert pool_.wanted() == 3
    clock.now += DEMAND_WINDOW_S
    assert pool_.wanted() == 1


def test_free_memory_bounds_the_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    pool_ = pool(clock, Activity(clock))
    for _ in range(4):
        pool_._note_open()
    monkeypatch.setattr(spares, "_memory_allows", lambda: 2)
    assert pool_.wanted() == 2


def test_no_spare_is_made_while_steps_run_or_right_after_an_open() -> None:
    clock = Clock()
    activity = Activity(clock)
    pool_ = pool(clock, activity)
    assert pool_.until_quiet() == 0
    pool_._note_open()
    assert pool_.until_quiet() == pytest.approx(SPARE_DELAY_S)
    clock.now += SPARE_DELAY_S
    assert pool_.until_quiet() == 0
    with activity.running():
        clock.now += 10
        assert pool_.until_quiet() == pytest.approx(SPARE_DELAY_S)  # a run is going on
    assert pool_.until_quiet() == pytest.approx(SPARE_DELAY_S)  # and has just ended
    clock.now += SPARE_DELAY_S
    assert pool_.until_quiet() == 0


def test_a_bad_spare_count_in_the_environment_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUPI_MAX_SPARES", "many")
    with pytest.raises(ValueError, match="PUPI_MAX_SPARES"):
        InstanceManager()
    monkeypatch.setenv("PUPI_MAX_SPARES", "2")
    assert InstanceManager().max_spares == 2
