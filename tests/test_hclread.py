"""HCL is read the same way from every thread (python-hcl2 8.x alone is not thread-safe)."""

from __future__ import annotations

import threading

from bot import hclread

TEXT = 'enabled = false\nmode = "REGIONAL"\nref = aws_vpc.main.id\nname = "${var.name}-db"\n' * 40


def test_parallel_parses_agree_with_a_lone_parse() -> None:
    expected = hclread.loads(TEXT)
    assert expected["enabled"] is False and expected["mode"] == "REGIONAL" and expected["ref"] == "${aws_vpc.main.id}"
    results: list[dict] = []

    def parse_repeatedly() -> None:
        results.extend(hclread.loads(TEXT) for _ in range(15))

    threads = [threading.Thread(target=parse_repeatedly) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 60
    assert all(result == expected for result in results)
