/*
 * Task failure notifications: one toast per incident (the failures that share a cause: "Google Maps refused
 * Tasklane's API key — 3 of your tasks", its count updated live), a header badge with the count of undismissed failed
 * tasks, and a slide-out panel that groups them under their incident, with Retry all and Dismiss all per incident and
 * Retry and Dismiss per task. Tasks held back by an outage are shown as waiting, never toasted, and one notice says
 * when they ran after all. Needs api-client.js and task-monitor.js; include all three before </body>. It starts by
 * itself when the page has loaded (set window.TasklaneConfig = {autoInit: false} to start it yourself with
 * TaskNotifications.init(options)). Put an element with the attribute data-tasklane-badge in your header to choose
 * where the badge goes; otherwise it floats top right.
 *
 * Options (window.TasklaneConfig or init): baseUrl, getToken, pollInterval, streamPath, supabaseUrl, supabaseAnonKey,
 * toastDuration (ms a toast stays; default 20000), labels ({task_type: 'Business words'}).
 * An incident is toasted once per browser (localStorage "tasklane.shown-incidents"), and once more if it regresses.
 * Every text from the server is inserted as text, never as HTML.
 */
(function (global, document) {
    'use strict';

    var MAX_TOASTS = 4;
    var SHOWN_KEY = 'tasklane.shown-incidents';
    var SHOWN_MAX = 200;
    var NOTE_MS = 5000;
    var CSS = [
        '.tl-toasts{position:fixed;right:16px;bottom:16px;z-index:10000;display:flex;flex-direction:column;gap:8px;max-width:420px;font:14px/1.4 system-ui,sans-serif}',
        '.tl-toast{background:#fff;border-left:5px solid #c62828;border-radius:6px;box-shadow:0 4px 16px rgba(0,0,0,.2);padding:12px 14px;color:#222}',
        '.tl-toast--info{border-left-color:#1565c0}',
        '.tl-toast--good{border-left-color:#2e7d32}',
        '.tl-toast__title{font-weight:600;margin:0 24px 4px 0}',
        '.tl-toast__message{margin:0 0 8px;white-space:pre-wrap;word-break:break-word}',
        '.tl-toast__latest{margin:0 0 8px;color:#555;font-size:13px}',
        '.tl-toast__close{float:right;background:none;border:0;font-size:18px;line-height:1;cursor:pointer;color:#555}',
        '.tl-actions{display:flex;gap:8px;flex-wrap:wrap}',
        '.tl-button{border:1px solid #999;background:#f5f5f5;border-radius:4px;padding:4px 10px;cursor:pointer;font:inherit}',
        '.tl-button--primary{background:#1565c0;border-color:#1565c0;color:#fff}',
        '.tl-button:focus,.tl-badge:focus,.tl-toast__close:focus{outline:3px solid #ffb300;outline-offset:1px}',
        '.tl-badge{position:relative;border:1px solid #ccc;background:#fff;border-radius:16px;padding:4px 12px;cursor:pointer;font:14px system-ui,sans-serif}',
        '.tl-badge--floating{position:fixed;top:12px;right:16px;z-index:10000}',
        '.tl-badge__count{display:inline-block;min-width:18px;margin-left:6px;padding:0 5px;border-radius:9px;background:#c62828;color:#fff;font-weight:600;text-align:center}',
        '.tl-badge--empty .tl-badge__count{background:#9e9e9e}',
        '.tl-panel{position:fixed;top:0;right:0;bottom:0;width:min(460px,100%);background:#fff;box-shadow:-4px 0 16px rgba(0,0,0,.2);z-index:10001;display:flex;flex-direction:column;font:14px/1.4 system-ui,sans-serif;color:#222;transform:translateX(0);transition:transform .2s}',
        '.tl-panel[hidden]{display:none}',
        '.tl-panel__header{display:flex;align-items:center;gap:8px;padding:12px 16px;border-bottom:1px solid #eee}',
        '.tl-panel__title{flex:1;margin:0;font-size:16px}',
        '.tl-panel__list{list-style:none;margin:0;padding:8px 16px;overflow:auto;flex:1}',
        '.tl-waiting{background:#e3f2fd;border-radius:6px;padding:8px 10px;margin:8px 0}',
        '.tl-group{border:1px solid #eee;border-left:4px solid #c62828;border-radius:6px;padding:10px 12px;margin:8px 0}',
        '.tl-group--other{border-left-color:#9e9e9e}',
        '.tl-group h3{margin:0 0 4px;font-size:15px}',
        '.tl-group__advice{margin:0 0 6px}',
        '.tl-group details{margin:0 0 6px;color:#555;font-size:12px}',
        '.tl-group__tasks{list-style:none;margin:8px 0 0;padding:0}',
        '.tl-panel__item{border-top:1px solid #eee;padding:8px 0;display:flex;gap:8px;align-items:flex-start}',
        '.tl-panel__item>div:first-child{flex:1;min-width:0}',
        '.tl-panel__item h4{margin:0 0 2px;font-size:14px;font-weight:600}',
        '.tl-panel__item--note{color:#2e7d32}',
        '.tl-panel__meta{color:#666;font-size:12px;margin:0 0 4px}',
        '.tl-panel__error{margin:0 0 6px;white-space:pre-wrap;word-break:break-word}',
        '.tl-panel__empty{color:#666;padding:16px 0}',
        '.tl-problem{color:#c62828;margin:6px 0 0}'
    ].join('\n');

    var options = {};
    var api;
    var words;
    var el;
    var monitor;
    var toastRegion;
    var badge;
    var badgeCount;
    var panel;
    var panelList;
    var panelTitle;
    var toasts = {};
    var lastTasks = [];
    var notes = {};             // task id -> {task, text}: failures the server resolved itself, shown for a moment
    var unannounced = {};       // incident id -> timer: a new failure waits a moment for its incident's title
    var announcedIncidents = {};    // incident id -> true: it had a new failure while this page was open
    var sessionToastShown = false;

    function titleOf(task) {
        return api.taskLabel(task.task_type) + ' failed for ' + (task.entity_type || 'record') + ' ' + (task.entity_name || '');
    }

    function problem(container, message) {
        var existing = container.querySelector(':scope > .tl-problem');
        if (existing) {
            existing.remove();
        }
        container.appendChild(el('p', { 'class': 'tl-problem', role: 'status', text: message }));
    }

    /** A button that calls action(button) and puts what went wrong, if anything, into container. */
    function actionButton(label, dataAction, primary, container, busyLabel, action) {
        var button = el('button', { type: 'button', 'class': 'tl-button' + (primary ? ' tl-button--primary' : ''),
            'data-action': dataAction, text: label });
        button.addEventListener('click', function () {
            button.disabled = true;
            if (busyLabel) {
                button.textContent = busyLabel;
            }
            action().catch(function (error) {
                button.disabled = false;
                button.textContent = label;
                problem(container(), label + ' failed: ' + error.message);
            });
        });
        return button;
    }

    function retryTask(task) {
        return api.retryTask(task.id).then(function () { closeToast(task.id); });
    }

    function dismissTask(task) {
        return api.dismissTask(task.id).then(function () {
            closeToast(task.id);
            monitor.forget(task.id);
        });
    }

    function retryIncident(incidentId) {
        return api.retryIncident(incidentId).then(function () { closeToast(toastIdOf(incidentId)); });
    }

    function dismissIncident(incidentId) {
        return api.dismissIncident(incidentId).then(function () {
            closeToast(toastIdOf(incidentId));
            monitor.forgetIncident(incidentId);
        });
    }

    // ---- toasts -------------------------------------------------------------------------------------------------

    function closeToast(id) {
        var toast = toasts[id];
        if (toast) {
            delete toasts[id];
            global.clearTimeout(toast.timer);
            toast.node.remove();
        }
    }

    /** Shows a toast; parts: {title (text or node), message, extra (node), actions ([fn(container) -> button])}. */
    function showToast(id, kind, parts, attributes) {
        closeToast(id);
        var ids = Object.keys(toasts);
        if (ids.length >= MAX_TOASTS) {
            closeToast(ids[0]);
        }
        var close = el('button', { type: 'button', 'class': 'tl-toast__close', 'aria-label': 'Close this notice',
            text: '×', onclick: function () { closeToast(id); } });
        var node = el('div', Object.assign({ 'class': 'tl-toast' + (kind !== 'error' ? ' tl-toast--' + kind : ''),
            role: kind === 'error' ? 'alert' : 'status' }, attributes || {}), [close,
            typeof parts.title === 'string' ? el('p', { 'class': 'tl-toast__title', text: parts.title }) : parts.title,
            parts.message ? el('p', { 'class': 'tl-toast__message', text: parts.message }) : null, parts.extra || null]);
        if (parts.actions && parts.actions.length) {
            node.appendChild(el('div', { 'class': 'tl-actions' }, parts.actions.map(function (make) { return make(node); })));
        }
        node.addEventListener('keydown', function (event) {
            if (event.key === 'Escape') {
                closeToast(id);
            }
        });
        var entry = { node: node, timer: null };
        function arm() {
            global.clearTimeout(entry.timer);
            entry.timer = global.setTimeout(function () { closeToast(id); }, options.toastDuration || 20000);
        }
        node.addEventListener('mouseenter', function () { global.clearTimeout(entry.timer); });
        node.addEventListener('focusin', function () { global.clearTimeout(entry.timer); });
        node.addEventListener('mouseleave', arm);
        toasts[id] = entry;
        toastRegion.appendChild(node);
        arm();
        return entry;
    }

    /** A failure without an incident (an older server): a toast of its own, as before incidents. */
    function taskToast(task) {
        showToast(task.id, 'error', { title: titleOf(task), message: task.error_message || 'It failed without saying why.',
            actions: [
                function (container) {
                    return actionButton('Retry', 'retry', true, function () { return container; }, 'Retrying…',
                        function () { return retryTask(task); });
                },
                function (container) {
                    return actionButton('Dismiss', 'dismiss', false, function () { return container; }, null,
                        function () { return dismissTask(task); });
                }
            ] }, { 'data-task-id': task.id });
    }

    function toastIdOf(incidentId) {
        return 'incident:' + incidentId;
    }

    function shownIncidents() {
        try {
            return JSON.parse(global.localStorage.getItem(SHOWN_KEY) || '{}') || {};
        } catch (e) {
            return {};
        }
    }

    /** Remembers that this browser toasted the incident, as of its last regression. */
    function rememberShown(incidentId, mark) {
        var shown = shownIncidents();
        delete shown[incidentId];
        shown[incidentId] = mark;
        var ids = Object.keys(shown);
        ids.slice(0, Math.max(0, ids.length - SHOWN_MAX)).forEach(function (id) { delete shown[id]; });
        try {
            global.localStorage.setItem(SHOWN_KEY, JSON.stringify(shown));
        } catch (e) {
            // private mode or a full store: the toast may show again in another tab, nothing worse
        }
    }

    function openFailuresOf(incidentId) {
        return lastTasks.filter(function (task) { return task.incident_id === incidentId && !task.retrying; });
    }

    /** The newest failures first: "Drive times for client Jane Doe (10:03)". */
    function latestLine(tasks) {
        if (!tasks.length) {
            return '';
        }
        var newest = tasks.slice().sort(function (a, b) { return String(b.failed_at).localeCompare(String(a.failed_at)); });
        return 'Latest: ' + words.summary(newest[0]) + ' (' + words.clock(newest[0].failed_at) + ')'
            + (tasks.length > 1 ? ', and ' + (tasks.length - 1) + ' more' : '');
    }

    /** Fills (or refreshes) an incident toast's title, count, advice and latest task. */
    function fillIncidentToast(entry, incidentId) {
        var incident = monitor.incident(incidentId);
        var tasks = openFailuresOf(incidentId);
        var first = tasks[0] || entry.lastTask || {};
        entry.node.querySelector('.tl-toast__cause').textContent = incident && incident.title ? incident.title
            : api.taskLabel(first.task_type) + ' failed';
        entry.node.querySelector('.tl-toast__count').textContent = String(tasks.length);
        entry.node.querySelector('.tl-toast__message').textContent = incident && incident.advice ? incident.advice
            : (first.error_message || 'It failed without saying why.');
        entry.node.querySelector('.tl-toast__latest').textContent = latestLine(tasks);
        var retry = entry.node.querySelector('[data-action=retry-incident]');
        if (retry) {
            retry.hidden = !!incident && incident.retryable === false;
        }
        if (incident && incident.state !== 'resolved' && shownIncidents()[incidentId] !== (incident.regressed_at || '')) {
            rememberShown(incidentId, incident.regressed_at || '');     // the toast on screen is of this regression
        }
    }

    function incidentToast(incidentId, mark) {
        rememberShown(incidentId, mark);
        var title = el('p', { 'class': 'tl-toast__title' }, [el('span', { 'class': 'tl-toast__cause' }), ' — ',
            el('span', { 'class': 'tl-toast__count' }), ' of your tasks']);
        var entry = showToast(toastIdOf(incidentId), 'error', { title: title, message: ' ',
            extra: el('p', { 'class': 'tl-toast__latest' }), actions: [
                function (container) {
                    return actionButton('Retry all', 'retry-incident', true, function () { return container; },
                        'Retrying…', function () { return retryIncident(incidentId); });
                },
                function () {
                    return el('button', { type: 'button', 'class': 'tl-button', 'data-action': 'show', text: 'Show',
                        onclick: function () { openPanel(); } });
                },
                function (container) {
                    return actionButton('Dismiss all', 'dismiss-incident', false, function () { return container; }, null,
                        function () { return dismissIncident(incidentId); });
                }
            ] }, { 'data-incident-id': incidentId });
        fillIncidentToast(entry, incidentId);
    }

    /**
     * A new failure of an incident: the incident's toast counts it, or, if this browser has not shown the incident
     * (since its last regression), a toast appears. A failure whose incident is not known yet waits up to a second
     * for its title and regressed_at.
     */
    function announceIncident(incidentId, patient) {
        if (toasts[toastIdOf(incidentId)]) {
            fillIncidentToast(toasts[toastIdOf(incidentId)], incidentId);
            return;
        }
        var incident = monitor.incident(incidentId);
        if (incident && incident.state === 'resolved') {
            incident = null;    // a new failure of a resolved incident regresses it: wait for its new regressed_at
        }
        if (!incident && patient) {
            if (!unannounced[incidentId]) {
                unannounced[incidentId] = global.setTimeout(function () { announceIncident(incidentId, false); }, 1000);
            }
            return;
        }
        global.clearTimeout(unannounced[incidentId]);
        delete unannounced[incidentId];
        var mark = (incident && incident.regressed_at) || '';
        if (shownIncidents()[incidentId] === mark || !openFailuresOf(incidentId).length) {
            return;
        }
        incidentToast(incidentId, mark);
    }

    function onFailure(task) {
        lastTasks = monitor.failures();
        if (!task.incident_id) {
            taskToast(task);
        } else {
            announcedIncidents[task.incident_id] = true;
            announceIncident(task.incident_id, true);
        }
    }

    function onIncident(incident) {
        var entry = toasts[toastIdOf(incident.id)];
        if (entry) {
            fillIncidentToast(entry, incident.id);
        } else if (unannounced[incident.id] || announcedIncidents[incident.id]) {
            announceIncident(incident.id, false);     // its title arrived, or it regressed: toasted once more
        }
        renderPanel();
    }

    /** Updates the counts of the incident toasts; one whose failures are all gone (retried, dismissed) closes. */
    function refreshToasts() {
        Object.keys(toasts).forEach(function (id) {
            if (id.indexOf('incident:') === 0) {
                var incidentId = id.slice('incident:'.length);
                if (openFailuresOf(incidentId).length) {
                    fillIncidentToast(toasts[id], incidentId);
                } else {
                    closeToast(id);
                }
            }
        });
    }

    function waitOverToast(over) {
        var name = over.waiting_for_name || 'The service';
        showToast('back:' + (over.waiting_for || name) + ':' + over.task_type, 'good',
            { title: name + ' answers again: ' + words.done(over.task_type, over.count) + '.' });
    }

    // ---- badge and panel ----------------------------------------------------------------------------------------

    function failedCount() {
        return lastTasks.filter(function (task) { return !task.retrying; }).length;
    }

    function renderBadge() {
        var failed = failedCount();
        badgeCount.textContent = String(failed);
        badge.classList.toggle('tl-badge--empty', failed === 0);
        badge.setAttribute('aria-label', failed === 0 ? 'No failed tasks' : failed + ' failed task' + (failed === 1 ? '' : 's')
            + ': show them');
    }

    function waitingText(group) {
        var name = group.waiting_for_name || group.waiting_for || 'another service';
        return 'Waiting for ' + name + ' since ' + words.clock(group.since) + ' — ' + words.plural(group.tasks, 'task')
            + '; they run by themselves when it answers.';
    }

    function taskItem(task, showError) {
        var item = el('li', { 'class': 'tl-panel__item', 'data-task-id': task.id }, [el('div', {}, [
            el('h4', { text: words.summary(task) }),
            el('p', { 'class': 'tl-panel__meta', text: (task.retrying ? 'Retrying (attempt ' + task.attempt + ')…'
                : 'Failed ' + words.clock(task.failed_at) + ' · attempt ' + task.attempt) + ' · asked by '
                + words.person(task) }),
            showError ? el('p', { 'class': 'tl-panel__error', text: task.error_message || '' }) : null
        ])]);
        if (!task.retrying) {
            var here = function () { return item; };
            item.appendChild(el('div', { 'class': 'tl-actions' }, [
                actionButton('Retry', 'retry', true, here, 'Retrying…', function () { return retryTask(task); }),
                actionButton('Dismiss', 'dismiss', false, here, null, function () { return dismissTask(task); })]));
        }
        return item;
    }

    function noteItem(note) {
        return el('li', { 'class': 'tl-panel__item tl-panel__item--note', 'data-task-id': note.task.id }, [el('div', {}, [
            el('h4', { text: words.summary(note.task) }), el('p', { 'class': 'tl-panel__meta', text: note.text })])]);
    }

    /** Failed tasks grouped by incident, newest incident first; tasks without one under "Other failures", last. */
    function groupsOf(tasks) {
        var groups = {};
        var order = [];
        tasks.forEach(function (task) {
            var key = task.incident_id || '';
            if (!groups[key]) {
                groups[key] = { incidentId: task.incident_id || null, tasks: [], notes: [] };
                order.push(key);
            }
            groups[key].tasks.push(task);
        });
        Object.keys(notes).forEach(function (id) {
            var key = notes[id].task.incident_id || '';
            if (!groups[key]) {
                groups[key] = { incidentId: notes[id].task.incident_id || null, tasks: [], notes: [] };
                order.push(key);
            }
            groups[key].notes.push(notes[id]);
        });
        order.sort(function (a, b) { return (a === '') - (b === ''); });
        return order.map(function (key) { return groups[key]; });
    }

    function span(tasks, incident) {
        var times = tasks.map(function (task) { return String(task.failed_at || ''); }).filter(Boolean).sort();
        var first = (incident && incident.first_seen) || times[0];
        var last = (incident && incident.last_seen) || times[times.length - 1];
        return 'first seen ' + words.clock(first) + ' · last seen ' + words.clock(last);
    }

    function groupNode(group) {
        var open = group.tasks.filter(function (task) { return !task.retrying; });
        if (!group.incidentId) {
            return el('li', { 'class': 'tl-group tl-group--other', 'data-incident-id': '' }, [
                el('h3', { text: 'Other failures' }),
                el('p', { 'class': 'tl-panel__meta', text: words.plural(open.length, 'task') }),
                el('ul', { 'class': 'tl-group__tasks' }, group.tasks.map(function (task) { return taskItem(task, true); })
                    .concat(group.notes.map(noteItem)))]);
        }
        var incident = monitor.incident(group.incidentId);
        var sample = group.tasks[0] || (group.notes[0] && group.notes[0].task) || {};
        var node = el('li', { 'class': 'tl-group', 'data-incident-id': group.incidentId }, [
            el('h3', { text: incident && incident.title ? incident.title : api.taskLabel(sample.task_type) + ' failed' }),
            incident && incident.advice ? el('p', { 'class': 'tl-group__advice', text: incident.advice }) : null,
            el('p', { 'class': 'tl-panel__meta' }, [el('span', { 'class': 'tl-group__count', text: String(open.length) }),
                (open.length === 1 ? ' task' : ' tasks') + ' · ' + span(group.tasks, incident)]),
            sample.error_message ? el('details', {}, [el('summary', { text: 'What the service said' }),
                el('p', { 'class': 'tl-panel__error', text: sample.error_message })]) : null
        ]);
        if (open.length) {
            var here = function () { return node; };
            var actions = [];
            if (!incident || incident.retryable !== false) {
                actions.push(actionButton('Retry all', 'retry-incident', true, here, 'Retrying…',
                    function () { return retryIncident(group.incidentId); }));
            }
            actions.push(actionButton('Dismiss all', 'dismiss-incident', false, here, null,
                function () { return dismissIncident(group.incidentId); }));
            node.appendChild(el('div', { 'class': 'tl-actions' }, actions));
        }
        node.appendChild(el('ul', { 'class': 'tl-group__tasks' }, group.tasks.map(function (task) {
            return taskItem(task, false);
        }).concat(group.notes.map(noteItem))));
        return node;
    }

    function renderPanel() {
        if (!panel) {
            return;
        }
        panelTitle.textContent = 'Failed tasks (' + failedCount() + ')';
        api.dom.clear(panelList);
        monitor.waiting().forEach(function (group) {
            panelList.appendChild(el('li', { 'class': 'tl-waiting', role: 'status', 'data-waiting-for': group.waiting_for || '',
                text: waitingText(group) }));
        });
        if (!lastTasks.length && !Object.keys(notes).length) {
            panelList.appendChild(el('li', { 'class': 'tl-panel__empty',
                text: 'No failed tasks. If a background task fails, it shows up here.' }));
            return;
        }
        groupsOf(lastTasks).forEach(function (group) { panelList.appendChild(groupNode(group)); });
    }

    /** A failure the server resolved itself leaves quietly; a superseded one says so for a moment. */
    function onGone(task) {
        closeToast(task.id);
        if (task.resolution === 'superseded') {
            notes[task.id] = { task: task, text: 'Resolved by a later run' + (task.dismissed_at ? ' at '
                + words.clock(task.dismissed_at) : '') + '.' };
            global.setTimeout(function () {
                delete notes[task.id];
                renderPanel();
            }, NOTE_MS);
            renderPanel();
        }
    }

    function openPanel() {
        panel.hidden = false;
        badge.setAttribute('aria-expanded', 'true');
        panel.querySelector('.tl-panel__close').focus();
    }

    function closePanel() {
        if (!panel.hidden) {
            panel.hidden = true;
            badge.setAttribute('aria-expanded', 'false');
            badge.focus();
        }
    }

    function mount() {
        api.dom.style('tl-styles', CSS);
        toastRegion = el('div', { 'class': 'tl-toasts', role: 'region', 'aria-label': 'Task failure notifications',
            'aria-live': 'assertive' });
        document.body.appendChild(toastRegion);

        badgeCount = el('span', { 'class': 'tl-badge__count', text: '0' });
        badge = el('button', { type: 'button', 'class': 'tl-badge', 'aria-haspopup': 'dialog', 'aria-expanded': 'false',
            'aria-controls': 'tl-panel', 'aria-label': 'No failed tasks' }, ['Failed tasks', badgeCount]);
        var slot = document.querySelector('[data-tasklane-badge]');
        if (slot) {
            slot.appendChild(badge);
        } else {
            badge.classList.add('tl-badge--floating');
            document.body.appendChild(badge);
        }
        badge.addEventListener('click', function () {
            if (panel.hidden) {
                openPanel();
            } else {
                closePanel();
            }
        });

        panelTitle = el('h2', { 'class': 'tl-panel__title', id: 'tl-panel-title', text: 'Failed tasks (0)' });
        var dismissAll = el('button', { type: 'button', 'class': 'tl-button', 'data-action': 'dismiss-all',
            text: 'Dismiss all' });
        var close = el('button', { type: 'button', 'class': 'tl-button tl-panel__close', 'aria-label': 'Close the list',
            text: 'Close' });
        panelList = el('ul', { 'class': 'tl-panel__list' });
        panel = el('aside', { id: 'tl-panel', 'class': 'tl-panel', role: 'dialog', 'aria-modal': 'false',
            'aria-labelledby': 'tl-panel-title' }, [el('div', { 'class': 'tl-panel__header' }, [panelTitle, dismissAll, close]),
            panelList]);
        panel.hidden = true;
        document.body.appendChild(panel);
        close.addEventListener('click', closePanel);
        dismissAll.addEventListener('click', function () {
            dismissAll.disabled = true;
            api.dismissAllTasks().then(function () {
                Object.keys(toasts).forEach(function (id) {
                    if (id !== 'session') {
                        closeToast(id);
                    }
                });
                return monitor.refresh();
            }).catch(function (error) {
                problem(panel.querySelector('.tl-panel__header'), 'Dismiss all failed: ' + error.message);
            }).then(function () { dismissAll.disabled = false; });
        });
        document.addEventListener('keydown', function (event) {
            if (event.key === 'Escape' && !panel.hidden) {
                closePanel();
            }
        });
    }

    function init(overrides) {
        if (monitor) {
            return global.TaskNotifications;
        }
        options = Object.assign({}, global.TasklaneConfig || {}, overrides || {});
        api = global.TasklaneApi.configure(options);
        words = api.words;
        el = api.dom.el;
        global.addEventListener('tasklane:session-expired', function () {
            if (!sessionToastShown && toastRegion) {
                sessionToastShown = true;
                showToast('session', 'info', { title: 'Your session has expired',
                    message: 'Sign in again to keep hearing about failed tasks.' });
            }
        });
        api.token().then(function (token) {
            if (!token) {
                return;     // nobody signed in: nothing to watch
            }
            mount();
            monitor = global.TaskMonitor.init(Object.assign({ api: api }, options));
            monitor.on('failure', onFailure);
            monitor.on('change', function (tasks) {
                lastTasks = tasks;
                renderBadge();
                renderPanel();
                refreshToasts();
            });
            monitor.on('incident', onIncident);
            monitor.on('waiting', renderPanel);
            monitor.on('waiting-over', waitOverToast);
            monitor.on('recovered', function (task) { closeToast(task.id); });
            monitor.on('dismissed', onGone);
            renderPanel();
        });
        return global.TaskNotifications;
    }

    global.TaskNotifications = {
        init: init,
        open: function () { if (panel) { openPanel(); } },
        close: function () { if (panel) { closePanel(); } }
    };

    if (global.TasklaneApi) {
        global.TasklaneApi.dom.autoInit(init);
    } else if (global.console) {
        global.console.error('Tasklane: load js/core/api-client.js before ' + (document.currentScript || {}).src);
    }
})(window, document);
