# Sourced by scripts/demo and test/run-tests (with $root set to the clone): where the clusters,
# the private installation and the inputs the servers read live, and how servers are run.
#
# The state directory is outside the clone, so that the clone may be anywhere (root's home
# folder is mode 700 on Debian and the postgres user cannot enter it; a path may contain
# spaces): /var/tmp/tweetlda-<uid>-<hash of the clone's path>, or $TWEETLDA_STATE.  It is made
# mode 0755 and owned by the invoking user; the folders the servers write are owned by the
# postgres user when we are root.  $root/.tweetlda links to it (when nothing else is there).
# shellcheck shell=sh

PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}

# Print an error and exit.
die() {
    echo "tweetlda: $*" >&2
    exit 1
}

# Set $state to this clone's state directory, creating it; refuse one someone else owns.
state_dir() {
    if [ -n "${TWEETLDA_STATE:-}" ]; then
        state=$TWEETLDA_STATE
        mkdir -p "$state"
    else
        base=/var/tmp
        [ -d "$base" ] && [ -w "$base" ] || base=${TMPDIR:-/tmp}
        hash=$(printf '%s' "$root" | sha256sum | cut -c1-12)
        state=$base/tweetlda-$(id -u)-$hash
        mkdir -m 0755 "$state" 2>/dev/null || true
    fi
    # In a shared folder (/var/tmp) another user could have made it first: use it only if it
    # is ours and nobody else can write it.
    [ -d "$state" ] && [ ! -L "$state" ] || die "state directory $state is not a directory"
    [ "$(stat -c %u "$state")" = "$(id -u)" ] || die "state directory $state belongs to another user"
    case $(stat -c %A "$state") in
    ?????w???? | ????????w?) die "state directory $state is writable by others" ;;
    esac
    chmod 0755 "$state"
    if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$state" 2>/dev/null; then
        die "the postgres user cannot enter $state: set TWEETLDA_STATE to a folder it can enter"
    fi
    # A convenience link in the clone (.tweetlda of older versions was a folder: left alone).
    if [ -L "$root/.tweetlda" ] || [ ! -e "$root/.tweetlda" ]; then
        ln -sfn "$state" "$root/.tweetlda" 2>/dev/null || true
    fi
}

# Make folder $1 (in the state directory) for the servers to write: owned by postgres as root.
server_dir() {
    mkdir -p "$1"
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres: "$1"
    fi
}

# Run a command as the server user from folder $1: the postgres user when we are root
# (PostgreSQL refuses to run as root), else ourselves.  The working folder must be one the
# server user can enter (PostgreSQL's programs fail in a folder they cannot enter).
as_server() {
    dir=$1
    shift
    if [ "$(id -u)" -eq 0 ]; then
        (cd "$dir" && runuser -u postgres -- "$@")
    else
        (cd "$dir" && "$@")
    fi
}
