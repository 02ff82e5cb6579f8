#!/usr/bin/env bash
# Change-to-restart latency and save-style coverage of `cuttle watch` vs Debian's reflex 0.3.1, in one run,
# plus fd/thread counts across many restarts. Usage: bench/watch/run.sh [rounds]   (from the repository root)
# Needs: reflex (apt-get install reflex), a Release build (done here). Writes bench/watch/results.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-5}
LEAK_CUTTLE=${LEAK_CUTTLE:-1000}
LEAK_REFLEX=${LEAK_REFLEX:-50}
dotnet build -c Release src/Cuttle -v q -nologo >/dev/null
CUTTLE="$PWD/src/Cuttle/bin/Release/net10.0/cuttle"
REFLEX=$(command -v reflex || true)
OUT="$PWD/bench/watch/results.md"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

now() { date +%s%N; }
starts() { [ -f "$1/starts" ] && wc -l < "$1/starts" || echo 0; }

# wait_start DIR COUNT TIMEOUT_MS -> prints ms from $T0 to the new start, or "-" if none came
wait_start() {
  local dir=$1 want=$2 deadline=$(( $(now) + $3 * 1000000 ))
  while [ "$(starts "$dir")" -lt "$want" ]; do
    if [ "$(now)" -gt "$deadline" ]; then echo "-"; return; fi
    sleep 0.005
  done
  local t; t=$(tail -n 1 "$dir/starts")
  echo $(( (t - T0) / 1000000 ))
}

start_tool() { # tool dir -> sets PID
  local tool=$1 dir=$2
  local svc='date +%s%N >> starts; exec sleep 100000'
  cd "$dir"
  if [ "$tool" = cuttle ]; then
    setsid "$CUTTLE" watch -g cfg.json -s -- sh -c "$svc" >"$dir/out.log" 2>&1 &
  else
    setsid "$REFLEX" -g cfg.json -s -- sh -c "$svc" >"$dir/out.log" 2>&1 &
  fi
  PID=$!
  cd - >/dev/null
  local deadline=$(( $(now) + 5000000000 ))
  while [ "$(starts "$dir")" -lt 1 ]; do [ "$(now)" -lt "$deadline" ] || { echo "$tool did not start" >&2; exit 1; }; sleep 0.01; done
  sleep 0.3
}

stop_tool() { kill -TERM "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; }

mutate() { # style dir
  local d=$2
  case $1 in
    append)          echo "x" >> "$d/cfg.json" ;;
    truncate-write)  : > "$d/cfg.json"; echo "t$RANDOM" >> "$d/cfg.json" ;;
    sed-i)           sed -i "s/$/$RANDOM/" "$d/cfg.json" ;;
    rename-over)     echo "r$RANDOM" > "$d/tmp.json"; mv "$d/tmp.json" "$d/cfg.json" ;;
    delete-recreate) rm "$d/cfg.json"; echo "d$RANDOM" > "$d/cfg.json" ;;
    touch-noop)      touch "$d/cfg.json" ;;
    same-bytes-noop) cat "$d/cfg.json" > "$d/cfg.tmp"; cat "$d/cfg.tmp" > "$d/cfg.json"; rm "$d/cfg.tmp" ;;
    configmap-swap)
      local v="..$(date +%Y_%m_%d_%H_%M_%S).$RANDOM"
      mkdir "$d/$v"; echo "c$RANDOM" > "$d/$v/cfg.json"
      ln -s "$v" "$d/..data_tmp"; mv -T "$d/..data_tmp" "$d/..data"
      for old in "$d"/..20*; do [ "$old" = "$d/$v" ] || rm -rf "$old"; done ;;
    configmap-write-through) echo "w$RANDOM" >> "$d/cfg.json" ;;
  esac
}

setup_dir() { # kind -> dir
  local d; d=$(mktemp -d "$WORK/d.XXXX")
  if [ "$1" = configmap ]; then
    mkdir "$d/..2020_01_01"; echo "c0" > "$d/..2020_01_01/cfg.json"
    ln -s ..2020_01_01 "$d/..data"; ln -s ..data/cfg.json "$d/cfg.json"
  else
    echo '{"version": 3}' > "$d/cfg.json"
  fi
  echo "$d"
}

