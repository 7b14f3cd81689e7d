"""Name sanitising: any text becomes a name that meets the provider rule, and long names stay distinct."""

from __future__ import annotations

import re

import pytest

from generators.terraform.names import alphanumeric, bucket_name, dns_label, identifier, mixed_name

INPUTS = ["payments-api", "Payments API v2!", "9lives", "---", "", 'x" ${a} %{b}\n}', "a" * 200, "xn--punycode",
          "UPPER_under.score", "data-s3alias"]


@pytest.mark.parametrize("text", INPUTS)
def test_names_meet_provider_rules(text: str) -> None:
    label = dns_label(text, max_length=63)
    assert re.fullmatch(r"[a-z]([a-z0-9-]*[a-z0-9])?", label) and "--" not in label and len(label) <= 63
    bucket = bucket_name(text)
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]{1,61}[a-z0-9]", bucket)
    assert not bucket.startswith("xn--") and not bucket.endswith("-s3alias")
    assert re.fullmatch(r"[a-z][a-z0-9_]{0,62}", identifier(text))
    assert re.fullmatch(r"[a-z][a-z0-9]{0,23}", alphanumeric(text))
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", mixed_name(text))


def test_shortened_names_keep_a_hash_so_they_stay_distinct() -> None:
    first, second = dns_label("a" * 70 + "one", max_length=32), dns_label("a" * 70 + "two", max_length=32)
    assert len(first) == len(second) == 32 and first != second
    assert dns_label("payments-dev", "postgres") == "payments-dev-postgres"
