# bench/run: raw measurements -> results.json (medians, ratios, targets). Inputs come from --slurpfile/--arg.
def median: sort | if length == 0 then null elif length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end;
def order: {"backend": 0, "kestrel": 1, "nginx": 2, "yarp": 3, "cuttle-noop": 4, "cuttle-filter": 5, "cuttle-merge": 6, "cuttle-aot-noop": 7, "cuttle-aot-filter": 8, "cuttle-aot-merge": 9}[.] // 10;
def ratio($a; $b): if $a == null or $b == null or $b == 0 then null else ($a / $b * 1000 | round / 1000) end;
def r1: if . == null then null else (. * 10 | round / 10) end;

($mem | map({(.case): .}) | add // {}) as $memby
| ($runs | group_by([.case, .connections]) | map({
    case: .[0].case, order: (.[0].case | order), connections: .[0].connections, rounds: length,
    rps: (map(.rps) | median | round),
    p50_us: (map(.p50_us) | median), p99_us: (map(.p99_us) | median), p999_us: (map(.p999_us) | median),
    errors: (map(.errors) | add), requests: (map(.requests) | add),
    cpu_us_per_req: (map(.cpu_us_per_req // empty) | median | r1),
    rps_min: (map(.rps) | min | round), rps_max: (map(.rps) | max | round),
    peak_rss_mb: ($memby[.[0].case].peak_rss_kb // null | if . == null then null else (. / 1024 | r1) end),
    rss_anon_mb: ($memby[.[0].case].rss_anon_kb // null | if . == null then null else (. / 1024 | r1) end),
    rss_file_mb: ($memby[.[0].case].rss_file_kb // null | if . == null then null else (. / 1024 | r1) end)
  }) | sort_by(.connections, .order)) as $summary
| ($startup | group_by(.case) | map({case: .[0].case, runs: length, median_ms: (map(.ms) | median | r1),
    ms: map(.ms), rss_at_first_200_mb: (map(.rss_kb) | median / 1024 | r1)})) as $start
| def at($c; $k): ($summary | map(select(.case == $k and .connections == $c)) | .[0]);
  ($conns | map(. as $c | {
    connections: $c,
    noop_vs_nginx: ratio(at($c; "cuttle-noop").rps; at($c; "nginx").rps),
    noop_vs_yarp: ratio(at($c; "cuttle-noop").rps; at($c; "yarp").rps),
    filter_vs_nginx: ratio(at($c; "cuttle-filter").rps; at($c; "nginx").rps),
    filter_vs_yarp: ratio(at($c; "cuttle-filter").rps; at($c; "yarp").rps),
    merge_vs_nginx: ratio(at($c; "cuttle-merge").rps; at($c; "nginx").rps),
    merge_vs_yarp: ratio(at($c; "cuttle-merge").rps; at($c; "yarp").rps),
    filter_vs_noop: ratio(at($c; "cuttle-filter").rps; at($c; "cuttle-noop").rps),
    merge_vs_noop: ratio(at($c; "cuttle-merge").rps; at($c; "cuttle-noop").rps),
    yarp_vs_nginx: ratio(at($c; "yarp").rps; at($c; "nginx").rps),
    noop_cpu_vs_nginx: ratio(at($c; "cuttle-noop").cpu_us_per_req; at($c; "nginx").cpu_us_per_req),
    noop_cpu_vs_yarp: ratio(at($c; "cuttle-noop").cpu_us_per_req; at($c; "yarp").cpu_us_per_req),
    aot_noop_vs_nginx: ratio(at($c; "cuttle-aot-noop").rps; at($c; "nginx").rps),
    aot_noop_vs_yarp: ratio(at($c; "cuttle-aot-noop").rps; at($c; "yarp").rps),
    aot_filter_vs_noop: ratio(at($c; "cuttle-aot-filter").rps; at($c; "cuttle-aot-noop").rps),
    aot_merge_vs_noop: ratio(at($c; "cuttle-aot-merge").rps; at($c; "cuttle-aot-noop").rps)
  })) as $ratios
| (if ($conns | index(32)) then 32 else $conns[0] end) as $rc
| ($ratios | map(select(.connections == $rc)) | .[0]) as $r
| def target($name; $value; $goal; $pass): {target: $name, connections: $rc, value: $value, goal: $goal,
    pass: (if $value == null then null else $pass end)};
  def startms($k): ($start | map(select(.case == $k)) | .[0].median_ms);
  def allocs($c; $p): ($alloc | map(select(.case == $c and .path == $p)) | .[0].bytes_per_request);
  def peakmb($k): ($memby[$k].peak_rss_kb // null | if . == null then null else (. / 1024 | r1) end);
{
  meta: {date: $date, commit: $commit, quick: ($quick == 1), rounds: $rounds, duration_s: $duration, connections: $conns,
         split: $split, backend: $backend, cpu: $cpu, cpus: $ncpu, load_average_at_end: $load,
         wrk: $wrk, nginx: $nginx, dotnet_sdk: $dotnet, reference_connections: $rc},
  summary: $summary,
  ratios: $ratios,
  startup: $start,
  allocations: $alloc,
  targets: [
    target("no-op throughput >= 1.2 x YARP direct"; $r.noop_vs_yarp; 1.2; ($r.noop_vs_yarp // 0) >= 1.2),
    target("no-op p99 < YARP p99 (us)"; at($rc; "cuttle-noop").p99_us; at($rc; "yarp").p99_us;
           (at($rc; "cuttle-noop").p99_us // 1e18) < (at($rc; "yarp").p99_us // 0)),
    target("no-op throughput >= 0.9 x nginx (stretch)"; $r.noop_vs_nginx; 0.9; ($r.noop_vs_nginx // 0) >= 0.9),
    target("JSON filter >= 0.8 x no-op"; $r.filter_vs_noop; 0.8; ($r.filter_vs_noop // 0) >= 0.8),
    target("two-backend merge >= 0.6 x no-op"; $r.merge_vs_noop; 0.6; ($r.merge_vs_noop // 0) >= 0.6),
    target("no-op peak RSS under load < 60 MB"; peakmb("cuttle-noop"); 60; (peakmb("cuttle-noop") // 1e18) < 60),
    target("NativeAOT no-op (the shipped binary) throughput >= 1.2 x YARP direct"; $r.aot_noop_vs_yarp; 1.2; ($r.aot_noop_vs_yarp // 0) >= 1.2),
    target("NativeAOT no-op p99 < YARP p99 (us)"; at($rc; "cuttle-aot-noop").p99_us; at($rc; "yarp").p99_us;
           (at($rc; "cuttle-aot-noop").p99_us // 1e18) < (at($rc; "yarp").p99_us // 0)),
    target("NativeAOT JSON filter >= 0.8 x NativeAOT no-op"; $r.aot_filter_vs_noop; 0.8; ($r.aot_filter_vs_noop // 0) >= 0.8),
    target("NativeAOT two-backend merge >= 0.6 x NativeAOT no-op"; $r.aot_merge_vs_noop; 0.6; ($r.aot_merge_vs_noop // 0) >= 0.6),
    target("NativeAOT no-op peak RSS under load < 60 MB"; peakmb("cuttle-aot-noop"); 60; (peakmb("cuttle-aot-noop") // 1e18) < 60),
    target("filtered 1 KB JSON response: bytes allocated per request < 2048"; allocs("cuttle-filter"; "/filter1k"); 2048;
           (allocs("cuttle-filter"; "/filter1k") // 1e18) < 2048),
    target("start-up to first 200 < 250 ms (framework-dependent)"; startms("cuttle-noop"); 250; (startms("cuttle-noop") // 1e18) < 250),
    target("start-up to first 200 < 60 ms (NativeAOT)"; startms("cuttle-aot-noop"); 60; (startms("cuttle-aot-noop") // 1e18) < 60)
  ],
  unavailable: $unavailable,
  sample_responses: $samples,
  runs: $runs
}
