// The preview page's update loop, tooltip and panel links. No framework, no build step.
//
// Updates: long-poll /version with the tag this page shows; when it changes, fetch /view and
// swap #view in place. The document is never reloaded, so the scroll position stays where it is.
// While an error view is shown (it is short and the browser clamps the scroll), the speech's last
// scroll position is kept and restored once the speech is back.
(() => {
  'use strict';
  const view = document.getElementById('view');
  const tip = document.getElementById('tip');
  const status = document.getElementById('status');
  let tag = document.body.dataset.tag;
  const hasSpeech = () => view.querySelector('article.speech') !== null;
  let speechY = window.scrollY;
  window.addEventListener('scroll', () => { if (hasSpeech()) speechY = window.scrollY; }, { passive: true });

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  // The status line is shared with the workspace's script: clear only what this one said.
  const say = (text) => {
    if (text) { status.textContent = text; status.dataset.from = 'preview'; } else if (status.dataset.from === 'preview') { status.textContent = ''; delete status.dataset.from; }
  };

  async function refresh() {
    const res = await fetch('/view', { cache: 'no-store' });
    if (!res.ok) throw new Error('view ' + res.status);
    const html = await res.text();
    const before = figureTexts();
    const y = speechY;
    view.innerHTML = html;
    tag = res.headers.get('x-preview-tag') || tag;
    document.body.dataset.tag = tag;
    decorate();
    if (hasSpeech()) {
      window.scrollTo(window.scrollX, y);
      speechY = y;
      // Show what changed: figures whose printed text differs from before.
      const after = figureTexts();
      for (const [id, text] of after) {
        if (before.has(id) && before.get(id) !== text) {
          view.querySelectorAll(`article.speech .figure[data-figure="${CSS.escape(id)}"]`)
            .forEach((el) => { el.classList.remove('flash'); void el.offsetWidth; el.classList.add('flash'); });
        }
      }
    }
    hideTip();
    // The workspace's form follows each new version (assets/workspace.js).
    document.dispatchEvent(new CustomEvent('speechgen:view'));
  }

  function figureTexts() {
    const m = new Map();
    view.querySelectorAll('article.speech .figure[data-figure]').forEach((el) => {
      m.set(el.dataset.figure, (m.get(el.dataset.figure) || '') + el.textContent + '|');
    });
    return m;
  }

  // Only a visible page holds a long-poll: a browser allows six connections per server over
  // HTTP/1.1, and forgotten background tabs must not use them up and stall the next page load.
  // A page that becomes visible again asks at once, and catches up if it missed a version.
  let polling = false;
  let abort = null;
  async function loop() {
    if (polling) return;
    polling = true;
    while (document.visibilityState !== 'hidden') {
      abort = new AbortController();
      try {
        const res = await fetch('/version?after=' + encodeURIComponent(tag), { cache: 'no-store', signal: abort.signal });
        if (res.status === 403) {
          // The program was started again (a new secret) or this address is not the one it printed.
          say('程序已重新启动：请打开命令行窗口中显示的新地址。');
          break;
        }
        if (!res.ok) throw new Error('version ' + res.status);
        const latest = (await res.text()).trim();
        if (latest !== tag) await refresh();
        say('');
      } catch (e) {
        if (document.visibilityState === 'hidden') break;
        say('与预览服务器的连接已断开，正在重试……');
        await sleep(1000);
      }
    }
    polling = false;
  }
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') { if (abort) abort.abort(); } else loop();
  });

  // Figures the panel reports as invalid or unfilled stand out in the speech too.
  // Figures can be reached with the keyboard, and show our tooltip only (not also the browser's
  // own one for the pipeline's title attribute).
  function decorate() {
    view.querySelectorAll('article.speech .figure[data-figure]').forEach((el) => {
      el.removeAttribute('title');
      el.tabIndex = 0;
    });
    view.querySelectorAll('#panel tr[data-figure]').forEach((row) => {
      const cls = 'st-' + row.dataset.status;
      figuresOf(row.dataset.figure).forEach((el) => el.classList.add(cls));
    });
  }

  const figuresOf = (id) => view.querySelectorAll(`article.speech .figure[data-figure="${CSS.escape(id)}"]`);
  const rowOf = (id) => view.querySelector(`#panel tr[data-figure="${CSS.escape(id)}"]`);

  // Tooltip: label, value, formula, where the facts come from. Built with textContent only.
  function showTip(el) {
    const row = rowOf(el.dataset.figure);
    if (!row) return;
    const d = row.dataset;
    tip.replaceChildren();
    const line = (cls, text) => { const div = document.createElement('div'); div.className = cls; div.textContent = text; tip.append(div); };
    const b = document.createElement('b'); b.textContent = d.label; tip.append(b);
    // Shown as everywhere else (figures::format::shown in the library): value and unit, or 【未填】/【有误】.
    line('v', d.shown);
    if (d.formula) line('f', d.formula);
    (d.sources || '').split('\n').filter(Boolean).forEach((s) => line('src', s));
    line('src', d.figure);
    tip.hidden = false;
    const r = el.getBoundingClientRect();
    const w = tip.offsetWidth, h = tip.offsetHeight;
    const left = Math.max(8, Math.min(r.left, window.innerWidth - w - 8));
    const top = r.bottom + 8 + h < window.innerHeight ? r.bottom + 8 : Math.max(8, r.top - h - 8);
    tip.style.left = left + 'px';
    tip.style.top = top + 'px';
  }
  function hideTip() { tip.hidden = true; }

  function goTo(id) {
    const el = figuresOf(id)[0];
    if (!el) return;
    el.scrollIntoView({ block: 'center', behavior: 'smooth' });
    el.classList.remove('flash'); void el.offsetWidth; el.classList.add('flash');
  }

  view.addEventListener('mouseover', (e) => {
    const el = e.target.closest('article.speech .figure[data-figure]');
    if (el) showTip(el);
  });
  view.addEventListener('mouseout', (e) => {
    if (e.target.closest('article.speech .figure[data-figure]')) hideTip();
  });
  view.addEventListener('click', (e) => {
    const fig = e.target.closest('article.speech .figure[data-figure]');
    if (fig) { showTip(fig); return; } // a tap on a touch screen
    const row = e.target.closest('#panel tr[data-figure]');
    if (row && e.target.closest('a.goto')) { e.preventDefault(); goTo(row.dataset.figure); return; }
    const problem = e.target.closest('#panel li.problem');
    if (problem && problem.dataset.figure) { goTo(problem.dataset.figure); return; }
    hideTip();
  });
  view.addEventListener('focusin', (e) => {
    const el = e.target.closest('article.speech .figure[data-figure]');
    if (el) showTip(el);
  });
  view.addEventListener('focusout', hideTip);
  view.addEventListener('keydown', (e) => {
    const problem = e.target.closest('#panel li.problem');
    if (problem && e.key === 'Enter' && problem.dataset.figure) goTo(problem.dataset.figure);
  });
  window.addEventListener('scroll', hideTip, { passive: true });

  decorate();
  loop();
})();
