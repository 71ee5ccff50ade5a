// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Milo robot authors
// The Milo app's only script: streamed answers, the transcript search and the club's remote control.
// Every page works without it (forms post to the server); it makes them live.
'use strict';

const csrf = document.body.dataset.csrf || '';

function post(url, body) {
  return fetch(url, {
    method: 'POST', credentials: 'same-origin',
    headers: {'Content-Type': 'application/json', 'X-CSRF-Token': csrf},
    body: JSON.stringify(body || {}),
  });
}

// --- Ask Milo: the answer appears sentence by sentence (server-sent events over fetch) -----------
function setupAsk(form) {
  const box = document.getElementById('answer');
  const status = document.getElementById('answer-status');
  const text = document.getElementById('answer-text');
  const sources = document.getElementById('answer-sources');
  const button = form.querySelector('button[type=submit]');
  const d = form.dataset;

  function show(event) {
    if (event.kind === 'waiting') {
      status.textContent = d.waiting;
    } else if (event.kind === 'sentence') {
      status.textContent = '';
      const span = document.createElement('span');
      span.className = 'sentence';
      span.textContent = event.text + ' ';
      text.appendChild(span);
    } else if (event.kind === 'error') {
      status.textContent = d.failed;
      box.dataset.done = 'true';
    } else if (event.kind === 'final') {
      status.textContent = event.declined && !text.textContent ? d.declined : '';
      if (event.sources.length) sources.textContent = d.sources + ': ' + event.sources.join('; ');
      box.dataset.done = 'true';
    }
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const question = form.question.value.trim();
    if (!question) return;
    box.hidden = false;
    box.dataset.done = 'false';
    text.textContent = '';
    sources.textContent = '';
    status.textContent = d.thinking;
    button.disabled = true;
    try {
      const response = await fetch('/api/ask', {
        method: 'POST', credentials: 'same-origin',
        headers: {'Content-Type': 'application/json', 'Accept': 'text/event-stream', 'X-CSRF-Token': csrf},
        body: JSON.stringify({course: form.course.value, question: question, language: ''}),
      });
      if (!response.ok || !response.body) throw new Error(String(response.status));
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let pending = '';
      for (;;) {
        const {value, done} = await reader.read();
        if (done) break;
        pending += decoder.decode(value, {stream: true});
        let end;
        while ((end = pending.indexOf('\n\n')) >= 0) {
          const block = pending.slice(0, end);
          pending = pending.slice(end + 2);
          const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          if (data) show(JSON.parse(data));
        }
      }
      if (box.dataset.done !== 'true') status.textContent = d.failed;
    } catch (err) {
      status.textContent = d.failed;
    } finally {
      button.disabled = false;
    }
  });
}

// --- Transcript search: accent- and case-insensitive, the matching lines only ---------------------
function fold(s) {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

function setupSearch(input) {
  document.getElementById('transcript-search-box').hidden = false;
  const lines = Array.from(document.querySelectorAll('.transcript li'));
  const found = document.getElementById('transcript-found');
  input.addEventListener('input', () => {
    const wanted = fold(input.value.trim());
    let n = 0;
    for (const line of lines) {
      const hit = !wanted || fold(line.textContent).includes(wanted);
      line.classList.toggle('hidden-by-search', !hit);
      if (hit && wanted) n += 1;
    }
    found.textContent = wanted ? input.dataset.found.replace('{n}', n) : '';
  });
}

// --- The club: live state, dead-man head control, commands, and the emergency stop ----------------
function setupClub(panel) {
  const fields = panel.querySelectorAll('[data-field]');
  const stale = document.getElementById('robot-stale');
  let lastSeen = Date.now();

  function render(view) {
    for (const field of fields) {
      const key = field.dataset.field;
      let value = view[key];
      if (key === 'estop') {
        const latched = value === 'LATCHED';
        field.textContent = latched ? field.dataset.latched : (value === 'released' ? field.dataset.released : '?');
        field.classList.toggle('latched', latched);
        field.dataset.state = value;
        continue;
      }
      if (key === 'speaking') value = value ? field.dataset.yes : field.dataset.no;
      if (key === 'camera' && (value === 'on' || value === 'off')) value = field.dataset[value];
      if (key === 'joints') value = Object.entries(value).map(([k, v]) => k + ' ' + v.toFixed(1)).join(' · ');
      field.textContent = value === undefined || value === '' ? (key === 'note' ? '' : '?') : value;
    }
  }

  async function poll() {
    try {
      const response = await fetch(panel.dataset.poll, {credentials: 'same-origin'});
      if (response.ok) {
        render(await response.json());
        lastSeen = Date.now();
      }
    } catch (err) { /* the next poll tries again */ }
    stale.hidden = Date.now() - lastSeen < 3000;
  }
  poll();
  setInterval(poll, 500);
  panel.addEventListener('refresh', poll);

  async function send(url, body) {
    const response = await post(url, body);
    if (response.ok && url !== '/api/robot/move') poll();
  }

  for (const button of document.querySelectorAll('[data-post]')) {
    button.addEventListener('click', () => {
      const body = {};
      if (button.dataset.name) body.name = button.dataset.name;
      if (button.dataset.mode) body.mode = button.dataset.mode;
      if (button.dataset.on) body.on = button.dataset.on === 'true';
      send(button.dataset.post, body);
    });
  }

  // Dead-man control: a held button sends its rates every 100 ms; the body stops the head within
  // 0.3 s of the last one, so letting go, leaving the page or losing the network all stop it.
  let timer = null;
  let held = null;
  function stop() {
    if (!timer) return;
    clearInterval(timer);
    timer = null;
    held.classList.remove('active');
    held = null;
    send('/api/robot/move', {pan: 0, tilt: 0});
  }
  for (const button of document.querySelectorAll('.move')) {
    const rates = {pan: Number(button.dataset.pan), tilt: Number(button.dataset.tilt)};
    button.addEventListener('pointerdown', (e) => {
      e.preventDefault();
      stop();
      held = button;
      button.classList.add('active');
      send('/api/robot/move', rates);
      timer = setInterval(() => send('/api/robot/move', rates), 100);
    });
    for (const end of ['pointerup', 'pointerleave', 'pointercancel']) button.addEventListener(end, stop);
  }
  window.addEventListener('blur', stop);
  document.addEventListener('visibilitychange', stop);

  const say = document.getElementById('say-form');
  say.addEventListener('submit', (e) => {
    e.preventDefault();
    send('/api/robot/say', {text: say.text.value, language: say.language.value});
  });
}

function setupEstop(form) {
  // The fastest path: one fetch, no page load. Without JavaScript the form posts itself.
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const response = await post('/api/estop');
      if (!response.ok) throw new Error(String(response.status));
      const panel = document.getElementById('robot');
      if (panel) panel.dispatchEvent(new Event('refresh'));
      form.dataset.sent = 'true';
    } catch (err) {
      form.submit();
    }
  });
}

document.addEventListener('DOMContentLoaded', () => {
  const ask = document.getElementById('ask-form');
  if (ask) setupAsk(ask);
  const search = document.getElementById('transcript-search');
  if (search) setupSearch(search);
  const robot = document.getElementById('robot');
  if (robot) setupClub(robot);
  const estop = document.getElementById('estop-form');
  if (estop) setupEstop(estop);
});
