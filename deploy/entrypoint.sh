#!/bin/sh
# Cuttle's container entrypoint (POSIX sh; in the image it runs under the bundled static busybox).
#
# KrakenD's images take `docker run ... -v $PWD:/etc/krakend -e KRAKEND_CONFIG=krakend.json IMAGE` and run
# `krakend run -c krakend.json` from /etc/krakend; the `:config-watcher` tag wraps the same in reflex, which restarts
# the process on change. This script keeps that contract and adds the watcher as a mode of the same image:
#
#   (no arguments)          cuttle run -c /etc/krakend/$KRAKEND_CONFIG            (CUTTLE_MODE=run, the default)
#                           ... plus --watch when CUTTLE_MODE=watch                 (config-watcher mode)
#   watch                   config-watcher mode, whatever CUTTLE_MODE says
#   -d, -p 9000, --watch …  flags appended to the default command
#   run|check|watch|… ARGS  `cuttle ARGS` as given (e.g. `check -c krakend.json`, `watch -g '*.json' -s -- …`)
#   cuttle ARGS             the same
#   anything else           executed as is
#
# Every path ends in `exec`: cuttle becomes PID 1, gets SIGTERM from `docker stop` / the kubelet directly, drains and
# exits. The watcher mode reloads in-process (no child process), so there is nothing to reap; KrakenD's reflex image
# restarts the whole process and gives no graceful stop.
set -eu

CUTTLE_BIN=${CUTTLE_BIN:-/app/cuttle}
config_dir=${CUTTLE_CONFIG_DIR:-/etc/krakend}
config=${KRAKEND_CONFIG:-krakend.json}
case "$config" in
  /*) ;;
  *) config="$config_dir/$config" ;;
esac

log() { printf 'cuttle-entrypoint: %s\n' "$*" >&2; }

# Is the config file a mount point of its own (`-v $PWD/krakend.json:/etc/krakend/krakend.json`)? Field 5 of
# /proc/self/mountinfo is the mount point. Such a mount pins the file's inode: an editor that saves by writing a new file
# and renaming it over the old one (most do) is never seen inside the container, by events or by polling. In-place
# writes are seen, but Docker Desktop and other VM-backed mounts deliver no inotify events for them, so polling is on.
file_is_bind_mounted() {
  [ -r /proc/self/mountinfo ] || return 1
  while read -r _ _ _ _ mount_point _; do
    [ "$mount_point" = "$1" ] && return 0
  done < /proc/self/mountinfo
  return 1
}

# Builds the default command into "$@" (run or watch mode) and execs it.
exec_default() {
  mode=$1; shift
  if [ ! -e "$config" ]; then
    log "no configuration at $config: mount a directory holding it on $config_dir" \
        "(docker run -v \$PWD:$config_dir -e KRAKEND_CONFIG=krakend.json ...) or set KRAKEND_CONFIG"
    exit 78 # EX_CONFIG
  fi
  case "$mode" in
    run) exec "$CUTTLE_BIN" run -c "$config" "$@" ;;
    watch)
      if file_is_bind_mounted "$config"; then
        log "$config is bind-mounted as a single file: edits that replace the file (most editors) stay invisible" \
            "inside the container; mount its directory instead (-v \$PWD:$config_dir)"
        # CUTTLE_POLL is read by cuttle itself; set it only when the user has not chosen an interval.
        if [ -z "${CUTTLE_POLL:-}" ]; then
          CUTTLE_POLL=1s
          export CUTTLE_POLL
          log "polling $config every $CUTTLE_POLL (set CUTTLE_POLL to change)"
        fi
      fi
      exec "$CUTTLE_BIN" run -c "$config" --watch "$@" ;;
    *)
      log "CUTTLE_MODE must be 'run' or 'watch', not '$mode'"
      exit 64 # EX_USAGE
      ;;
  esac
}

mode=${CUTTLE_MODE:-run}

if [ $# -eq 0 ]; then
  exec_default "$mode"
fi

case "$1" in
  cuttle) shift; exec "$CUTTLE_BIN" "$@" ;;
  watch)
    if [ $# -eq 1 ]; then exec_default watch; fi
    exec "$CUTTLE_BIN" "$@" ;;
  --help|-h|--version) exec "$CUTTLE_BIN" "$@" ;;
  -*) exec_default "$mode" "$@" ;;
  run|check|validate|version|help) exec "$CUTTLE_BIN" "$@" ;;
  *) exec "$@" ;;
esac
