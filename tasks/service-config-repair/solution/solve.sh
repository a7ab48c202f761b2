#!/bin/bash
# Reference solution: one [server] section, no inline comments, %% for a literal %,
# a duration the service understands, and the log directory.
set -euo pipefail
cat > /app/config/service.ini <<'INI'
# Inventory service configuration.
# Edited by hand during the 2024-05 migration.

[server]
host = 0.0.0.0
# public port, do not change
port = 8080
# capacity raised after the migration
workers = 4

[database]
url = sqlite:////var/lib/inventory/inventory.db
pool_size = 5

[auth]
token_secret = 9f%%Kq2!x7Lm#4Rt8;zW
session_ttl = 45m

[logging]
# use DEBUG when troubleshooting
level = INFO
file = /var/log/inventory/service.log
INI
mkdir -p /var/log/inventory
python3 /app/service.py --check
