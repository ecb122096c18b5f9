// The clerk's workspace: the year's facts as a form beside the draft. No framework, no build step.
//
// The form is drawn from /api/form (the library's workspace::form as JSON). What the clerk types is
// sent as typed (never through <input type=number>, which turns １２６ into 126 and hides the slip):
// while typing, to /api/explain for the problems at the field; on leaving the field (or Enter), to
// /api/save with the hash of the file as the page read it, so that a file changed meanwhile is
// never overwritten. Every change is a POST carrying the secret in a header. Everything the
// server sends is put in the page with textContent, never as HTML.
(() => {
  'use strict';
  const secret = (document.querySelector('meta[name="speechgen-secret"]') || {}).content || '';
  const status = document.getElementById('status');
  const say = (text, kind) => {
    if (!status) return;
    status.textContent = text || '';
    status.className = kind || '';
    status.dataset.from = 'workspace';
  };
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  };

  // A change: POST with the secret in a header (a page of another site cannot set it).
  async function post(url, body, file) {
    const headers = { 'X-Speechgen-Secret': secret };
    headers['Content-Type'] = file ? 'application/octet-stream' : 'application/json';
    let res;
    try {
      res = await fetch(url, { method: 'POST', headers, body: file ? body : JSON.stringify(body), cache: 'no-store', credentials: 'same-origin' });
    } catch (e) {
      return { ok: false, status: 0, data: { message: '与工作台程序的连接已断开：程序是否已关闭？' } };
    }
    const text = await res.text();
    let data;
    try { data = JSON.parse(text); } catch (e) { data = { message: text }; }
    if (res.status === 403 && !data.kind) data.message = text || '工作台拒绝了这次修改。';
    return { ok: res.ok, status: res.status, data };
  }

  // ---- the dialog: both values of a conflict, a print's verdict, a Word copy's changes ----
  const dialog = document.getElementById('dialog');
  function ask(title, parts, buttons) {
    if (!dialog) return;
    const body = document.getElementById('dialog-body');
    const actions = document.getElementById('dialog-actions');
    body.replaceChildren(el('h2', null, title), ...parts);
    actions.replaceChildren();
    for (const [label, run, primary] of buttons) {
      const b = el('button', primary ? 'primary' : '', label);
      b.type = 'button';
      b.addEventListener('click', async () => { dialog.hidden = true; if (run) await run(); });
      actions.append(b);
    }
    dialog.hidden = false;
    const first = actions.querySelector('button.primary') || actions.querySelector('button');
    if (first) first.focus();
  }
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape' && dialog && !dialog.hidden) dialog.hidden = true; });

  // ---- no project yet: make one ----
  if (document.body.classList.contains('setup')) {
    const made = (r) => {
      if (r.ok) { say(r.data.message || '已新建。', 'ok'); setTimeout(() => location.reload(), 600); } else say(r.data.message || '没有新建。', 'error');
    };
    const sample = document.getElementById('new-sample');
    const fromFile = document.getElementById('new-docx');
    const file = document.getElementById('new-file');
    if (sample) sample.addEventListener('click', async () => { say('正在新建……'); made(await post('/api/new?from=sample', {}, false)); });
    if (fromFile) fromFile.addEventListener('click', () => file.click());
    if (file) file.addEventListener('change', async () => {
      const f = file.files[0];
      if (!f) return;
      const kind = /\.md$/i.test(f.name) ? 'md' : 'docx';
      say('正在读取 ' + f.name + '……');
      made(await post('/api/new?from=' + kind, f, true));
      file.value = '';
    });
    return;
  }

  const formEl = document.getElementById('form');
  const view = document.getElementById('view');
  const undoBtn = document.getElementById('undo');
  let writable = document.body.dataset.writable === '1';
  const year = Number(document.body.dataset.year) || null;
  let form = null;
  /** path -> { field, row, input, msg, saved, dirty } */
  let entries = new Map();
  let seq = 0;

  const NUMERIC = new Set(['count', 'decimal', 'part_whole']);
  const problemText = (p) => (p.severity === 'warning' ? '警告：' : '错误：') + p.message + (p.line ? `（第 ${p.line} 行）` : '');

  function showProblems(entry, problems, typing) {
    entry.msg.replaceChildren(...problems.map((p) => el('div', 'problem sev-' + (p.severity || 'error'), problemText(p))));
    entry.row.classList.toggle('has-error', problems.some((p) => p.severity !== 'warning'));
    entry.row.classList.toggle('has-warning', problems.some((p) => p.severity === 'warning'));
    entry.row.classList.toggle('typing', !!typing);
  }

  function fill(entry, f) {
    entry.field = f;
    const { row, input } = entry;
    row.classList.toggle('unfilled', !!f.unfilled);
    row.classList.toggle('carried', !!f.carried_over);
    if (!entry.dirty && document.activeElement !== input) {
      input.value = f.raw;
      entry.saved = f.raw;
    }
    // What the file holds now; while the clerk types, `saved` stays what the typing started from,
    // so a change made elsewhere to this very value meanwhile is seen before it is overwritten.
    entry.onDisk = f.raw;
    entry.last.textContent = f.last_year !== null && f.last_year !== undefined && f.last_year !== '' ? '上年 ' + f.last_year : '';
    entry.pct.textContent = f.percent ? '占比 ' + f.percent : '';
    entry.confirm.hidden = !(f.carried_over && writable);
    entry.note.textContent = f.unfilled ? '未填' : f.carried_over ? '沿用上年，请核实' : '';
    if (!entry.dirty) showProblems(entry, shownProblems(f), false);
  }

  // An unfilled or carried-over value is said by its colour, its note and its button; the rest of
  // check's problems are shown at the field in check's words.
  const shownProblems = (f) => (f.problems || []).filter((p) => p.code !== 'unfilled' && !String(p.code).startsWith('carried-over'));

  function fieldRow(f) {
    const row = el('div', 'field kind-' + f.kind);
    row.dataset.path = f.path;
    const id = 'f' + (++seq);
    const label = el('label', null, f.label);
    label.htmlFor = id;
    label.title = f.path;
    const multi = f.kind === 'names' || f.raw.includes('\n');
    const input = el(multi ? 'textarea' : 'input');
    if (!multi) input.type = 'text';
    else input.rows = Math.min(6, Math.max(2, f.raw.split('\n').length));
    input.id = id;
    input.spellcheck = false;
    input.autocomplete = 'off';
    if (NUMERIC.has(f.kind)) input.inputMode = 'decimal';
    input.readOnly = !writable;
    const note = el('span', 'note');
    const last = el('span', 'last');
    const pct = el('span', 'pct');
    const confirm = el('button', 'confirm', '确认沿用');
    confirm.type = 'button';
    confirm.title = '核实无误：这一项今年仍是这个值（写入 confirmed:）';
    const msg = el('div', 'msg');
    msg.setAttribute('aria-live', 'polite');
    const side = el('div', 'side');
    side.append(note, last, pct, confirm);
    row.append(label, input, side, msg);
    const entry = { field: f, row, input, msg, last, pct, confirm, note, saved: f.raw, dirty: false, timer: 0 };
    input.addEventListener('input', () => {
      entry.dirty = input.value !== entry.saved;
      clearTimeout(entry.timer);
      entry.timer = setTimeout(() => explain(entry), 250);
    });
    input.addEventListener('change', () => save(entry));
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && input.tagName === 'INPUT') { e.preventDefault(); save(entry); }
    });
    confirm.addEventListener('click', () => confirmCarried(entry));
    entries.set(f.path, entry);
    fill(entry, f);
    return row;
  }

  function fieldTree(f) {
    if (f.children && f.children.length) {
      const set = el('fieldset', 'fields kind-' + f.kind);
      set.dataset.path = f.path;
      const legend = el('legend', null, f.label);
      if (f.last_year) legend.append(el('span', 'last', '上年 ' + f.last_year));
      set.append(legend);
      f.children.forEach((c) => set.append(fieldTree(c)));
      return set;
    }
    return fieldRow(f);
  }

  const leaves = (fs, out = []) => { fs.forEach((f) => (f.children && f.children.length ? leaves(f.children, out) : out.push(f))); return out; };

  function show(next) {
    const all = next.groups.flatMap((g) => leaves(g.fields));
    const same = form && all.length === entries.size && all.every((f) => entries.has(f.path));
    form = next;
    if (same) {
      all.forEach((f) => fill(entries.get(f.path), f));
    } else {
      entries = new Map();
      const parts = [];
      const unfilled = all.filter((f) => f.unfilled).length;
      const head = el('div', 'form-head');
      head.append(el('h1', null, `${next.year} 年的事实`), el('span', 'file', next.facts_file));
      const counts = el('p', 'counts');
      counts.id = 'counts';
      head.append(counts);
      parts.push(head);
      if (!writable) parts.push(el('p', 'readonly-note', '只读预览：程序不是只在本机监听，网页上不能修改。'));
      (next.problems || []).forEach((p) => parts.push(el('p', 'problem sev-' + p.severity, problemText(p))));
      for (const g of next.groups) {
        const sec = el('section', 'group');
        sec.dataset.key = g.key;
        sec.append(el('h2', null, g.label));
        g.fields.forEach((f) => sec.append(fieldTree(f)));
        parts.push(sec);
      }
      formEl.replaceChildren(...parts);
      void unfilled;
    }
    const left = all.filter((f) => f.unfilled).length;
    const carried = all.filter((f) => f.carried_over).length;
    const counts = document.getElementById('counts');
    if (counts) counts.textContent = `${all.length} 项，未填 ${left} 项` + (carried ? `，沿用上年待核实 ${carried} 项` : '');
  }

  async function loadForm() {
    let res;
    try { res = await fetch('/api/form', { cache: 'no-store' }); } catch (e) { return; }
    if (!res.ok) {
      const text = await res.text();
      let message = text;
      try { message = JSON.parse(text).message || text; } catch (e) { /* plain text */ }
      formEl.replaceChildren(el('p', 'problem sev-error', res.status === 403 ? '程序已重新启动或本页地址已失效：请打开命令行窗口中显示的地址。' : message));
      return;
    }
    const data = await res.json();
    writable = !!data.writable;
    if (undoBtn) undoBtn.disabled = !data.undo;
    if (!data.form) {
      form = null;
      entries = new Map();
      formEl.replaceChildren(el('p', 'problem sev-error', '事实文件现在无法按表格读出：' + (data.error || '') + '（文件写错时，右边标出出错的行；改正并保存后这里自动恢复）'));
      return;
    }
    show(data.form);
  }

  async function explain(entry) {
    if (!entry.dirty) { showProblems(entry, shownProblems(entry.field), false); return; }
    const r = await post('/api/explain', { kind: entry.field.kind, raw: entry.input.value });
    if (r.ok && entry.dirty) showProblems(entry, r.data.problems || [], true);
  }

  // Changes are sent one after another, each with the hash the one before left.
  let chain = Promise.resolve();
  const inTurn = (f) => { chain = chain.then(f, f); return chain; };

  function save(entry) {
    return inTurn(async () => {
      clearTimeout(entry.timer);
      const raw = entry.input.value;
      if (!form || raw === entry.saved) { entry.dirty = false; return; }
      if (entry.onDisk !== entry.saved && entry.onDisk !== raw) {
        // Changed in the file (by another program) since the clerk began typing: ask, never overwrite.
        conflict(entry, raw, { on_disk_value: entry.onDisk });
        return;
      }
      say('正在保存……');
      const r = await post('/api/save', { year, sha256: form.sha256, path: entry.field.path, raw });
      settle(r, entry, raw);
    });
  }

  function settle(r, entry, raw) {
    if (r.ok) {
      if (entry) { entry.saved = raw; entry.dirty = false; }
      show(r.data.form);
      if (undoBtn) undoBtn.disabled = !r.data.undo;
      say('已保存' + (entry ? '：' + entry.field.label : ''), 'ok');
      return;
    }
    const d = r.data || {};
    if (d.kind === 'conflict' && entry && d.on_disk_value === entry.saved && !entry.retried) {
      // The file changed elsewhere, but not this value: take the file as it is now, and save again.
      entry.retried = true;
      loadForm().then(() => save(entry)).finally(() => { entry.retried = false; });
    } else if (d.kind === 'conflict') {
      conflict(entry, raw, d);
    } else if (d.kind === 'invalid' && entry) {
      showProblems(entry, d.problems || [], true);
      say('没有保存：' + entry.field.label + ' 的值有误，见表格中的说明。', 'error');
    } else {
      say('没有保存：' + (d.message || ('错误 ' + r.status)), 'error');
    }
  }

  function conflict(entry, raw, d) {
    say('没有保存：文件已被别的程序改过。', 'error');
    const parts = [el('p', null, d.message || '事实文件在本页打开后被改过。')];
    if (entry) {
      const t = el('table', 'both');
      const tr = (a, b) => { const row = el('tr'); row.append(el('th', null, a), el('td', null, b)); t.append(row); };
      tr('数据项', entry.field.label);
      tr('文件中现在是', d.on_disk_value === null || d.on_disk_value === undefined ? '（这一项已不在文件中）' : (d.on_disk_value === '' ? '（空）' : d.on_disk_value));
      tr('您输入的是', raw === '' ? '（空）' : raw);
      parts.push(t);
    }
    const buttons = [['采用文件中的值', async () => {
      if (entry) { entry.dirty = false; entry.input.value = d.on_disk_value || ''; entry.saved = entry.input.value; }
      await loadForm();
      say('已采用文件中的值。');
    }, false]];
    if (entry && d.on_disk_value !== null && d.on_disk_value !== undefined) {
      buttons.unshift(['用我输入的值覆盖这一项', async () => {
        await loadForm();
        entry.input.value = raw;
        entry.dirty = true;
        entry.saved = entry.onDisk;
        await save(entry);
      }, true]);
    }
    ask('文件在别处被改过', parts, buttons);
  }

  function confirmCarried(entry) {
    return inTurn(async () => {
      if (!form) return;
      const r = await post('/api/confirm', { year, sha256: form.sha256, paths: [entry.field.path] });
      if (r.ok) { show(r.data.form); if (undoBtn) undoBtn.disabled = !r.data.undo; say('已确认沿用：' + entry.field.label, 'ok'); } else settle(r, null, null);
    });
  }

  if (undoBtn) undoBtn.addEventListener('click', () => inTurn(async () => {
    if (!form) return;
    const r = await post('/api/undo', { year, sha256: form.sha256 });
    if (r.ok) { entries.forEach((e) => { e.dirty = false; }); show(r.data.form); undoBtn.disabled = true; entries.forEach((e) => fill(e, e.field)); say('已撤销上一次修改。', 'ok'); } else settle(r, null, null);
  }));

  // ---- a figure in the speech: go to the field it is made from ----
  function goToField(id) {
    for (const entry of entries.values()) {
      if ((entry.field.figures || []).includes(id)) {
        entry.row.scrollIntoView({ block: 'center' });
        entry.input.focus({ preventScroll: true });
        entry.row.classList.remove('flash'); void entry.row.offsetWidth; entry.row.classList.add('flash');
        return true;
      }
    }
    return false;
  }
  if (view) view.addEventListener('click', (e) => {
    const fig = e.target.closest('article.speech .figure[data-figure]');
    if (fig) goToField(fig.dataset.figure);
  });
  // A new version of the draft (saved here or in an editor): the form follows.
  document.addEventListener('speechgen:view', () => loadForm());

  // ---- the year: another one, or the next ----
  const yearSel = document.getElementById('year');
  if (yearSel) yearSel.addEventListener('change', async () => {
    const r = await post('/api/year', { year: Number(yearSel.value) });
    if (r.ok) location.reload(); else say(r.data.message || '无法切换年份。', 'error');
  });
  const next = document.getElementById('next-year');
  if (next) next.addEventListener('click', () => {
    ask(`开始 ${year + 1} 年？`, [el('p', null, `由 ${year} 年的事实生成 ${year + 1} 年的：名称沿用，数字清空，上年的数显示在每项旁边。${year} 年的文件不变。`)], [
      ['开始下一年', async () => {
        say('正在生成……');
        const r = await post('/api/next-year', { year });
        if (r.ok) { say(r.data.message, 'ok'); setTimeout(() => location.reload(), 800); } else ask('还不能开始下一年', [el('p', null, r.data.message || '')], [['知道了', null, true]]);
      }, true],
      ['取消', null, false],
    ]);
  });

  // ---- downloads: made on demand; a refusal is shown, not saved as a file ----
  document.querySelectorAll('.downloads a[download]').forEach((a) => a.addEventListener('click', async (e) => {
    e.preventDefault();
    a.closest('details').open = false;
    say('正在生成 ' + a.textContent + '……');
    let res;
    try { res = await fetch(a.href, { cache: 'no-store' }); } catch (err) { say('与工作台程序的连接已断开。', 'error'); return; }
    if (!res.ok) {
      const text = await res.text();
      say('没有生成：' + a.textContent, 'error');
      ask('还不能生成' + a.textContent, [el('pre', 'report', text)], [['知道了', null, true]]);
      return;
    }
    const blob = await res.blob();
    const name = ((res.headers.get('content-disposition') || '').match(/filename="([^"]+)"/) || [])[1] || 'speech.pdf';
    const url = URL.createObjectURL(blob);
    const link = el('a');
    link.href = url;
    link.download = (year ? year + '-' : '') + name;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    say('已下载 ' + link.download, 'ok');
  }));

  // ---- a print checked: picked, or dropped anywhere on the page ----
  async function verify(file) {
    say('正在核对 ' + file.name + '……');
    const r = await post('/api/verify', file, true);
    if (!r.ok) { say('无法核对：' + (r.data.message || ''), 'error'); ask('无法核对 ' + file.name, [el('p', null, r.data.message || '')], [['知道了', null, true]]); return; }
    say(r.data.current ? file.name + '：一致' : file.name + '：已过期', r.data.current ? 'ok' : 'error');
    ask(r.data.current ? '一致：这份打印稿由现在的事实和模板生成' : '已过期：这份打印稿生成后，事实或模板改过', [el('p', 'verdict ' + (r.data.current ? 'current' : 'stale'), r.data.current ? '一致' : '已过期'), el('pre', 'report', r.data.text)], [['知道了', null, true]]);
  }
  const verifyBtn = document.getElementById('verify');
  const verifyFile = document.getElementById('verify-file');
  if (verifyBtn) verifyBtn.addEventListener('click', () => verifyFile.click());
  if (verifyFile) verifyFile.addEventListener('change', () => { if (verifyFile.files[0]) verify(verifyFile.files[0]); verifyFile.value = ''; });
  document.addEventListener('dragover', (e) => { if (e.dataTransfer && [...e.dataTransfer.types].includes('Files')) { e.preventDefault(); document.body.classList.add('dropping'); } });
  document.addEventListener('dragleave', (e) => { if (!e.relatedTarget) document.body.classList.remove('dropping'); });
  document.addEventListener('drop', (e) => {
    document.body.classList.remove('dropping');
    const f = e.dataTransfer && e.dataTransfer.files[0];
    if (!f) return;
    e.preventDefault();
    verify(f);
  });

  // ---- a Word copy brought back ----
  const importBtn = document.getElementById('import');
  const importFile = document.getElementById('import-file');
  if (importBtn) importBtn.addEventListener('click', () => importFile.click());
  if (importFile) importFile.addEventListener('change', async () => {
    const f = importFile.files[0];
    importFile.value = '';
    if (!f) return;
    say('正在比对 ' + f.name + '……');
    const r = await post('/api/import', f, true);
    if (!r.ok) { say('无法读取 ' + f.name, 'error'); ask('无法读取 ' + f.name, [el('p', null, r.data.message || '')], [['知道了', null, true]]); return; }
    const d = r.data;
    const parts = [el('p', 'summary', d.summary)];
    (d.notes || []).forEach((n) => parts.push(el('p', 'note', '说明：' + n)));
    if (d.reports && d.reports.length) {
      const ol = el('ol', 'reports');
      d.reports.forEach((m) => ol.append(el('li', null, m)));
      parts.push(el('p', null, '需要您决定的：'), ol);
    }
    parts.push(el('pre', 'report', d.text));
    if (d.blocked) parts.push(el('p', 'problem sev-error', '文稿中有内容控件的标记有误，须由人改正后再带回；没有写入。'));
    const buttons = d.can_apply ? [['写入这些修改', async () => {
      const w = await post('/api/import/apply', {});
      say(w.ok ? w.data.message : ('没有写入：' + (w.data.message || '')), w.ok ? 'ok' : 'error');
    }, true], ['不写入', null, false]] : [['知道了', null, true]];
    say('');
    ask(d.changed ? '带回的修改' : '措辞没有变化', parts, buttons);
  });

  loadForm();
})();
