#!/usr/bin/env bash
# Chung Tay: set up (or update) a production server on Debian 12 — docs/deploy.md.
#
#   sudo bash deploy/setup-debian.sh --host chungtay.example.vn [--admin quantri]
#
# Run it from a checkout of the repository (it installs that checkout). Safe to run again: what
# exists (user, database, keys, environment file, certificate, administrator) is kept; the code,
# the services and the configuration files from deploy/ are brought up to date, the database is
# migrated and the static files collected.
set -euo pipefail

HOST=""
ADMIN="quantri"
APP=/opt/chungtay/app
VENV=/opt/chungtay/venv
ETC=/etc/chungtay
DATA=/var/lib/chungtay
LOGS=/var/log/chungtay
BACKUPS=/var/backups/chungtay
SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

usage() { sed -n '2,9p' "$0"; exit 2; }
while [ $# -gt 0 ]; do
    case "$1" in
        --host) HOST="${2:-}"; shift 2 ;;
        --admin) ADMIN="${2:-}"; shift 2 ;;
        -h|--help) usage ;;
        *) echo "unknown option: $1" >&2; usage ;;
    esac
done
[ -n "$HOST" ] || { echo "error: --host NAME is required (the name people type in the browser)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "error: run as root (sudo bash $0 …)" >&2; exit 2; }
step() { printf '\n== %s\n' "$*"; }

step "1/10 Debian packages (python3, postgresql, nginx)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq python3 python3-venv python3-pip postgresql postgresql-client nginx logrotate \
    openssl curl rsync ca-certificates >/dev/null
py=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
[ "$py" = "3.11" ] || { echo "error: Chung Tay needs Python 3.11 (Debian 12 has it); this system has $py" >&2; exit 2; }

step "2/10 system user 'chungtay' and folders"
id chungtay >/dev/null 2>&1 || useradd --system --home-dir "$DATA" --shell /usr/sbin/nologin chungtay
install -d -o chungtay -g chungtay -m 0750 "$DATA"
install -d -o chungtay -g adm -m 0750 "$LOGS"
# keep the journal (the app's and the worker's errors) across reboots
install -d -m 2755 -g systemd-journal /var/log/journal && systemctl restart systemd-journald
install -d -o chungtay -g chungtay -m 0700 "$BACKUPS"
install -d -o root -g chungtay -m 0750 "$ETC"
install -d -o chungtay -g chungtay -m 0700 "$ETC/keys"
install -d -m 0755 /opt/chungtay

step "3/10 the application in $APP, its Python environment in $VENV"
if [ "$SRC" != "$APP" ]; then
    mkdir -p "$APP"
    # the checkout this script belongs to (without its local data and virtual environment)
    rsync -a --delete --exclude=/.venv --exclude=/data --exclude=/.git --exclude='__pycache__' "$SRC/" "$APP/"
fi
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --upgrade pip
"$VENV/bin/pip" install --quiet "$APP"
install -m 0755 "$APP/deploy/chungtay-admin" /usr/local/bin/chungtay-admin

step "4/10 PostgreSQL: role and database 'chungtay'"
systemctl enable --now postgresql >/dev/null
if ! runuser -u postgres -- psql -tAc "SELECT 1 FROM pg_roles WHERE rolname='chungtay'" | grep -q 1; then
    DB_PASSWORD=$(openssl rand -hex 24)
    # CREATEDB: `chungtay restore` builds the restored copy in a new database, then swaps it in
    runuser -u postgres -- psql -q -c "CREATE ROLE chungtay LOGIN CREATEDB PASSWORD '$DB_PASSWORD'"
else
    DB_PASSWORD=""
fi
runuser -u postgres -- psql -tAc "SELECT 1 FROM pg_database WHERE datname='chungtay'" | grep -q 1 \
    || runuser -u postgres -- createdb -O chungtay -E UTF8 -T template0 chungtay

step "5/10 environment file $ETC/chungtay.env"
if [ ! -f "$ETC/chungtay.env" ]; then
    [ -n "$DB_PASSWORD" ] || { echo "error: the role chungtay exists but $ETC/chungtay.env does not: set its" \
        "password (ALTER ROLE chungtay PASSWORD '…') and write DATABASE_URL by hand" >&2; exit 2; }
    sed -e "s/<HOST>/$HOST/g" -e "s/<DB_PASSWORD>/$DB_PASSWORD/g" "$APP/deploy/chungtay.env.example" > "$ETC/chungtay.env"
fi
chown root:chungtay "$ETC/chungtay.env"
chmod 0640 "$ETC/chungtay.env"

step "6/10 keys (chungtay keys create; never overwritten)"
if [ ! -f "$ETC/keys/keys.env" ]; then
    runuser -u chungtay -- env CHUNGTAY_ENV=production "$VENV/bin/chungtay" keys create --out "$ETC/keys/keys.env"
    echo "!! Back up $ETC/keys/keys.env now, APART from the database backups (docs/backup.md)."
fi

step "7/10 database tables, static files, units, first administrator"
if [ -f /etc/systemd/system/chungtay-web.service ]; then
    echo "an update: a backup first ($BACKUPS)"
    chungtay-admin backup --out "$BACKUPS" --no-keys
fi
chungtay-admin manage migrate --noinput
chungtay-admin manage collectstatic --noinput --verbosity 0
chungtay-admin manage check --deploy --fail-level ERROR
CHUNGTAY_ADMIN_USER="$ADMIN" chungtay-admin bootstrap

step "8/10 services: chungtay-web (gunicorn), chungtay-worker, nightly backup, log rotation"
install -m 0644 "$APP/deploy/chungtay-web.service" "$APP/deploy/chungtay-worker.service" \
    "$APP/deploy/chungtay-backup.service" "$APP/deploy/chungtay-backup.timer" /etc/systemd/system/
install -m 0644 "$APP/deploy/logrotate-chungtay" /etc/logrotate.d/chungtay
systemctl daemon-reload
systemctl enable chungtay-web chungtay-worker chungtay-backup.timer >/dev/null
systemctl restart chungtay-web chungtay-worker
systemctl start chungtay-backup.timer

step "9/10 nginx (HTTPS) for $HOST"
if [ ! -f /etc/ssl/chungtay/fullchain.pem ]; then
    install -d -m 0755 /etc/ssl/chungtay
    # a self-signed certificate so that nginx starts; replace it (docs/deploy.md, "Certificate")
    openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=$HOST" -addext "subjectAltName=DNS:$HOST" \
        -keyout /etc/ssl/chungtay/privkey.pem -out /etc/ssl/chungtay/fullchain.pem 2>/dev/null
    chmod 0600 /etc/ssl/chungtay/privkey.pem
fi
sed "s/chungtay.example.vn/$HOST/g" "$APP/deploy/nginx-chungtay.conf" > /etc/nginx/sites-available/chungtay
ln -sf /etc/nginx/sites-available/chungtay /etc/nginx/sites-enabled/chungtay
rm -f /etc/nginx/sites-enabled/default
nginx -t
systemctl enable nginx >/dev/null
systemctl reload-or-restart nginx

step "10/10 health check"
for _ in $(seq 30); do
    if curl -fsS http://127.0.0.1:8000/healthz; then echo; break; fi
    sleep 1
done
curl -fsS -k --resolve "$HOST:443:127.0.0.1" "https://$HOST/healthz" >/dev/null \
    && echo "OK: https://$HOST/ answers. Log in as $ADMIN." \
    || { echo "error: https://$HOST/healthz does not answer: see docs/deploy.md, 'When something is wrong'" >&2; exit 1; }
