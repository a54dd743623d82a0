"""Large batches pause the cyclic garbage collector and always turn it back on (backoffice.batching)."""
import gc

import pytest

from backoffice.batching import gc_paused


def test_the_collector_is_off_inside_a_batch_and_on_again_after_it():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_collector_is_turned_back_on_when_the_batch_fails():
    with pytest.raises(RuntimeError):
        with gc_paused():
            raise RuntimeError("chunk failed")
    assert gc.isenabled()


def test_a_caller_that_had_turned_the_collector_off_finds_it_still_off():
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_decorated_service_runs_with_the_collector_off():
    @gc_paused()
    def service():
        return gc.isenabled()

    assert service() is False and gc.isenabled()
