# --- shared by the `accord` command and the package's maintainer scripts (scripts/package
# puts it in their place) ---
ACCORD_ENV_FILE=/etc/accord/accord.env
ACCORD_BIN=/usr/lib/accord/accord
ACCORD_USER=accord
ACCORD_DATA_DIR=/var/lib/accord

# accord_env_each FILE FUNCTION: calls FUNCTION NAME VALUE for each setting in FILE, read as
# systemd reads an EnvironmentFile: NAME=VALUE lines, `#` and `;` start comments, surrounding
# blanks and one pair of single or double quotes around the value are dropped.
accord_env_each() {
  local file=$1 fn=$2 line name value n=0
  while IFS= read -r line || [ -n "$line" ]; do
    n=$((n + 1))
    line="${line#"${line%%[![:space:]]*}"}"
    case "$line" in '' | '#'* | ';'*) continue ;; esac
    if [[ ! "$line" =~ ^([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*=[[:space:]]*(.*)$ ]]; then
      echo "accord: ignoring line $n of $file: not NAME=VALUE" >&2
      continue
    fi
    name=${BASH_REMATCH[1]}
    value=${BASH_REMATCH[2]}
    value="${value%"${value##*[![:space:]]}"}"
    if [[ "$value" =~ ^\"(.*)\"$ || "$value" =~ ^\'(.*)\'$ ]]; then
      value=${BASH_REMATCH[1]}
    fi
    "$fn" "$name" "$value"
  done <"$file"
}

# accord_env_value NAME: the value NAME has in the settings file (the last one wins), or nothing.
accord_env_value() {
  local wanted=$1 found=""
  _accord_pick() { if [ "$1" = "$wanted" ]; then found=$2; fi; }
  if [ -r "$ACCORD_ENV_FILE" ]; then accord_env_each "$ACCORD_ENV_FILE" _accord_pick; fi
  printf '%s' "$found"
}

# accord_sqlite_file: the SQLite database file the settings name (a relative path is taken
# from the data directory, the service's working directory); nothing for PostgreSQL.
accord_sqlite_file() {
  local url path
  url=$(accord_env_value ACCORD_DATABASE_URL)
  url=${url:-sqlite://data/accord.db?mode=rwc}
  case "$url" in
    sqlite://*) path=${url#sqlite://} ;;
    sqlite:*) path=${url#sqlite:} ;;
    *) return 0 ;;
  esac
  path=${path%%\?*}
  case "$path" in '' | :memory:) return 0 ;; /*) ;; *) path="$ACCORD_DATA_DIR/$path" ;; esac
  printf '%s' "$path"
}

# accord_as_service_user COMMAND...: runs COMMAND as the accord user (from root, giving up
# every privilege on the way) with the settings file's variables in its environment; a
# variable the caller set already keeps its value.
accord_as_service_user() {
  (
    _accord_export() { if [ -z "${!1+x}" ]; then export "$1=$2"; fi; }
    accord_env_each "$ACCORD_ENV_FILE" _accord_export
    if [ "$(id -u)" = 0 ]; then
      export HOME="$ACCORD_DATA_DIR" USER="$ACCORD_USER" LOGNAME="$ACCORD_USER"
      exec setpriv --reuid="$ACCORD_USER" --regid="$ACCORD_USER" --init-groups --no-new-privs -- "$@"
    else
      exec "$@"
    fi
  )
}
# --- end of the shared part ---
