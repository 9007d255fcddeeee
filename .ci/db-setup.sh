#!/usr/bin/env bash
# Starts a throwaway PostgreSQL and a MariaDB server on 127.0.0.1 for the DB tests (test/db-servers.test.ts).
#
#   bash .ci/db-setup.sh          # install (Debian, as root) if missing, start both, create the test users
#
# Idempotent: servers that already run from $SW_DB_DIR are reused, the users and passwords are reset.
# Everything lives in $SW_DB_DIR (default /tmp/secretwrangler-db): data, sockets, logs, pid files and
# servers.json, the connection details the tests read. Nothing outside it is started or stopped; the
# system clusters (port 5432 / 3306) are left alone. Stop the servers with `bash .ci/db-setup.sh stop`.
set -euo pipefail

DIR="${SW_DB_DIR:-/tmp/secretwrangler-db}"
PG_PORT="${SW_DB_PG_PORT:-55432}"
MY_PORT="${SW_DB_MYSQL_PORT:-53306}"
HOST=127.0.0.1
DB=swtest
# Every character a connection URL must encode, plus spaces and a non-ASCII letter. No quote or
# backslash: they would need SQL escaping here, and the URL encoding is what the tests prove.
APP_PASSWORD='p@ss:w/rd %41#frag?x=1&y=+ [é];'
ROTATE_PASSWORD='r0t@te:me/ %25#?'
started=$SECONDS

log() { echo "[db-setup] $*"; }

if [[ $EUID -eq 0 ]]; then
  as_pg() { runuser -u postgres -- "$@"; }
  as_my() { "$@"; }
  MY_USER=mysql
else
  as_pg() { "$@"; }
  as_my() { "$@"; }
  MY_USER=$(id -un)
fi

# chown only as root; a developer running as themselves owns everything already.
own() { if [[ $EUID -eq 0 ]]; then chown "$@"; fi; }

