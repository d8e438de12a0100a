#!/bin/bash
# Complement image contract: server name from $SERVER_NAME, client HTTP on 8008, federation HTTPS on 8448
# with a certificate signed by the CA mounted at /complement/ca, registration shared secret "complement".
# Runs on every container start: config and certificate are regenerated, the database and signing key kept.
set -euo pipefail
: "${SERVER_NAME:?SERVER_NAME must be set}"
BIND_ADDRESS=${BIND_ADDRESS:-0.0.0.0}
data=/data
ca=/complement/ca
mkdir -p "$data"
host=${SERVER_NAME%:*}
[[ $SERVER_NAME == \[* ]] && host=${SERVER_NAME%]*}] # IPv6 literal

if [[ -f $ca/ca.crt && -f $ca/ca.key ]]; then
  if [[ $host =~ ^[0-9.]+$ ]]; then san="IP:$host"; else san="DNS:$host"; fi
  openssl req -new -newkey rsa:2048 -nodes -sha256 -subj "/CN=$host" \
    -addext "subjectAltName=$san,IP:127.0.0.1" -keyout "$data/tls.key" -out "$data/tls.csr" 2>/dev/null
  # -set_serial instead of -CAcreateserial: the CA directory may be mounted read-only.
  openssl x509 -req -sha256 -days 2 -in "$data/tls.csr" -copy_extensions copy \
    -CA "$ca/ca.crt" -CAkey "$ca/ca.key" -set_serial "0x$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')" \
    -out "$data/tls.crt" 2>/dev/null
  cp "$ca/ca.crt" /usr/local/share/ca-certificates/complement.crt && update-ca-certificates >/dev/null 2>&1 || true
  ca_list="[\"$ca/ca.crt\"]"
else
  echo "complement-entrypoint: no CA at $ca, using a self-signed federation certificate" >&2
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 -subj "/CN=$host" \
    -keyout "$data/tls.key" -out "$data/tls.crt" 2>/dev/null
  ca_list="[]"
fi

relaxed='{"per_second": 10000, "burst_count": 100000}'
cat >"$data/homeserver.yaml" <<YAML
server_name: "$SERVER_NAME"
pid_file: $data/homeserver.pid
report_stats: false
listeners:
  - port: 8008
    bind_addresses: ["$BIND_ADDRESS"]
    type: http
    tls: false
    x_forwarded: false
    resources: [{names: [client, federation], compress: false}]
  - port: 8448
    bind_addresses: ["$BIND_ADDRESS"]
    type: http
    tls: true
    resources: [{names: [federation], compress: false}]
tls_certificate_path: $data/tls.crt
tls_private_key_path: $data/tls.key
database: {name: sqlite3, args: {database: $data/homeserver.db}}
log_config: $data/log.config
media_store_path: $data/media_store
signing_key_path: $data/signing.key
macaroon_secret_key: "$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
form_secret: "$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
registration_shared_secret: complement
enable_registration: true
enable_registration_without_verification: true
bcrypt_rounds: 4
use_presence: false
federation_verify_certificates: ${FEDERATION_VERIFY_CERTIFICATES:-false}
federation_custom_ca_list: $ca_list
ip_range_blacklist: []
ip_range_whitelist: ["127.0.0.0/8", "::1"]
trusted_key_servers: []
suppress_key_server_warning: true
room_list_publication_rules: [{action: allow}]
allow_public_rooms_over_federation: true
caches: {sync_response_cache_duration: 0}
rc_message: $relaxed
rc_registration: $relaxed
rc_login: {address: $relaxed, account: $relaxed, failed_attempts: $relaxed}
rc_admin_redaction: $relaxed
rc_joins: {local: $relaxed, remote: $relaxed}
rc_joins_per_room: $relaxed
rc_3pid_validation: $relaxed
rc_invites: {per_room: $relaxed, per_user: $relaxed, per_issuer: $relaxed}
rc_third_party_invite: $relaxed
rc_media_create: $relaxed
rc_room_creation: $relaxed
rc_federation: {window_size: 1000, sleep_limit: 10000, sleep_delay: 0, reject_limit: 100000, concurrent: 1000}
YAML

cat >"$data/log.config" <<'YAML'
version: 1
formatters:
  precise: {format: '%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - %(request)s - %(message)s'}
filters:
  context: {(): synapse.logging.context.LoggingContextFilter, request: ""}
handlers:
  console: {class: logging.StreamHandler, formatter: precise, filters: [context], stream: ext://sys.stdout}
loggers:
  synapse.storage.SQL: {level: WARNING}
root: {level: INFO, handlers: [console]}
disable_existing_loggers: false
YAML

[[ -f $data/signing.key ]] || python3 -m synapse.app.homeserver -c "$data/homeserver.yaml" --generate-keys
exec python3 -m synapse.app.homeserver -c "$data/homeserver.yaml"
