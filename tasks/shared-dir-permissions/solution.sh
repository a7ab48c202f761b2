#!/bin/bash
# Reference solution.
set -euo pipefail
getent group analysts >/dev/null || groupadd -g 2100 analysts
id maria >/dev/null 2>&1 || useradd -m -u 2101 -G analysts -s /bin/bash maria
id tomas >/dev/null 2>&1 || useradd -m -u 2102 -G analysts -s /bin/bash tomas
id auditor >/dev/null 2>&1 || useradd -m -u 2103 -s /bin/bash auditor
chown -R root:analysts /srv/reports
find /srv/reports -type d -exec chmod 2770 {} +
find /srv/reports -type f -exec chmod 0660 {} +
chmod 2771 /srv/reports
chmod 2775 /srv/reports/published
find /srv/reports/published -type f -exec chmod 0664 {} +
chmod 0770 /srv/reports/bin/build-report.sh
ls -la /srv/reports /srv/reports/*