pg_bin() { { ls -d /usr/lib/postgresql/*/bin 2>/dev/null || true; } | sort -V | tail -n 1; }
my_bin() { command -v "$1" || command -v "$2" || ls "/usr/sbin/$1" 2>/dev/null || true; }

stop_servers() {
  local bin
  bin=$(pg_bin)
  if [[ -n $bin && -f $DIR/pg/PG_VERSION ]]; then as_pg "$bin/pg_ctl" -D "$DIR/pg" -m fast stop || true; fi
  if [[ -f $DIR/my-run/mariadb.pid ]]; then
    kill "$(cat "$DIR/my-run/mariadb.pid")" 2>/dev/null || true
    for _ in $(seq 1 100); do [[ -f $DIR/my-run/mariadb.pid ]] || break; sleep 0.2; done
  fi
}

if [[ ${1:-} == stop ]]; then
  stop_servers
  log "stopped the servers in $DIR"
  exit 0
fi

install_packages() {
  local missing=()
  dpkg -s postgresql >/dev/null 2>&1 || missing+=(postgresql)
  dpkg -s mariadb-server >/dev/null 2>&1 || missing+=(mariadb-server)
  [[ ${#missing[@]} -eq 0 ]] && return
  if [[ $EUID -ne 0 ]]; then
    log "missing Debian packages: ${missing[*]}; run this script as root (or sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

wait_for_port() {
  local port=$1 name=$2
  for _ in $(seq 1 150); do
    if (exec 3<>"/dev/tcp/$HOST/$port") 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  log "$name did not open $HOST:$port" >&2
  return 1
}

start_postgres() {
  local bin
  bin=$(pg_bin)
  mkdir -p "$DIR/pg-socket"
  if [[ ! -f $DIR/pg/PG_VERSION ]]; then
    mkdir -p "$DIR/pg"
    own postgres: "$DIR/pg" "$DIR/pg-socket"
    chmod 700 "$DIR/pg"
    # trust on the private socket only (the admin connection below); passwords over TCP.
    as_pg "$bin/initdb" -D "$DIR/pg" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  fi
  own postgres: "$DIR/pg-socket"
  if ! as_pg "$bin/pg_ctl" -D "$DIR/pg" status >/dev/null 2>&1; then
    as_pg "$bin/pg_ctl" -D "$DIR/pg" -l "$DIR/pg/server.log" -w -t 60 start \
      -o "-c listen_addresses=$HOST -p $PG_PORT -k $DIR/pg-socket -c fsync=off" >/dev/null
  fi
  wait_for_port "$PG_PORT" PostgreSQL
  as_pg "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$DIR/pg-socket" -p "$PG_PORT" -U postgres -d postgres \
    -v app_pw="$APP_PASSWORD" -v rotate_pw="$ROTATE_PASSWORD" <<'SQL'
SET client_min_messages = warning;
SELECT 'CREATE ROLE sw_app LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sw_app') \gexec
SELECT 'CREATE ROLE sw_rotate LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sw_rotate') \gexec
ALTER ROLE sw_app PASSWORD :'app_pw';
ALTER ROLE sw_rotate PASSWORD :'rotate_pw';
SELECT 'CREATE DATABASE swtest OWNER sw_app' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'swtest') \gexec
GRANT CONNECT ON DATABASE swtest TO sw_rotate;
-- sw_app plays the rotation function: it may set sw_rotate's password (PostgreSQL 16+ also wants ADMIN OPTION).
ALTER ROLE sw_app CREATEROLE;
GRANT sw_rotate TO sw_app WITH ADMIN OPTION;
SQL
}

start_mariadb() {
  local server install client
  server=$(my_bin mariadbd mysqld)
  install=$(my_bin mariadb-install-db mysql_install_db)
  client=$(my_bin mariadb mysql)
  if [[ ! -d $DIR/mariadb/mysql ]]; then
    mkdir -p "$DIR/mariadb"
    own "$MY_USER": "$DIR/mariadb"
    as_my "$install" --no-defaults --user="$MY_USER" --datadir="$DIR/mariadb" --auth-root-authentication-method=socket \
      --auth-root-socket-user="$(id -un)" --skip-test-db >"$DIR/mariadb-install.log" 2>&1
  fi
  mkdir -p "$DIR/my-run"
  own "$MY_USER": "$DIR/my-run"
  if ! { [[ -f $DIR/my-run/mariadb.pid ]] && kill -0 "$(cat "$DIR/my-run/mariadb.pid")" 2>/dev/null; }; then
    # setsid + nohup: the server outlives this script (and the CI step's shell).
    setsid nohup "$server" --no-defaults --user="$MY_USER" --datadir="$DIR/mariadb" --bind-address="$HOST" \
      --port="$MY_PORT" --socket="$DIR/my-run/mariadb.sock" --pid-file="$DIR/my-run/mariadb.pid" --log-error="$DIR/my-run/mariadb.err" \
      --skip-name-resolve --innodb-flush-log-at-trx-commit=0 </dev/null >/dev/null 2>&1 &
  fi
  wait_for_port "$MY_PORT" MariaDB
  "$client" --no-defaults --default-character-set=utf8mb4 -uroot --socket="$DIR/my-run/mariadb.sock" <<SQL
CREATE DATABASE IF NOT EXISTS $DB;
CREATE USER IF NOT EXISTS 'sw_app'@'%';
CREATE USER IF NOT EXISTS 'sw_rotate'@'%';
ALTER USER 'sw_app'@'%' IDENTIFIED BY '$APP_PASSWORD';
ALTER USER 'sw_rotate'@'%' IDENTIFIED BY '$ROTATE_PASSWORD';
GRANT ALL ON $DB.* TO 'sw_app'@'%';
GRANT SELECT ON $DB.* TO 'sw_rotate'@'%';
-- sw_app plays the rotation function: it may set sw_rotate's password.
GRANT CREATE USER ON *.* TO 'sw_app'@'%';
SQL
}

write_servers_json() {
  SW_PG_PORT=$PG_PORT SW_MY_PORT=$MY_PORT SW_APP_PW=$APP_PASSWORD SW_ROTATE_PW=$ROTATE_PASSWORD SW_DB=$DB SW_HOST=$HOST \
    node -e '
      const e = process.env;
      const server = (port) => ({ host: e.SW_HOST, port: Number(port), database: e.SW_DB,
        app: { username: "sw_app", password: e.SW_APP_PW }, rotate: { username: "sw_rotate", password: e.SW_ROTATE_PW } });
      const servers = { postgres: server(e.SW_PG_PORT), mariadb: server(e.SW_MY_PORT) };
      require("node:fs").writeFileSync(process.argv[1], JSON.stringify(servers, null, 2) + "\n", { mode: 0o644 });
    ' "$DIR/servers.json"
}

mkdir -p "$DIR"
chmod 755 "$DIR"
install_packages
start_postgres
start_mariadb
write_servers_json
log "PostgreSQL on $HOST:$PG_PORT, MariaDB on $HOST:$MY_PORT; connection details in $DIR/servers.json"
log "took $((SECONDS - started)) s"
