// The check-in screen's live part: asks the server for the current code, the QR image's
// address and the roster's statuses, and changes only what changed. Served from the app
// itself (script-src 'self'); without JavaScript the page refreshes itself instead.
(function () {
  'use strict';
  const screen = document.querySelector('.checkin-screen[data-status]');
  if (!screen) return;
  const url = screen.dataset.status;
  const img = screen.querySelector('[data-qr]');
  const code = screen.querySelector('[data-code]');
  const count = screen.querySelector('[data-count]');
  const rows = new Map();
  for (const li of document.querySelectorAll('.roster li[data-enrolment]')) rows.set(li.dataset.enrolment, li);
  const POLL_MS = 3000;

  async function tick() {
    let wait = POLL_MS;
    try {
      const res = await fetch(url, { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } });
      if (res.ok) {
        const s = await res.json();
        if (s.window !== 'open') {
          window.location.reload();
          return;
        }
        if (s.qr && img.getAttribute('src') !== s.qr) img.setAttribute('src', s.qr);
        if (code.textContent !== s.code) code.textContent = s.code;
        if (count.textContent !== s.count) count.textContent = s.count;
        for (const line of s.lines) {
          const li = rows.get(String(line.e));
          if (li && li.dataset.status !== line.s) {
            li.dataset.status = line.s;
            li.querySelector('[data-label]').textContent = line.label;
          }
        }
        // Ask again right after the code changes, and at least every few seconds.
        wait = Math.min(POLL_MS, Math.max(250, s.next_ms + 100));
      }
    } catch (e) {
      // A network hiccup or an ended login: try again at the next tick.
    }
    setTimeout(tick, wait);
  }
  setTimeout(tick, 1000);
})();
