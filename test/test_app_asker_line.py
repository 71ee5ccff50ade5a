# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The web node's line of text questions: a few at the brain at a time, the others in order."""

import threading

from milo_robot.app.asker_line import AskerLine


def test_one_at_a_time_first_come_first_served():
    line = AskerLine(in_flight=1)
    first, second, third = line.join(), line.join(), line.join()
    assert line.wait(first, 0)
    assert not line.wait(second, 0) and not line.wait(third, 0)
    line.leave(first)
    assert not line.wait(third, 0), 'the third does not pass the second'
    assert line.wait(second, 0)
    assert line.wait(second, 0), 'a place held stays held until left'
    line.leave(second)
    assert line.wait(third, 0)


def test_an_asker_who_leaves_the_line_lets_the_next_go():
    line = AskerLine(in_flight=1)
    answering, gone, next_one = line.join(), line.join(), line.join()
    assert line.wait(answering, 0)
    line.leave(gone)  # the student closed the page while waiting
    line.leave(answering)
    assert line.wait(next_one, 0)


def test_two_in_flight():
    line = AskerLine(in_flight=2)
    tickets = [line.join() for _ in range(3)]
    assert [line.wait(t, 0) for t in tickets] == [True, True, False]
    line.leave(tickets[1])
    assert line.wait(tickets[2], 0)


def test_threads_are_served_one_at_a_time_in_the_order_they_came():
    line = AskerLine(in_flight=1)
    tickets = [line.join() for _ in range(6)]  # in this order
    served, inside, most = [], [0], [0]
    lock = threading.Lock()

    def ask(n):
        assert line.wait(tickets[n], 60)
        with lock:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
            served.append(n)
        with lock:
            inside[0] -= 1
        line.leave(tickets[n])

    threads = [threading.Thread(target=ask, args=(n,)) for n in reversed(range(6))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert served == list(range(6)) and most[0] == 1
