"""Hidden markers: written and found in one module, trusted only from the App's own objects; state is signed."""

from __future__ import annotations

import base64
import json

import pytest

from bot.request import markers
from bot.request.markers import StateKeyring, StateRefused

BOT = "dev-agent-test[bot]"
KEYS = StateKeyring.parse("k2:new-secret-0123456789,k1:old-secret-0123456789")


def test_state_round_trips_and_any_tampering_is_refused():
    marker = KEYS.sign(b'{"issue": 7}')
    assert KEYS.verify(f"status text\n\n{marker}") == b'{"issue": 7}'
    key_id, body, mac = marker.removeprefix("<!-- dev-agent:state ").removesuffix(" -->").split(".")
    forged = base64.urlsafe_b64encode(json.dumps({"issue": 7, "overrides": {"cost": {}}}).encode()).decode()
    with pytest.raises(StateRefused, match="does not match"):
        KEYS.verify(f"<!-- dev-agent:state {key_id}.{forged}.{mac} -->")
    with pytest.raises(StateRefused, match="unknown key"):
        KEYS.verify(f"<!-- dev-agent:state k9.{body}.{mac} -->")
    with pytest.raises(StateRefused, match="no signature"):
        KEYS.verify(f"<!-- dev-agent:state {forged} -->")  # the old unsigned format
    assert KEYS.verify("no state here") is None


def test_rotation_signs_with_the_newest_key_and_still_reads_the_old_one():
    old = StateKeyring.parse("k1:old-secret-0123456789")
    assert KEYS.verify(old.sign(b"{}")) == b"{}"
    assert KEYS.sign(b"{}").startswith("<!-- dev-agent:state k2.")
    with pytest.raises(StateRefused):
        StateKeyring.parse("k3:another-secret-0123456").verify(KEYS.sign(b"{}"))


@pytest.mark.parametrize("spec", ["", "k1", "k1:short", "bad id:0123456789abcdef", "k1:0123456789abcdef,"])
def test_a_malformed_keyring_is_refused(spec):
    with pytest.raises(ValueError):
        StateKeyring.parse(spec)


@pytest.mark.parametrize(
    ("user", "trusted"),
    [
        ({"login": BOT, "type": "Bot"}, True),
        ({"login": "alice", "type": "User"}, False),
        ({"login": "other-app[bot]", "type": "Bot"}, False),
        ({"login": BOT, "type": "User"}, False),
        (None, False),
    ],
)
def test_markers_count_only_in_objects_the_app_authored(user, trusted):
    pull = {"user": user, "body": "x\n" + markers.request_link(12)}
    assert markers.authored_by(pull, {BOT}) is trusted
    assert markers.request_of(pull, {BOT}) == (12 if trusted else None)


def test_every_marker_is_an_html_comment_of_ours():
    for text in (
        markers.STATUS,
        markers.REPORT,
        markers.report_part("a", 2, 3),
        markers.reply(5),
        markers.closed(3),
        markers.unlisted_merge(3),
        markers.expiry("a", "warn-2"),
        markers.applied("a"),
        markers.drift("a"),
        markers.drift_clean("a"),
        markers.destroyed("a"),
        markers.destroy_failed("a", 1),
    ):
        assert text.startswith(markers.PREFIX) and text.endswith(" -->") and text.count("-->") == 1
