"""rules.step_sequence: the run page's order of steps (the current step is the first one not done)."""

from dataclasses import dataclass

from chibo.meetings.rules import step_sequence


@dataclass
class Step:
    order: int
    done: bool = False


def sequence(*done: bool):
    return step_sequence([Step(i, d) for i, d in enumerate(done, start=1)], done=lambda s: s.done)


def test_the_current_step_is_the_first_not_done():
    seq = sequence(True, True, False, False)
    assert [s.order for s in seq.before] == [1, 2] and seq.current.order == 3
    assert [s.order for s in seq.after] == [4]
    assert (seq.position, seq.done, seq.total) == (3, 2, 4)


def test_a_step_done_out_of_order_stays_later_and_counts_as_done():
    seq = sequence(True, False, True, False)
    assert seq.current.order == 2 and [s.order for s in seq.after] == [3, 4]
    assert (seq.position, seq.done) == (2, 2)


def test_when_every_step_is_done_there_is_no_current_step():
    seq = sequence(True, True)
    assert seq.current is None and seq.after == () and (seq.position, seq.done, seq.total) == (2, 2, 2)


def test_no_steps():
    seq = sequence()
    assert seq.current is None and (seq.position, seq.done, seq.total) == (0, 0, 0)
