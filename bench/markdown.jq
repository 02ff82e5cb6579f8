# bench/run: results.json -> results.md
def ms: if . == null then "n/a" else (. / 1000 | . * 100 | round / 100 | tostring) end;
def num: if . == null then "n/a" else tostring end;
def caselabel: {"backend": "backend direct (ceiling)", "kestrel": "bare Kestrel (answers itself)", "nginx": "nginx proxy",
            "yarp": "YARP direct forwarder", "cuttle-noop": "Cuttle no-op", "cuttle-filter": "Cuttle JSON filter",
            "cuttle-merge": "Cuttle 2-backend merge", "cuttle-aot-noop": "Cuttle no-op (NativeAOT)",
            "cuttle-aot-filter": "Cuttle JSON filter (NativeAOT)", "cuttle-aot-merge": "Cuttle 2-backend merge (NativeAOT)"}[.] // .;
def pass: if . == null then "not measured" elif . then "yes" else "**no**" end;
.meta as $m
| "# Cuttle benchmark results",
  "",
  "\($m.date), commit \($m.commit)\(if $m.quick then ", **quick mode (smoke run, numbers are indicative only)**" else "" end). " +
  "wrk -t1, \($m.duration_s) s per measurement, median of \($m.rounds) interleaved round(s). Backend: \($m.backend), 63-byte JSON bodies. " +
  "CPU: \($m.cpus) x \($m.cpu); \($m.split). Load average at the end: \($m.load_average_at_end | map(tostring) | join(", ")).",
  "",
  "CPU us/req is the server's own user+system CPU (its whole process tree, from /proc/<pid>/stat) divided by the requests served; " +
  "for proxies it excludes the backend. Peak RSS is VmHWM over the whole run; private is RssAnon at the end, file is RssFile " +
  "(for .NET mostly the shared runtime files it maps).",
  "",
  (.summary | group_by(.connections)[] |
    "## \(.[0].connections) connections", "",
    "| case | req/s | p50 ms | p99 ms | p99.9 ms | errors | CPU us/req | peak RSS MB | RSS at end: private / file MB | req/s range |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    (.[] | "| \(.case | caselabel) | \(.rps) | \(.p50_us | ms) | \(.p99_us | ms) | \(.p999_us | ms) | \(.errors) | \(.cpu_us_per_req | num) | \(.peak_rss_mb | num) | \(.rss_anon_mb | num) / \(.rss_file_mb | num) | \(.rps_min)-\(.rps_max) |"),
    ""),
  "## Ratios (req/s, same run)", "",
  "| connections | no-op/nginx | no-op/YARP | AOT no-op/nginx | AOT no-op/YARP | filter/nginx | filter/YARP | merge/nginx | merge/YARP | filter/no-op | merge/no-op | AOT filter/AOT no-op | AOT merge/AOT no-op | YARP/nginx | no-op CPU/nginx CPU | no-op CPU/YARP CPU |",
  "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  (.ratios[] | "| \(.connections) | \(.noop_vs_nginx | num) | \(.noop_vs_yarp | num) | \(.aot_noop_vs_nginx | num) | \(.aot_noop_vs_yarp | num) | \(.filter_vs_nginx | num) | \(.filter_vs_yarp | num) | \(.merge_vs_nginx | num) | \(.merge_vs_yarp | num) | \(.filter_vs_noop | num) | \(.merge_vs_noop | num) | \(.aot_filter_vs_noop | num) | \(.aot_merge_vs_noop | num) | \(.yarp_vs_nginx | num) | \(.noop_cpu_vs_nginx | num) | \(.noop_cpu_vs_yarp | num) |"),
  "",
  "## Start-up to first 200", "",
  "| server | median ms | runs (ms) | RSS at first 200, MB |", "|---|---:|---|---:|",
  (.startup[] | "| \(.case | caselabel) | \(.median_ms) | \(.ms | map(tostring) | join(", ")) | \(.rss_at_first_200_mb | num) |"),
  "",
  (if (.allocations | length) > 0 then
     "## Bytes allocated per request (whole process, 32 connections)", "",
     "| case | path | bytes/request | requests |", "|---|---|---:|---:|",
     (.allocations[] | "| \(.case | caselabel) | `\(.path)` | \(.bytes_per_request | num) | \(.requests) |"),
     ""
   else empty end),
  "## Targets (at \($m.reference_connections) connections)", "",
  "| target | measured | goal | met |", "|---|---:|---:|---|",
  (.targets[] | "| \(.target) | \(.value | num) | \(.goal | num) | \(.pass | pass) |"),
  "",
  (if (.unavailable | length) > 0 then
     "## Not measured", "", (.unavailable[] | "- \(.case | caselabel): \(.reason)"), ""
   else empty end),
  "![req/s and CPU per request](chart.png)"
