#!/usr/bin/env bash
# Check deploy/nginx-chungtay.conf with a real nginx in front of a running Chung Tay app, without
# touching the system's nginx: a private nginx on high ports, a throw-away self-signed certificate.
#
#   bash deploy/check-nginx.sh APP_PORT STATIC_DIR      # e.g. 8000 /var/lib/chungtay/static
#
# Checks: the configuration is valid; http redirects to https; https reaches the app (health check,
# log-in page with HSTS and secure cookies, i.e. the app sees X-Forwarded-Proto: https); static
# files come from nginx; an upload of 50 MB is not refused for its size. Exit 0 when all pass.
set -euo pipefail
APP_PORT=${1:?APP_PORT}
STATIC=${2:?STATIC_DIR}
HOST=chungtay.test
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
T=$(mktemp -d)
HTTP=$((20000 + RANDOM % 20000)); HTTPS=$((HTTP + 1))
trap '[ -f "$T/nginx.pid" ] && kill "$(cat "$T/nginx.pid")" 2>/dev/null; rm -rf "$T"' EXIT

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=$HOST" -keyout "$T/key.pem" -out "$T/cert.pem" 2>/dev/null
sed -e "s/chungtay.example.vn/$HOST/g" -e "s#127.0.0.1:8000#127.0.0.1:$APP_PORT#" \
    -e "s#listen 80;#listen 127.0.0.1:$HTTP;#" -e "s#listen 443 ssl#listen 127.0.0.1:$HTTPS ssl#" -e '/listen \[::\]/d' \
    -e "s#/etc/ssl/chungtay/fullchain.pem#$T/cert.pem#" -e "s#/etc/ssl/chungtay/privkey.pem#$T/key.pem#" \
    -e "s#/var/lib/chungtay/static/#${STATIC%/}/#" -e "s#/var/log/nginx/#$T/#g" \
    "$HERE/nginx-chungtay.conf" > "$T/site.conf"
chmod 0755 "$T"
cat > "$T/nginx.conf" <<CONF
user $(id -un);
pid $T/nginx.pid;
error_log $T/error.log;
events {}
http {
    include /etc/nginx/mime.types;
    client_body_temp_path $T/body; proxy_temp_path $T/proxy; fastcgi_temp_path $T/fcgi;
    uwsgi_temp_path $T/uwsgi; scgi_temp_path $T/scgi;
    include $T/site.conf;
}
CONF
nginx -t -q -c "$T/nginx.conf" -p "$T"
nginx -c "$T/nginx.conf" -p "$T"
sleep 0.5
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; exit 1; }
C="curl -sS -k --resolve $HOST:$HTTPS:127.0.0.1 --resolve $HOST:$HTTP:127.0.0.1"

loc=$($C -o /dev/null -w '%{http_code} %{redirect_url}' "http://$HOST:$HTTP/households/")
[[ $loc == "301 https://$HOST/households/" ]] && ok "http redirects to https" || fail "http: $loc"
body=$($C "https://$HOST:$HTTPS/healthz")
[[ $body == *'"database": "ok"'* ]] && ok "health check through the proxy: $body" || fail "healthz: $body"
hdr=$($C -D - -o /dev/null "https://$HOST:$HTTPS/login/")
grep -qi '^strict-transport-security: max-age=' <<<"$hdr" && ok "HSTS" || fail "no HSTS: $hdr"
grep -qi '^set-cookie: csrftoken=.*secure' <<<"$hdr" && ok "secure cookies (the app sees https)" || fail "cookie: $hdr"
grep -qi "^content-security-policy: default-src 'self'" <<<"$hdr" && ok "CSP" || fail "no CSP"
shdr=$($C -D - -o /dev/null "https://$HOST:$HTTPS/static/web/app.js")
grep -q '^HTTP/[0-9.]* 200' <<<"$shdr" && ! grep -qi '^content-security-policy' <<<"$shdr" \
    && ok "static files served by nginx" || fail "static: $shdr"
head -c 52428800 /dev/zero > "$T/big"
code=$($C -o /dev/null -w '%{http_code}' -F "files=@$T/big" "https://$HOST:$HTTPS/import/")
# anonymous and without a CSRF token: the app itself refuses it (403), not nginx (413) nor an error (5xx)
[ "$code" = 403 ] && ok "a 50 MB upload passes nginx to the app (which answered $code)" \
    || fail "upload: $code (413: refused by nginx for its size; 5xx: see $T/error.log)"
grep -q '"GET /login/ HTTP' "$T/chungtay-access.log" && ! grep -q '?' "$T/chungtay-access.log" \
    && ok "access log without query strings" || fail "access log: $(head -3 "$T/chungtay-access.log")"
echo "nginx configuration: all checks passed"
