/// The pages' script (served as `/assets/app.js`): plain JavaScript of our own, no library.
enum Script {
    static let text = #"""
        // The staff web interface's script: plain JavaScript, no library, no build step.
        // Writes go to the JSON API with the session cookie and the page's CSRF token; the server's
        // rules decide and their messages are shown as they come.
        (function () {
          'use strict';

          const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || '';
          const textsElement = document.getElementById('crm-texts');
          const T = textsElement ? textsElement.dataset : {};
          const body = document.body;
          const language = body.dataset.lang || 'ru';
          const zone = body.dataset.tz || 'Europe/Moscow';

          // ---- API calls -------------------------------------------------------------------------

          class APIError extends Error {
            constructor(status, message, body) { super(message); this.status = status; this.body = body; }
          }

          async function api(method, url, data, idempotencyKey) {
            const headers = { 'X-CSRF-Token': csrf(), 'Accept': 'application/json', 'Accept-Language': document.documentElement.lang || 'ru' };
            if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
            const options = { method, headers, credentials: 'same-origin' };
            if (data !== undefined) {
              headers['Content-Type'] = 'application/json';
              options.body = JSON.stringify(data);
            }
            let response;
            try {
              response = await fetch(url, options);
            } catch (e) {
              throw new APIError(0, T.failed || 'failed');
            }
            const text = await response.text();
            let json = null;
            try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
            if (!response.ok) {
              const error = json && json.error;
              let message = error ? error.message : (T.failed || 'failed') + ' (' + response.status + ')';
              if (error && error.fields && error.fields.length) {
                message = error.fields.map(f => (f.label || f.field) + ': ' + f.message).join('; ');
              }
              throw new APIError(response.status, message, error);
            }
            return json;
          }

          async function upload(file, dealId) {
            const url = '/api/v1/files?name=' + encodeURIComponent(file.name) + '&deal_id=' + encodeURIComponent(dealId);
            const response = await fetch(url, {
              method: 'POST', credentials: 'same-origin', body: file,
              headers: { 'X-CSRF-Token': csrf(), 'Accept-Language': document.documentElement.lang || 'ru', 'Content-Type': file.type || 'application/octet-stream' }
            });
            const json = await response.json().catch(() => null);
            if (!response.ok) throw new APIError(response.status, json && json.error ? json.error.message : 'upload failed');
            return json.id;
          }

          // ---- Toasts ----------------------------------------------------------------------------

          function toast(message, kind, options) {
            const box = document.getElementById('toasts');
            if (!box) return null;
            const item = document.createElement('div');
            item.className = 'toast ' + (kind || 'info');
            item.setAttribute('role', kind === 'error' ? 'alert' : 'status');
            const text = document.createElement('div');
            text.className = 'toast-text';
            text.textContent = message;
            item.appendChild(text);
            if (options && options.href) {
              const link = document.createElement('a');
              link.href = options.href;
              link.textContent = T.open || 'open';
              item.appendChild(link);
            }
            const close = document.createElement('button');
            close.type = 'button';
            close.className = 'link';
            close.textContent = '×';
            close.setAttribute('aria-label', T.close || 'close');
            close.addEventListener('click', () => item.remove());
            item.appendChild(close);
            box.appendChild(item);
            if (!(options && options.sticky)) setTimeout(() => item.remove(), 8000);
            return item;
          }

          // A message to show after the reload that follows a successful change.
          function reloadWith(message) {
            try { sessionStorage.setItem('crm-toast', message); } catch (e) { /* private mode */ }
            location.reload();
          }
          try {
            const pending = sessionStorage.getItem('crm-toast');
            if (pending) { sessionStorage.removeItem('crm-toast'); toast(pending, 'ok'); }
          } catch (e) { /* ignore */ }

          // ---- Time zones: a local time on the user's clock as ISO 8601 with its offset ----------

          function pad(n) { return String(n).padStart(2, '0'); }

          function zoneOffset(date) {
            const parts = new Intl.DateTimeFormat('en-US', {
              timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
              hour: '2-digit', minute: '2-digit', second: '2-digit'
            }).formatToParts(date);
            const v = {};
            parts.forEach(p => { v[p.type] = p.value; });
            const asUTC = Date.UTC(+v.year, +v.month - 1, +v.day, +v.hour % 24, +v.minute, +v.second);
            return Math.round((asUTC - date.getTime()) / 60000);
          }

          function localToISO(local) {
            const [day, time] = local.split('T');
            const [y, m, d] = day.split('-').map(Number);
            const [hh, mi] = (time || '09:00').split(':').map(Number);
            const guess = Date.UTC(y, m - 1, d, hh, mi);
            let offset = zoneOffset(new Date(guess));
            offset = zoneOffset(new Date(guess - offset * 60000));
            const sign = offset >= 0 ? '+' : '-';
            const a = Math.abs(offset);
            return day + 'T' + pad(hh) + ':' + pad(mi) + ':00' + sign + pad(Math.floor(a / 60)) + ':' + pad(a % 60);
          }

          function localNowPlusDays(days) {
            const now = new Date(Date.now() + days * 86400000);
            const offset = zoneOffset(now);
            const local = new Date(now.getTime() + offset * 60000);
            return local.toISOString().slice(0, 16);
          }

          function formatTime(iso) {
            if (!iso) return '';
            try {
              return new Intl.DateTimeFormat(language === 'ru' ? 'ru-RU' : 'en-GB', {
                timeZone: zone, day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit'
              }).format(new Date(iso));
            } catch (e) { return ''; }
          }

          // ---- Money: exact, in kopecks ----------------------------------------------------------

          function kopecks(text) {
            const [whole, fraction] = String(text || '0').split('.');
            return BigInt(whole || '0') * 100n + BigInt(((fraction || '') + '00').slice(0, 2));
          }

          function formatMoney(k, currency) {
            const negative = k < 0n;
            if (negative) k = -k;
            const whole = (k / 100n).toString();
            const fraction = (k % 100n).toString().padStart(2, '0');
            const group = language === 'ru' ? '\u00a0' : ',';
            const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, group);
            const sign = !currency || currency === 'RUB' ? '₽' : currency;
            return (negative ? '-' : '') + grouped + (language === 'ru' ? ',' : '.') + fraction + '\u00a0' + sign;
          }

          // A column's count and its sum in the card's currency (a column sums each currency apart).
          function addToColumn(column, deltaCount, amount, currency) {
            if (!column) return;
            currency = currency || 'RUB';
            const count = column.querySelector('.count');
            count.textContent = String((parseInt(count.textContent, 10) || 0) + deltaCount);
            let sum = column.querySelector('.sum[data-currency="' + currency + '"]');
            if (!sum) {
              sum = document.createElement('span');
              sum.className = 'sum';
              sum.dataset.currency = currency;
              sum.dataset.sum = '0';
              const sums = column.querySelector('.sums');
              if (sums.children.length) sums.append(' · ');
              sums.append(sum);
            }
            const total = kopecks(sum.dataset.sum) + (deltaCount > 0 ? kopecks(amount) : -kopecks(amount));
            sum.dataset.sum = (total < 0n ? '-' : '') + ((total < 0n ? -total : total) / 100n).toString() + '.'
              + ((total < 0n ? -total : total) % 100n).toString().padStart(2, '0');
            sum.textContent = formatMoney(total, currency);
          }

          // ---- Loss reason (moving to a lost stage) ----------------------------------------------

          function askLossReason() {
            const dialog = document.getElementById('loss-dialog');
            if (!dialog || typeof dialog.showModal !== 'function') return Promise.resolve(null);
            return new Promise(resolve => {
              dialog.returnValue = '';
              dialog.showModal();
              dialog.addEventListener('close', () => {
                resolve(dialog.returnValue === 'ok' ? document.getElementById('loss-reason').value : null);
              }, { once: true });
            });
          }

          async function moveBody(stageId, kind) {
            const data = { stage_id: Number(stageId) };
            if (kind === 'lost') {
              const reason = await askLossReason();
              if (!reason) return null;
              data.loss_reason_id = Number(reason);
            }
            return data;
          }

          // ---- The board: drag a card to another column ------------------------------------------

          function initBoard() {
            const board = document.getElementById('board');
            if (!board) return;
            let drag = null;

            board.addEventListener('pointerdown', event => {
              const card = event.target.closest('.deal-card');
              if (!card || event.button !== 0 || card.classList.contains('pending')) return;
              if (event.pointerType !== 'mouse' && !event.target.closest('.handle')) return;
              drag = {
                card, startX: event.clientX, startY: event.clientY, moved: false,
                origin: card.parentElement, next: card.nextElementSibling
              };
            });

            function columnAt(x, y) {
              const element = document.elementFromPoint(x, y);
              return element ? element.closest('.column') : null;
            }

            document.addEventListener('pointermove', event => {
              if (!drag) return;
              const dx = event.clientX - drag.startX;
              const dy = event.clientY - drag.startY;
              if (!drag.moved && Math.hypot(dx, dy) < 6) return;
              if (!drag.moved) {
                drag.moved = true;
                drag.card.classList.add('dragging');
              }
              event.preventDefault();
              drag.card.style.transform = 'translate(' + dx + 'px,' + dy + 'px) rotate(2deg)';
              board.querySelectorAll('.column.over').forEach(c => c.classList.remove('over'));
              const column = columnAt(event.clientX, event.clientY);
              if (column) column.classList.add('over');
            });

            document.addEventListener('pointerup', event => {
              if (!drag) return;
              const d = drag;
              drag = null;
              board.querySelectorAll('.column.over').forEach(c => c.classList.remove('over'));
              if (!d.moved) return;
              // The drag ends with a click on the card's link: do not follow it.
              document.addEventListener('click', e => { e.preventDefault(); e.stopPropagation(); }, { capture: true, once: true });
              setTimeout(() => { d.card.classList.remove('dragging'); d.card.style.transform = ''; }, 0);
              d.card.classList.remove('dragging');
              d.card.style.transform = '';
              const target = columnAt(event.clientX, event.clientY);
              const from = d.origin.closest('.column');
              if (!target || target === from) return;
              move(d, from, target);
            });

            async function move(d, from, target) {
              const card = d.card;
              const data = await moveBody(target.dataset.stageId, target.dataset.kind);
              if (!data) return;
              const amount = card.dataset.amount;
              target.querySelector('.cards').prepend(card);
              addToColumn(from, -1, amount, card.dataset.currency);
              addToColumn(target, 1, amount, card.dataset.currency);
              card.classList.add('pending');
              try {
                const deal = await api('PATCH', '/api/v1/deals/' + card.dataset.dealId, data);
                card.dataset.stageId = String(deal.stage_id);
                card.dataset.version = String(deal.version);
                if (String(deal.stage_id) !== target.dataset.stageId) {
                  // The stage rules moved the deal on by themselves.
                  const further = board.querySelector('.column[data-stage-id="' + deal.stage_id + '"]');
                  if (further) {
                    further.querySelector('.cards').prepend(card);
                    addToColumn(target, -1, amount, card.dataset.currency);
                    addToColumn(further, 1, amount, card.dataset.currency);
                  }
                }
                toast(T.moved || 'moved', 'ok');
              } catch (error) {
                if (d.next && d.next.parentElement === d.origin) d.origin.insertBefore(card, d.next);
                else d.origin.appendChild(card);
                addToColumn(target, -1, amount, card.dataset.currency);
                addToColumn(from, 1, amount, card.dataset.currency);
                toast((T.moveRefused || 'refused') + ': ' + error.message, 'error');
              } finally {
                card.classList.remove('pending');
              }
            }
          }

          // ---- Buttons: stage bar and plain API actions ------------------------------------------

          document.addEventListener('click', async event => {
            const button = event.target.closest('[data-action]');
            if (!button || button.disabled) return;
            event.preventDefault();
            button.disabled = true;
            try {
              if (button.dataset.action === 'move') {
                const data = await moveBody(button.dataset.stage, button.dataset.kind);
                if (!data) return;
                await api('PATCH', '/api/v1/deals/' + button.dataset.deal, data);
                reloadWith(T.moved || 'moved');
              } else if (button.dataset.action === 'api') {
                const data = button.dataset.body ? JSON.parse(button.dataset.body) : undefined;
                await api(button.dataset.method || 'POST', button.dataset.url, data);
                reloadWith(button.dataset.done || T.saved || 'saved');
              }
            } catch (error) {
              toast(error.message, 'error');
            } finally {
              button.disabled = false;
            }
          });

          // ---- Forms posted to the API as JSON ----------------------------------------------------

          function setPath(target, name, value) {
            const parts = name.split('.');
            let object = target;
            for (let i = 0; i < parts.length - 1; i++) {
              object[parts[i]] = object[parts[i]] || {};
              object = object[parts[i]];
            }
            object[parts[parts.length - 1]] = value;
          }

          async function formData(form) {
            const data = {};
            let reminder = false;
            for (const input of form.querySelectorAll('[name][data-type]')) {
              const type = input.dataset.type;
              const name = input.name;
              if (type === 'reminder') { reminder = input.checked; continue; }
              if (type === 'bool') { setPath(data, name, input.checked); continue; }
              if (type === 'id-set') {
                // Checkboxes of one name: the checked ones' ids (an empty list when none is).
                const list = data[name] || [];
                if (input.checked) list.push(Number(input.value));
                setPath(data, name, list);
                continue;
              }
              const raw = input.value.trim();
              if (raw === '') continue;
              if (type === 'number') setPath(data, name, Number(raw));
              else if (type === 'list') setPath(data, name, raw.split(/[,;]/).map(x => x.trim()).filter(Boolean));
              else if (type === 'money') setPath(data, name, raw.replace(/[\s\u00a0]/g, '').replace(',', '.'));
              else if (type === 'local-time') setPath(data, name, localToISO(raw));
              else setPath(data, name, raw);
            }
            for (const file of form.querySelectorAll('input[type="file"][data-upload-for]')) {
              if (file.files && file.files[0]) setPath(data, file.dataset.uploadFor, await upload(file.files[0], file.dataset.deal));
            }
            if (reminder && data.due_at) data.reminder_at = data.due_at;
            return data;
          }

          document.addEventListener('submit', async event => {
            const form = event.target.closest('form[data-api]');
            if (!form) return;
            event.preventDefault();
            const submitter = event.submitter;
            const buttons = form.querySelectorAll('button');
            buttons.forEach(b => { b.disabled = true; });
            try {
              const data = await formData(form);
              if (submitter && submitter.name) data[submitter.name] = submitter.value;
              // A form that must not act twice (a letter) sends one key for all its attempts.
              if (form.dataset.idempotent && !form.dataset.key) {
                form.dataset.key = (window.crypto && crypto.randomUUID) ? crypto.randomUUID()
                  : Date.now().toString(36) + '-' + Math.random().toString(36).slice(2);
              }
              const result = await api(form.dataset.method || 'POST', form.dataset.api, data, form.dataset.key);
              // The follow-up of a registered interaction: a reminder for oneself or a task for a colleague.
              const followUp = form.querySelector('[data-follow-up="kind"]');
              if (followUp && followUp.value && result) {
                const days = Number((form.querySelector('[data-follow-up="days"]') || {}).value || 2);
                const due = localToISO(localNowPlusDays(days));
                const title = ((form.querySelector('[data-follow-up="title"]') || {}).value || '').trim() || T.callBack || 'Call back';
                const assignee = followUp.value === 'colleague'
                  ? Number(form.querySelector('[data-follow-up="assignee"]').value) : Number(body.dataset.user);
                const task = { title, assignee_id: assignee, due_at: due };
                if (followUp.value === 'me') task.reminder_at = due;
                if (result.client_id) task.client_id = result.client_id;
                if (result.deal_id) task.deal_id = result.deal_id;
                await api('POST', '/api/v1/tasks', task);
              }
              if (form.dataset.open && result && result.id) {
                const notes = (result.warnings || []).map(w => w.message).filter(Boolean);
                try { sessionStorage.setItem('crm-toast', [T.saved || 'saved'].concat(notes).join(' · ')); } catch (e) { /* private mode */ }
                location.href = form.dataset.open + result.id;
                return;
              }
              reloadWith(T.saved || 'saved');
            } catch (error) {
              const existing = error.body && error.body.code === 'duplicate' && error.body.existing;
              if (existing) {
                toast((T.duplicate || 'exists') + ': ' + (existing.legal_name || existing.name || ''), 'error',
                      { sticky: true, href: existing.client_id ? '/clients/' + existing.client_id : null });
              } else {
                toast(error.message, 'error');
              }
            } finally {
              buttons.forEach(b => { b.disabled = false; });
            }
          });

          // ---- ИНН, КПП, ОГРН checked as they are typed (the same check digits as the server) -----

          const digits = text => /^[0-9]+$/.test(text) ? text.split('').map(Number) : null;
          const weighted = (d, weights) => weights.reduce((sum, w, i) => sum + w * d[i], 0) % 11 % 10;

          function innValid(text) {
            const d = digits(text);
            if (!d) return false;
            if (d.length === 10) return weighted(d, [2, 4, 10, 3, 5, 9, 4, 6, 8]) === d[9];
            if (d.length === 12) {
              return weighted(d, [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) === d[10] && weighted(d, [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) === d[11];
            }
            return false;
          }

          function ogrnValid(text) {
            if (!/^[0-9]+$/.test(text)) return false;
            if (text.length === 13) return Number(BigInt(text.slice(0, 12)) % 11n % 10n) === Number(text[12]);
            if (text.length === 15) return Number(BigInt(text.slice(0, 14)) % 13n % 10n) === Number(text[14]);
            return false;
          }

          const kppValid = text => /^[0-9]{4}[0-9A-Z]{2}[0-9]{3}$/.test(text);
          const checks = { inn: innValid, kpp: kppValid, ogrn: ogrnValid };

          document.querySelectorAll('input[data-check]').forEach(input => {
            const hint = document.createElement('span');
            hint.className = 'check-hint';
            input.insertAdjacentElement('afterend', hint);
            const run = () => {
              const value = input.value.trim();
              if (!value) { hint.textContent = ''; hint.className = 'check-hint'; input.setCustomValidity(''); return; }
              const ok = checks[input.dataset.check](value);
              hint.textContent = ok ? '✓' : (T['bad' + input.dataset.check.charAt(0).toUpperCase() + input.dataset.check.slice(1)] || '✗');
              hint.className = 'check-hint ' + (ok ? 'ok' : 'bad');
              input.setCustomValidity(ok ? '' : hint.textContent);
              if (ok && input.dataset.check === 'inn') offerDuplicates(input, value);
              else if (input.dataset.check === 'inn') showDuplicates(input, []);
            };
            input.addEventListener('input', run);
          });

          // A valid ИНН: the counterparties with it that the user may see are offered at once (the
          // server refuses a second one with the same ИНН and КПП and names it, also one not shown).
          let duplicateLookup = 0;
          async function offerDuplicates(input, inn) {
            const ticket = ++duplicateLookup;
            let found = [];
            try {
              const list = await api('GET', '/api/v1/counterparties?inn=' + encodeURIComponent(inn) + '&limit=5');
              found = (list && list.items) || [];
            } catch (e) { found = []; }
            if (ticket === duplicateLookup) showDuplicates(input, found);
          }

          function showDuplicates(input, found) {
            const form = input.closest('form');
            let box = form.querySelector('.duplicates');
            if (!found.length) { if (box) box.remove(); return; }
            if (!box) {
              box = document.createElement('div');
              box.className = 'duplicates alert';
              box.id = 'counterparty-duplicates';
              form.querySelector('.actions').insertAdjacentElement('beforebegin', box);
            }
            box.textContent = '';
            const title = document.createElement('strong');
            title.textContent = T.duplicatesFound || 'exists';
            box.appendChild(title);
            found.forEach(c => {
              const line = document.createElement('div');
              const link = document.createElement('a');
              link.href = '/clients/' + c.client_id;
              link.textContent = c.legal_name + (c.kpp ? ' · ' + (T.kpp || 'KPP') + ' ' + c.kpp : '');
              line.appendChild(link);
              box.appendChild(line);
            });
          }

          // The follow-up's colleague is asked only for a task for a colleague.
          document.querySelectorAll('[data-follow-up="kind"]').forEach(select => {
            const set = select.closest('fieldset');
            const sync = () => { set.dataset.kind = select.value; };
            select.addEventListener('change', sync);
            sync();
          });

          // The quick forms: opening one focuses its first field (register a call: click, type, save).
          document.querySelectorAll('details.quick').forEach(details => {
            details.addEventListener('toggle', () => {
              if (!details.open) return;
              const field = details.querySelector('textarea, input:not([type="hidden"])');
              if (field) field.focus();
            });
          });

          // ---- Clients while typing: similar names offered, a deal's client found by name --------

          function debounce(fn, ms) {
            let timer = null;
            return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
          }

          async function similarClients(text, limit) {
            if (text.trim().length < 3) return [];
            try {
              const list = await api('GET', '/api/v1/clients?similar=' + encodeURIComponent(text.trim()) + '&limit=' + limit);
              return (list && list.items) || [];
            } catch (e) { return []; }
          }

          document.querySelectorAll('input[data-similar="clients"]').forEach(input => {
            const box = document.createElement('div');
            box.className = 'duplicates alert hidden';
            box.id = 'similar-clients';
            input.closest('label').insertAdjacentElement('afterend', box);
            input.addEventListener('input', debounce(async () => {
              const found = await similarClients(input.value, 5);
              box.textContent = '';
              box.classList.toggle('hidden', !found.length);
              if (!found.length) return;
              const title = document.createElement('strong');
              title.textContent = T.similarClients || 'similar';
              box.appendChild(title);
              found.forEach(c => {
                const line = document.createElement('div');
                const link = document.createElement('a');
                link.href = '/clients/' + c.id;
                link.textContent = c.name;
                line.appendChild(link);
                box.appendChild(line);
              });
            }, 300));
          });

          document.querySelectorAll('input[data-client-search]').forEach(input => {
            const select = document.getElementById(input.dataset.clientSearch);
            input.addEventListener('input', debounce(async () => {
              const found = await similarClients(input.value, 10);
              const keep = select.value;
              select.textContent = '';
              const none = document.createElement('option');
              none.value = '';
              none.textContent = T.noClient || '—';
              select.appendChild(none);
              found.forEach(c => {
                const option = document.createElement('option');
                option.value = String(c.id);
                option.textContent = c.name;
                select.appendChild(option);
              });
              if (found.length) select.value = String(found[0].id); else select.value = keep && [...select.options].some(o => o.value === keep) ? keep : '';
            }, 300));
          });

          // ---- The planner: drag a task to another day -------------------------------------------

          function initPlanner() {
            const planner = document.getElementById('planner');
            if (!planner) return;
            let drag = null;
            planner.addEventListener('pointerdown', event => {
              const chip = event.target.closest('.chip[data-task-id]');
              if (!chip || event.button !== 0) return;
              drag = { chip, x: event.clientX, y: event.clientY, moved: false };
            });
            document.addEventListener('pointermove', event => {
              if (!drag) return;
              const dx = event.clientX - drag.x, dy = event.clientY - drag.y;
              if (!drag.moved && Math.hypot(dx, dy) < 6) return;
              drag.moved = true;
              drag.chip.classList.add('dragging');
              drag.chip.style.transform = 'translate(' + dx + 'px,' + dy + 'px)';
              event.preventDefault();
            });
            document.addEventListener('pointerup', async event => {
              if (!drag) return;
              const d = drag;
              drag = null;
              d.chip.classList.remove('dragging');
              d.chip.style.transform = '';
              if (!d.moved) return;
              document.addEventListener('click', e => { e.preventDefault(); e.stopPropagation(); }, { capture: true, once: true });
              const element = document.elementFromPoint(event.clientX, event.clientY);
              const day = element && element.closest('.day');
              if (!day || day.contains(d.chip)) return;
              try {
                await api('PATCH', '/api/v1/tasks/' + d.chip.dataset.taskId, { due_at: localToISO(day.dataset.date + 'T' + (d.chip.dataset.time || '09:00')) });
                day.appendChild(d.chip);
                toast(T.saved || 'saved', 'ok');
              } catch (error) {
                toast(error.message, 'error');
              }
            });
          }

          // ---- Notifications: the bell, live from the event stream; reminders pop up -------------

          const kindTexts = {
            task_assigned: 'taskAssigned', reminder_due: 'reminderDue', task_overdue: 'taskOverdue', deal_moved: 'dealMoved',
            approval_requested: 'approvalRequested', approval_answered: 'approvalAnswered', lead_arrived: 'leadArrived',
            call_missed: 'callMissed'
          };

          function describe(kind, payload) {
            const label = T[kindTexts[kind]] || kind;
            const title = payload && (payload.title || payload.name || payload.number);
            return title ? label + ': ' + title : label;
          }

          function linkOf(payload) {
            if (payload && payload.deal_id) return '/deals/' + payload.deal_id;
            if (payload && payload.task_id) return '/tasks';
            return null;
          }

          function setCount(n) {
            const badge = document.getElementById('bell-count');
            if (!badge) return;
            badge.textContent = String(Math.max(0, n));
            badge.classList.toggle('hidden', n <= 0);
          }

          function count() {
            const badge = document.getElementById('bell-count');
            return badge ? parseInt(badge.textContent, 10) || 0 : 0;
          }

          function initEvents() {
            if (!document.getElementById('bell') || typeof EventSource === 'undefined') return;
            const after = body.dataset.lastNotification;
            const source = new EventSource('/api/v1/events' + (after ? '?last_event_id=' + encodeURIComponent(after) : ''));
            Object.keys(kindTexts).forEach(kind => {
              source.addEventListener(kind, event => {
                let notification = {};
                try { notification = JSON.parse(event.data); } catch (e) { /* keep empty */ }
                if (notification.read_at) return;
                setCount(count() + 1);
                const payload = notification.payload || {};
                const text = describe(kind, payload);
                if (kind === 'reminder_due') {
                  const item = toast(text, 'reminder', { sticky: true, href: linkOf(payload) });
                  if (item) item.classList.add('popup');
                } else {
                  toast(text, 'info', { href: linkOf(payload) });
                }
              });
            });
          }

          async function openBell() {
            const list = document.getElementById('bell-list');
            if (!list.classList.contains('hidden')) { list.classList.add('hidden'); return; }
            list.textContent = '';
            list.classList.remove('hidden');
            try {
              const page = await api('GET', '/api/v1/notifications?limit=15');
              if (!page.items.length) {
                const empty = document.createElement('p');
                empty.className = 'muted';
                empty.textContent = T.noNotifications || '';
                list.appendChild(empty);
                return;
              }
              const all = document.createElement('button');
              all.type = 'button';
              all.className = 'link';
              all.textContent = T.markAllRead || 'read';
              all.addEventListener('click', async () => {
                await api('POST', '/api/v1/notifications/read-all', {});
                setCount(0);
                list.querySelectorAll('.unread').forEach(e => e.classList.remove('unread'));
              });
              list.appendChild(all);
              for (const n of page.items) {
                const item = document.createElement('a');
                item.className = 'notification' + (n.read_at ? '' : ' unread');
                item.href = linkOf(n.payload) || '#';
                item.textContent = describe(n.kind, n.payload);
                const when = document.createElement('time');
                when.textContent = formatTime(n.created_at);
                item.appendChild(when);
                item.addEventListener('click', () => {
                  if (!n.read_at) api('POST', '/api/v1/notifications/' + n.id + '/read').then(() => setCount(count() - 1)).catch(() => {});
                });
                list.appendChild(item);
              }
            } catch (error) {
              toast(error.message, 'error');
            }
          }

          const bell = document.getElementById('bell');
          if (bell) bell.addEventListener('click', openBell);

          initBoard();
          initPlanner();
          initEvents();
        })();
        """#
}
