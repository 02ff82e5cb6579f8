// Cuttle's live console: plain DOM, no dependencies, everything from this listener.
'use strict';
(function () {
  const token = (function () {
    const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
    if (m) { sessionStorage.setItem('cuttle-token', decodeURIComponent(m[1])); history.replaceState(null, '', location.pathname); }
    return sessionStorage.getItem('cuttle-token');
  })();
  const headers = token ? { Authorization: 'Bearer ' + token } : {};
  const $ = (s) => document.querySelector(s);
  const el = (tag, attrs, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) { if (v !== undefined && v !== null) e.setAttribute(k, v); }
    for (const c of children) { if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c)); }
    return e;
  };
  const badge = (text, cls, title) => el('span', { class: 'badge ' + (cls || ''), title: title }, text);
  const time = (iso) => iso ? new Date(iso).toLocaleTimeString() : '';
  const fmt = (n, d) => (n === undefined || n === null) ? '' : Number(n).toFixed(d === undefined ? 1 : d);
  const fill = (tbody, rows) => { tbody.replaceChildren(...rows); };

  async function api(path) {
    const r = await fetch(path, { headers: headers, cache: 'no-store' });
    if (!r.ok) throw new Error(path + ': ' + r.status);
    return r.json();
  }

  function namespaces(list) {
    return (list || []).map((n) => n.implemented ? badge(n.name) : badge('⚠ ' + n.name, 'warn', 'accepted but not implemented: ignored'));
  }

  function renderGeneration(g) {
    const facts = $('#gen-facts');
    facts.replaceChildren(
      el('dt', null, 'generation'), el('dd', { id: 'gen-number' }, g.number),
      el('dt', null, 'config hash'), el('dd', { id: 'gen-hash' }, g.config_hash),
      el('dt', null, 'file'), el('dd', null, g.file),
      el('dt', null, 'loaded at'), el('dd', null, new Date(g.loaded_at).toLocaleString()),
      el('dt', null, 'gateway port'), el('dd', null, g.port),
      el('dt', null, 'in flight'), el('dd', null, g.in_flight),
      el('dt', null, 'service namespaces'), el('dd', null, ...namespaces(g.service_namespaces.map((n) => ({ name: n, implemented: !g.warnings.some((w) => w.startsWith('service: "' + n + '"')) })))));
    $('#gen-warnings').replaceChildren(...g.warnings.map((w) => el('li', null, w)));
    $('#routes-count').textContent = g.routes.length + ' endpoints';
    fill($('#routes tbody'), g.routes.map((r) => el('tr', { 'data-key': r.key },
      el('td', null, badge(r.method)),
      el('td', { class: 'mono' }, r.endpoint),
      el('td', null, ...r.backends.map((b) => el('div', { class: 'mono' }, b.method + ' ', (b.hosts.join(', ') || '(no host)') + b.url_pattern,
        b.circuit_breaker ? badge('breaker ' + b.circuit_breaker, b.circuit_breaker) : null, ' ', badge(b.encoding), ...namespaces(b.namespaces)))),
      el('td', null, r.output_encoding, ' ', el('span', { class: 'muted' }, r.timeout)),
      el('td', null, ...namespaces(r.namespaces)))));
  }

  function renderReloads(v) {
    $('#reloads-count').textContent = v.applied + ' applied, ' + v.rejected + ' rejected';
    $('#reload-list').replaceChildren(...v.reloads.map((r) => {
      const li = el('li', { class: 'outcome-' + r.outcome, 'data-id': r.id, 'data-outcome': r.outcome },
        badge(r.outcome, 'outcome'), ' ', el('b', null, time(r.at)), ' ',
        el('span', { class: 'muted' }, 'generation ' + r.generation +
          (r.outcome === 'applied' ? ' · swapped in ' + fmt(r.duration_ms, 1) + ' ms' + (r.drain_ms !== undefined ? ' · previous drained in ' + fmt(r.drain_ms, 1) + ' ms' : ' · draining…') : '') +
          (r.config_hash ? ' · ' + r.config_hash.slice(0, 12) : '')));
      if (r.diff) {
        const d = r.diff;
        const parts = [];
        for (const [k, sign] of [['added', '+'], ['removed', '−'], ['changed', '~']]) {
          for (const e of d[k]) parts.push(el('span', { class: k + ' mono' }, sign + ' ' + e + '  '));
        }
        li.append(el('div', { class: 'diff' }, parts.length ? '' : el('span', { class: 'muted' }, 'no endpoint changed'), ...parts));
      }
      if (r.error) {
        li.append(el('div', { class: 'error mono' }, r.error));
        if (r.location) li.append(el('div', { class: 'muted mono location' }, r.location.file + ':' + r.location.line + ':' + r.location.column));
        if (r.excerpt) {
          li.append(el('pre', { class: 'excerpt' }, ...r.excerpt.map((x) => el('span', { class: x.offending ? 'hit' : '' },
            String(x.number).padStart(4) + ' │ ' + x.text + '\n' +
            (x.offending && r.location ? ' '.repeat(7 + Math.max(0, r.location.column - 1)) + '^\n' : '')))));
        }
      }
      return li;
    }));
  }

  const history = [];
  function renderTraffic(t) {
    $('#traffic-window').textContent = 'last ' + fmt(t.window_seconds, 1) + ' s · ' + t.source;
    const f = t.total;
    const card = (v, label, id) => el('div', { class: 'card', id: id }, el('b', null, v), el('span', null, label));
    $('#traffic-total').replaceChildren(card(fmt(f.rps, 1), 'req/s', 'total-rps'), card(f.requests, 'requests', 'total-requests'),
      card(fmt(f.p50_ms, 2), 'p50 ms'), card(fmt(f.p95_ms, 2), 'p95 ms'), card(fmt(f.p99_ms, 2), 'p99 ms'),
      card(fmt(f.error_rate * 100, 1) + '%', 'errors'));
    history.push(f.rps); if (history.length > 60) history.shift();
    const max = Math.max(1, ...history);
    $('#spark polyline').setAttribute('points', history.map((v, i) => (i * 300 / 59).toFixed(1) + ',' + (40 - v / max * 38).toFixed(1)).join(' '));
    const figures = (x) => [el('td', { class: 'num' }, fmt(x.rps, 1)), el('td', { class: 'num requests' }, x.requests),
      el('td', { class: 'num' }, fmt(x.p50_ms, 2)), el('td', { class: 'num' }, fmt(x.p95_ms, 2)), el('td', { class: 'num' }, fmt(x.p99_ms, 2)),
      el('td', { class: 'num' }, fmt(x.error_rate * 100, 1) + '% (' + x.errors + ')')];
    fill($('#traffic-endpoints tbody'), t.endpoints.map((e) => el('tr', { 'data-key': e.key },
      el('td', { class: 'mono' }, e.key), ...figures(e.figures),
      el('td', { class: 'num' }, e.status2xx + '/' + e.status3xx + '/' + e.status4xx + '/' + e.status5xx),
      el('td', { class: 'num' }, e.rate_limit_configured ? e.rate_limited : '–'))));
    fill($('#traffic-backends tbody'), t.backends.map((b) => el('tr', { 'data-key': b.key },
      el('td', { class: 'mono' }, b.key + ' ' + b.url_pattern), ...figures(b.figures),
      el('td', null, b.circuit_breaker ? badge(b.circuit_breaker, b.circuit_breaker) : '–'))));
  }

  function renderWatcher(w) {
    $('#watcher-state').textContent = w.watching ? 'watching' + (w.poll_interval_ms ? ', polled every ' + w.poll_interval_ms + ' ms' : '') : 'not watching (run --watch)';
    fill($('#watcher tbody'), w.files.map((f) => el('tr', null, el('td', { class: 'mono' }, f.path), el('td', null, f.role),
      el('td', null, f.exists ? new Date(f.last_changed).toLocaleString() : badge('missing', 'bad')), el('td', { class: 'num' }, f.size === undefined ? '' : f.size))));
  }

  async function refresh() {
    const [g, r, w] = await Promise.all([api('/api/generation'), api('/api/reloads'), api('/api/watcher')]);
    renderGeneration(g); renderReloads(r); renderWatcher(w);
  }

  // Server-sent events read with fetch (so a bearer token can go in a header, which EventSource cannot send).
  async function stream() {
    for (;;) {
      try {
        const r = await fetch('/api/events', { headers: headers, cache: 'no-store' });
        if (!r.ok || !r.body) throw new Error('events: ' + r.status);
        $('#live').classList.add('on');
        const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          let i;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, i); buf = buf.slice(i + 2);
            let name = 'message', data = '';
            for (const line of block.split('\n')) {
              if (line.startsWith('event: ')) name = line.slice(7);
              else if (line.startsWith('data: ')) data += line.slice(6);
            }
            if (!data) continue;
            const value = JSON.parse(data);
            if (name === 'traffic') renderTraffic(value);
            else if (name === 'reload') await refresh();
          }
        }
      } catch (e) {
        // the console restarted or moved: try again shortly
      }
      $('#live').classList.remove('on');
      await new Promise((ok) => setTimeout(ok, 1000));
    }
  }

  refresh().catch(() => {});
  api('/api/traffic').then(renderTraffic).catch(() => {});
  stream();
})();
