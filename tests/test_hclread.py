"""HCL is read the same way from every thread (python-hcl2 8.x alone is not thread-safe)."""

from __future__ import annotations

import threading

from bot import hclread

TEXT = 'enabled = false\nmode = "REGIONAL"\nref = aws_vpc.main.id\nname = "${var.name}-db"\n' * 40


def variant(thread: int, n: int) -> str:
    """A text no other parse used (the parse cache must not hide a race)."""
    return TEXT + f"n_{thread}_{n} = {n}\n"


def test_parallel_parses_agree_with_a_lone_parse() -> None:
    expected = hclread.loads(TEXT)
    assert expected["enabled"] is False and expected["mode"] == "REGIONAL" and expected["ref"] == "${aws_vpc.main.id}"
    results: dict[tuple[int, int], dict] = {}

    def parse_repeatedly(thread: int) -> None:
        for n in range(15):
            results[(thread, n)] = hclread.loads(variant(thread, n))

    threads = [threading.Thread(target=parse_repeatedly, args=(t,)) for t in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 60
    assert all(result == {**expected, f"n_{t}_{n}": n} for (t, n), result in results.items())


def test_a_repeated_parse_is_remembered_and_each_caller_gets_its_own_copy() -> None:
    text = TEXT + "unique_to_this_test = 1\n"
    hits = hclread._parse.cache_info().hits
    first = hclread.loads(text)
    first["enabled"] = "changed by the first reader"
    second = hclread.loads(text)
    assert hclread._parse.cache_info().hits == hits + 1
    assert second["enabled"] is False
