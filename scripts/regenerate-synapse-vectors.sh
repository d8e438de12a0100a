#!/usr/bin/env bash
# Regenerates fixtures/vectors/synapse-events.json with Synapse's own code (signing, content hash, redaction,
# reference hash, event ID, v12 room ID), so harness/core is checked against a real implementation.
# Usage: scripts/regenerate-synapse-vectors.sh [image-tag]   (default knockknock/synapse-base:dev)
set -euo pipefail

image="${1:-knockknock/synapse-base:dev}"
repo_root="$(cd "$(dirname "$0")/.." && pwd)"
out="$repo_root/fixtures/vectors/synapse-events.json"
tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT

docker run --rm --network none -i "$image" python3 - >"$tmp" <<'PYTHON'
import copy, hashlib, json, sys
import synapse
from signedjson.key import decode_signing_key_base64, get_verify_key, encode_verify_key_base64
from unpaddedbase64 import encode_base64
from synapse.api.room_versions import KNOWN_ROOM_VERSIONS
from synapse.crypto.event_signing import add_hashes_and_signatures, compute_content_hash, compute_event_reference_hash
from synapse.events import make_event_from_dict
from synapse.events.utils import redact_event

SEED = "YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1"
SERVER = "domain"
signing_key = decode_signing_key_base64("ed25519", "1", SEED)

VERSIONS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"]
ROOM = "!room:domain"
TS = 1700000000000


def base_event(version, room_id, type_, content, state_key=None, extra=None):
    ev = {
        "type": type_,
        "sender": "@alice:domain",
        "content": content,
        "origin_server_ts": TS,
        "depth": 5,
        "origin": SERVER,
    }
    if room_id is not None:
        ev["room_id"] = room_id
    if state_key is not None:
        ev["state_key"] = state_key
    if version in ("1", "2"):
        ev["event_id"] = "$abc" + type_.replace(".", "") + ":domain"
        ev["prev_events"] = [["$prev:domain", {"sha256": "AAAA"}]]
        ev["auth_events"] = [["$create:domain", {"sha256": "BBBB"}]]
    else:
        ev["prev_events"] = ["$prevhashprevhashprevhashprevhashprevhash123"]
        ev["auth_events"] = ["$authhashauthhashauthhashauthhashauthhash456"]
    if extra:
        ev.update(extra)
    return ev


def create_content(version):
    content = {"room_version": version, "m.federate": True, "predecessor": {"room_id": "!old:domain"}, "type": "m.space"}
    if version not in ("11", "12"):
        content["creator"] = "@alice:domain"
    if version == "12":
        content["additional_creators"] = ["@bob:other"]
    return content


def sign(room_version, template):
    event_dict = copy.deepcopy(template)
    add_hashes_and_signatures(room_version, event_dict, SERVER, signing_key)  # mutates event_dict
    return event_dict


def cases_for(version):
    create_room_id = None if version == "12" else ROOM
    create = base_event(version, create_room_id, "m.room.create", create_content(version), "")
    create["prev_events"] = []
    create["auth_events"] = []
    create["depth"] = 1
    room_id = ROOM
    if version == "12":
        signed_create = sign(KNOWN_ROOM_VERSIONS[version], create)
        room_id = make_event_from_dict(signed_create, KNOWN_ROOM_VERSIONS[version]).room_id
    yield "create", create
    yield "member knock with reason", base_event(version, room_id, "m.room.member",
        {"membership": "knock", "reason": "let me in", "displayname": "Alice", "avatar_url": "mxc://domain/a"}, "@alice:domain")
    yield "member join authorised via users server", base_event(version, room_id, "m.room.member",
        {"membership": "join", "join_authorised_via_users_server": "@bob:domain", "displayname": "Alice"}, "@alice:domain")
    yield "member invite with third party invite", base_event(version, room_id, "m.room.member",
        {"membership": "invite", "third_party_invite": {"display_name": "a...@example.org",
         "signed": {"mxid": "@carol:domain", "token": "tok", "signatures": {"idp": {"ed25519:0": "c2ln"}}}}},
        "@carol:domain")
    yield "join rules knock", base_event(version, room_id, "m.room.join_rules", {"join_rule": "knock", "other": 1}, "")
    yield "join rules restricted with allow", base_event(version, room_id, "m.room.join_rules",
        {"join_rule": "restricted", "allow": [{"type": "m.room_membership", "room_id": "!space:domain"}]}, "")
    yield "join rules knock_restricted with allow", base_event(version, room_id, "m.room.join_rules",
        {"join_rule": "knock_restricted", "allow": [{"type": "m.room_membership", "room_id": "!space:domain"}]}, "")
    yield "power levels", base_event(version, room_id, "m.room.power_levels", {
        "ban": 50, "events": {"m.room.name": 100}, "events_default": 0, "invite": 0, "kick": 50,
        "redact": 50, "state_default": 50, "users": {"@alice:domain": 100}, "users_default": 0,
        "notifications": {"room": 50}, "extra": "dropped"}, "")
    yield "history visibility", base_event(version, room_id, "m.room.history_visibility",
        {"history_visibility": "shared", "x": 1}, "")
    yield "aliases", base_event(version, room_id, "m.room.aliases", {"aliases": ["#a:domain"]}, "domain")
    yield "redaction", base_event(version, room_id, "m.room.redaction",
        {"redacts": "$target", "reason": "spam"}, None, {"redacts": "$target"})
    yield "message with extra top-level keys and unsigned", base_event(version, room_id, "m.room.message",
        {"body": "hello", "msgtype": "m.text"}, None,
        {"membership": "join", "prev_state": [], "custom_key": {"a": 1}, "unsigned": {"age_ts": TS, "extra": True}})
    yield "topic with unicode", base_event(version, room_id, "m.room.topic", {"topic": "日本語 😀 ！"}, "")


out = []
for version in VERSIONS:
    room_version = KNOWN_ROOM_VERSIONS[version]
    for name, template in cases_for(version):
        signed = sign(room_version, template)
        event = make_event_from_dict(copy.deepcopy(signed), room_version)
        redacted = redact_event(event).get_pdu_json()
        _, reference = compute_event_reference_hash(event)
        _, content_hash = compute_content_hash(copy.deepcopy(template), hashlib.sha256)
        case = {
            "name": name,
            "roomVersion": version,
            "input": template,
            "signed": signed,
            "contentHash": encode_base64(content_hash),
            "redacted": redacted,
            "referenceHash": encode_base64(reference),
            "eventId": event.event_id,
        }
        if name == "create" and version == "12":
            case["roomId"] = event.room_id
        out.append(case)

json.dump({
    "generator": "scripts/regenerate-synapse-vectors.sh",
    "synapseVersion": synapse.__version__,
    "signingKey": {"seed": SEED, "serverName": SERVER, "keyId": "ed25519:1",
                   "publicKey": encode_verify_key_base64(get_verify_key(signing_key))},
    "notes": "redacted is Synapse's get_pdu_json() of the redacted event: it keeps unsigned.age_ts, which the spec strips",
    "cases": out,
}, sys.stdout, ensure_ascii=False, indent=1, sort_keys=True)
PYTHON

chmod 644 "$tmp"
mv "$tmp" "$out"
trap - EXIT
echo "wrote $out ($(grep -c '"name"' "$out") cases)"