declare -A RESULT
PLAIN="append truncate-write sed-i rename-over delete-recreate touch-noop same-bytes-noop"
CMAP="configmap-swap configmap-write-through"
TOOLS=cuttle; [ -n "$REFLEX" ] && TOOLS="cuttle reflex"

for tool in $TOOLS; do
  for kind in plain configmap; do
    styles=$PLAIN; [ $kind = configmap ] && styles=$CMAP
    dir=$(setup_dir $kind); start_tool "$tool" "$dir"
    for style in $styles; do
      lat=(); hits=0
      for ((r = 0; r < ROUNDS; r++)); do
        n=$(starts "$dir"); T0=$(now); mutate "$style" "$dir"
        ms=$(wait_start "$dir" $((n + 1)) 2000)
        if [ "$ms" != "-" ]; then hits=$((hits + 1)); lat+=("$ms"); sleep 0.4; fi
        # settle: a late or duplicate restart must not be counted for the next round
        sleep 0.2
      done
      med="-"
      if [ ${#lat[@]} -gt 0 ]; then med=$(printf '%s\n' "${lat[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'); fi
      RESULT[$tool,$style]="$hits/$ROUNDS restarts, median ${med} ms"
      echo "$tool $style: ${RESULT[$tool,$style]}" >&2
    done
    stop_tool
  done
done

# fd and thread counts across many restarts (reflex leaks one pty per run)
leak() { # tool count
  local tool=$1 count=$2 dir; dir=$(setup_dir plain)
  if [ "$tool" = cuttle ]; then
    cd "$dir"; setsid "$CUTTLE" watch --debounce 5ms -g cfg.json -s -- sh -c 'date +%s%N >> starts; exec sleep 100000' >/dev/null 2>&1 & PID=$!; cd - >/dev/null
  else
    cd "$dir"; setsid "$REFLEX" -g cfg.json -s -- sh -c 'date +%s%N >> starts; exec sleep 100000' >/dev/null 2>&1 & PID=$!; cd - >/dev/null
  fi
  while [ "$(starts "$dir")" -lt 1 ]; do sleep 0.01; done
  for i in 1 2 3 4 5; do n=$(starts "$dir"); T0=$(now); echo "w$i" >> "$dir/cfg.json"; wait_start "$dir" $((n + 1)) 3000 >/dev/null; done
  local fd0 th0 t0 fd1 th1 secs
  fd0=$(ls /proc/$PID/fd | wc -l); th0=$(ls /proc/$PID/task | wc -l); t0=$(now)
  for ((i = 0; i < count; i++)); do n=$(starts "$dir"); T0=$(now); echo "l$i" >> "$dir/cfg.json"; wait_start "$dir" $((n + 1)) 3000 >/dev/null; done
  secs=$(( ($(now) - t0) / 1000000 ))
  fd1=$(ls /proc/$PID/fd | wc -l); th1=$(ls /proc/$PID/task | wc -l)
  local zombies; zombies=$(ps -o stat= --ppid "$PID" | grep -c Z || true)
  stop_tool
  LEAK[$tool]="$count restarts in ${secs} ms: fds $fd0 → $fd1, threads $th0 → $th1, zombie children $zombies"
  echo "$tool leak: ${LEAK[$tool]}" >&2
}
declare -A LEAK
leak cuttle "$LEAK_CUTTLE"
[ -n "$REFLEX" ] && leak reflex "$LEAK_REFLEX"

{
  echo "# cuttle watch vs reflex: change → restart"
  echo
  echo "Generated by \`bench/watch/run.sh $ROUNDS\` (2-core Linux VM, Release build); reflex: $(dpkg-query -W -f='${Version}' reflex 2>/dev/null || echo absent)."
  echo "Service: \`-g cfg.json -s -- sh -c 'date +%s%N >> starts; exec sleep …'\`; latency = mutation start → new service's first instruction."
  echo "cuttle runs with its defaults (debounce 100 ms, content check); reflex has a fixed 300 ms debounce. \"no-op\" rows should show 0 restarts."
  echo
  echo "| save style | cuttle | reflex |"
  echo "|---|---|---|"
  for style in $PLAIN $CMAP; do echo "| $style | ${RESULT[cuttle,$style]} | ${RESULT[reflex,$style]:-n/a} |"; done
  echo
  echo "| leak check | result |"
  echo "|---|---|"
  for tool in $TOOLS; do echo "| $tool | ${LEAK[$tool]} |"; done
} > "$OUT"
cat "$OUT"
