/*
 * The supervisors' failed-tasks widget. It opens on the incidents (the failures that share a cause): the cause, how
 * many tasks, the people affected by name, first and last seen, what to do, and Retry all / Dismiss all after a
 * preview (how many tasks, whose, which records) and a confirmation in the page. Below, everyone's failed tasks with
 * who (by name), what and when, filtered by incident, task type and person, with Retry or Dismiss of the filtered set
 * after a confirmation that says how many. Needs api-client.js and task-monitor.js (task-notifications.js starts the
 * monitor it listens to). It fills the element with the attribute data-tasklane-widget when the signed-in person is a
 * supervisor or an admin, and hides that element for everyone else. Every text from the server is inserted as text,
 * never as HTML.
 */
(function (global, document) {
    'use strict';

    var PREVIEW_RECORDS = 8;
    var CSS = [
        '.tl-widget{font:14px/1.4 system-ui,sans-serif;color:#222;border:1px solid #ddd;border-radius:8px;padding:16px;background:#fff}',
        '.tl-widget h2{margin:0 0 12px;font-size:18px}',
        '.tl-widget h3{margin:16px 0 8px;font-size:15px}',
        '.tl-widget table{border-collapse:collapse;width:100%;margin:0 0 12px}',
        '.tl-widget th,.tl-widget td{text-align:left;border-bottom:1px solid #eee;padding:6px 8px;vertical-align:top}',
        '.tl-widget__filters{display:flex;gap:12px;flex-wrap:wrap;align-items:end;margin:0 0 12px}',
        '.tl-widget__filters label{display:flex;flex-direction:column;font-size:12px;color:#555}',
        '.tl-widget__confirm{background:#fff8e1;border:1px solid #ffb300;border-radius:6px;padding:8px 12px;margin:0 0 12px}',
        '.tl-widget__confirm p,.tl-widget__confirm ul{margin:0 0 6px}',
        '.tl-widget__status{color:#555;margin:0 0 8px}',
        '.tl-widget__waiting{background:#e3f2fd;border-radius:6px;padding:6px 10px;margin:0 0 8px}',
        '.tl-incident{border:1px solid #eee;border-left:4px solid #c62828;border-radius:6px;padding:10px 12px;margin:0 0 10px}',
        '.tl-incident h4{margin:0 0 6px;font-size:15px}',
        '.tl-incident dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0 0 8px}',
        '.tl-incident dt{color:#666}',
        '.tl-incident dd{margin:0}',
        '.tl-incident__actions{display:flex;gap:8px;flex-wrap:wrap}',
        '.tl-widget button{border:1px solid #999;background:#f5f5f5;border-radius:4px;padding:4px 10px;cursor:pointer;font:inherit}',
        '.tl-widget button[data-action=confirm]{background:#1565c0;border-color:#1565c0;color:#fff}',
        '.tl-widget button:focus,.tl-widget select:focus{outline:3px solid #ffb300;outline-offset:1px}'
    ].join('\n');

    var api;
    var el;
    var clear;
    var words;

    function table(headers, rows) {
        return el('table', {}, [el('thead', {}, [el('tr', {}, headers.map(function (text) {
            return el('th', { scope: 'col', text: text });
        }))]), el('tbody', {}, rows.map(function (cells) {
            return el('tr', {}, cells.map(function (text) { return el('td', { text: String(text) }); }));
        }))]);
    }

    /** "Uma User (3), Lee Lo (1)": the people of an incident, or of a set of tasks, by name. */
    function peopleLine(people) {
        return people.map(function (person) {
            return words.person(person) + ' (' + person.open_tasks + ')';
        }).join(', ');
    }

    /** The people of an incident who still have a failed task in it (the server lists whoever ever had one). */
    function stillAffected(incident) {
        return (incident.people || []).filter(function (person) { return person.open_tasks > 0; });
    }

    function peopleOfTasks(tasks) {
        var byId = {};
        var order = [];
        tasks.forEach(function (task) {
            var id = task.created_by || '';
            if (!byId[id]) {
                byId[id] = { user_id: id, name: task.created_by_name, open_tasks: 0 };
                order.push(id);
            }
            byId[id].open_tasks++;
        });
        return order.map(function (id) { return byId[id]; });
    }

    function Widget(root) {
        this.root = root;
        this.filters = { incident_id: '', task_type: '', user: '' };
        this.tasks = [];
        this.incidents = [];
        this.waiting = [];
        this.summary = null;
        this.confirmFor = null;     // the incident whose preview is open
        this.names = {};        // user id -> name, from incidents and tasks, so no list shows a bare id
    }

    Widget.prototype.mount = function () {
        api.dom.style('tl-widget-styles', CSS);
        this.root.classList.add('tl-widget');
        this.root.setAttribute('role', 'region');
        this.root.setAttribute('aria-labelledby', 'tl-widget-title');
        clear(this.root);
        this.root.appendChild(el('h2', { id: 'tl-widget-title', text: 'Failed tasks of everyone' }));
        this.incidentsBox = el('div', { 'class': 'tl-widget__incidents' });
        this.confirmBox = el('div', { 'class': 'tl-widget__confirm', role: 'alertdialog', 'aria-live': 'polite',
            'aria-label': 'Confirm' });
        this.confirmBox.hidden = true;
        this.status = el('p', { 'class': 'tl-widget__status', role: 'status' });
        this.incidentSelect = el('select', { name: 'incident' });
        this.typeSelect = el('select', { name: 'task_type' });
        this.userSelect = el('select', { name: 'user' });
        this.retryButton = el('button', { type: 'button', 'data-action': 'bulk-retry', text: 'Retry these' });
        this.dismissButton = el('button', { type: 'button', 'data-action': 'bulk-dismiss', text: 'Dismiss these' });
        this.listBox = el('div', { 'class': 'tl-widget__list' });
        this.root.appendChild(this.incidentsBox);
        this.root.appendChild(this.confirmBox);
        this.root.appendChild(this.status);
        this.root.appendChild(el('h3', { text: 'Failed tasks' }));
        this.root.appendChild(el('div', { 'class': 'tl-widget__filters' }, [
            el('label', {}, ['Incident', this.incidentSelect]), el('label', {}, ['Task type', this.typeSelect]),
            el('label', {}, ['User', this.userSelect]), this.retryButton, this.dismissButton]));
        this.root.appendChild(this.listBox);
        var self = this;
        function filter(name, select) {
            select.addEventListener('change', function () { self.filters[name] = select.value; self.load(); });
        }
        filter('incident_id', this.incidentSelect);
        filter('task_type', this.typeSelect);
        filter('user', this.userSelect);
        this.retryButton.addEventListener('click', function () { self.confirmTasks('retry'); });
        this.dismissButton.addEventListener('click', function () { self.confirmTasks('dismiss'); });
        return this.load();
    };

    Widget.prototype.load = function () {
        var self = this;
        var incidents = api.incidents().catch(function () {
            return null;    // an older gateway, or a hiccup: the task list below still shows everything
        });
        return Promise.all([api.failedTasksSummary(), api.allFailedTasks({ limit: 200, incident_id: this.filters.incident_id,
            task_type: this.filters.task_type, user: this.filters.user }), incidents]).then(function (answers) {
            self.summary = answers[0];
            self.tasks = answers[1].tasks || [];
            self.incidents = answers[2] ? (answers[2].incidents || []).filter(function (incident) {
                return incident.open_tasks > 0;
            }) : [];
            self.waiting = answers[2] ? answers[2].waiting || [] : [];
            self.learnNames();
            self.render();
        }, function (error) {
            self.status.textContent = 'Could not load everyone\'s failures: ' + error.message;
        });
    };

    Widget.prototype.learnNames = function () {
        var names = this.names;
        this.incidents.forEach(function (incident) {
            (incident.people || []).forEach(function (person) {
                if (person.name) {
                    names[person.user_id] = person.name;
                }
            });
        });
        this.tasks.forEach(function (task) {
            if (task.created_by_name) {
                names[task.created_by] = task.created_by_name;
            }
        });
    };

    Widget.prototype.options = function (select, values, current, all) {
        clear(select);
        select.appendChild(el('option', { value: '', text: all }));
        values.forEach(function (value) {
            var option = el('option', { value: value.value, text: value.text });
            if (value.value === current) {
                option.selected = true;
            }
            select.appendChild(option);
        });
    };

    Widget.prototype.incidentCard = function (incident) {
        var self = this;
        var people = stillAffected(incident);
        var card = el('article', { 'class': 'tl-incident', 'data-incident-id': incident.id }, [
            el('h4', { text: (incident.title || api.taskLabel(incident.task_type) + ' failed') + (incident.state === 'regressed' ? ' (back again)' : '') }),
            el('dl', {}, [
                el('dt', { text: 'Tasks' }), el('dd', { 'class': 'tl-incident__count', text: String(incident.open_tasks) }),
                el('dt', { text: 'People affected' }), el('dd', { 'class': 'tl-incident__people',
                    text: people.length ? peopleLine(people) : 'nobody named' }),
                el('dt', { text: 'First seen' }), el('dd', { text: words.when(incident.first_seen) }),
                el('dt', { text: 'Last seen' }), el('dd', { text: words.when(incident.last_seen) }),
                el('dt', { text: 'What to do' }), el('dd', { 'class': 'tl-incident__advice', text: incident.advice || '' })
            ])
        ]);
        var actions = [];
        if (incident.retryable !== false) {
            actions.push(el('button', { type: 'button', 'data-action': 'incident-retry',
                text: 'Retry all (' + incident.open_tasks + ')', onclick: function () { self.confirmIncident('retry', incident, card); } }));
        }
        actions.push(el('button', { type: 'button', 'data-action': 'incident-dismiss',
            text: 'Dismiss all (' + incident.open_tasks + ')', onclick: function () { self.confirmIncident('dismiss', incident, card); } }));
        actions.push(el('button', { type: 'button', 'data-action': 'incident-show', text: 'Show its tasks',
            onclick: function () {
                self.filters.incident_id = incident.id;
                self.load().then(function () { self.listBox.scrollIntoView({ block: 'nearest' }); });
            } }));
        card.appendChild(el('div', { 'class': 'tl-incident__actions' }, actions));
        if (!this.confirmBox.hidden && this.confirmFor === incident.id) {
            if (this.confirmCount === incident.open_tasks) {
                card.appendChild(this.confirmBox);     // a refresh keeps an open preview where it was
            } else {
                this.confirmIncident(this.confirmAction, incident, card);     // ... and up to date
            }
        }
        return card;
    };

    Widget.prototype.render = function () {
        var self = this;
        var summary = this.summary || { by_task_type: [], by_user: [], total: 0 };
        var names = this.names;
        if (this.confirmFor && !this.incidents.some(function (i) { return i.id === self.confirmFor; })) {
            this.closeConfirm();    // what the preview was about is gone
        }
        clear(this.incidentsBox);
        this.waiting.forEach(function (group) {
            self.incidentsBox.appendChild(el('p', { 'class': 'tl-widget__waiting', role: 'status',
                text: group.message || 'Waiting for ' + (group.waiting_for_name || group.waiting_for) + ' since '
                    + words.clock(group.since) + ' — ' + words.plural(group.tasks, 'task')
                    + '; they run by themselves when it answers.' }));
        });
        if (this.incidents.length) {
            this.incidentsBox.appendChild(el('h3', { text: 'Incidents (' + this.incidents.length + ')' }));
            this.incidents.forEach(function (incident) { self.incidentsBox.appendChild(self.incidentCard(incident)); });
        }
        this.options(this.incidentSelect, this.incidents.map(function (incident) {
            return { value: incident.id, text: incident.title + ' (' + incident.open_tasks + ')' };
        }), this.filters.incident_id, 'All incidents');
        if (this.filters.incident_id && !this.incidents.some(function (i) { return i.id === self.filters.incident_id; })) {
            this.incidentSelect.appendChild(el('option', { value: this.filters.incident_id, text: 'This incident (closed)' }));
            this.incidentSelect.value = this.filters.incident_id;
        }
        this.options(this.typeSelect, summary.by_task_type.map(function (row) {
            return { value: row.task_type, text: api.taskLabel(row.task_type) };
        }), this.filters.task_type, 'All task types');
        this.options(this.userSelect, summary.by_user.map(function (row) {
            return { value: row.created_by, text: words.person({ created_by_name: row.created_by_name
                || names[row.created_by] }) + ' (' + row.failed_count + ')' };
        }), this.filters.user, 'All users');
        clear(this.listBox);
        var count = this.tasks.length;
        this.retryButton.textContent = 'Retry these (' + count + ')';
        this.dismissButton.textContent = 'Dismiss these (' + count + ')';
        this.retryButton.disabled = count === 0;
        this.dismissButton.disabled = count === 0;
        if (!count) {
            this.listBox.appendChild(el('p', { text: 'No failed tasks match.' }));
            return;
        }
        var titles = {};
        this.incidents.forEach(function (incident) { titles[incident.id] = incident.title; });
        this.listBox.appendChild(table(['Who', 'What', 'When', 'Cause'], this.tasks.map(function (task) {
            return [words.person(task), words.summary(task), words.when(task.failed_at),
                (task.incident_id && titles[task.incident_id]) || task.error_message || ''];
        })));
    };

    Widget.prototype.closeConfirm = function () {
        this.confirmBox.hidden = true;
        this.confirmFor = null;
        this.root.insertBefore(this.confirmBox, this.status);
    };

    /**
     * Fills the in-page confirmation (not window.confirm: a page and its tests can drive it): lines of text, then a
     * "verb N" and a Cancel button. With an incident card as anchor it opens inside that card.
     */
    Widget.prototype.ask = function (lines, yesLabel, onYes, anchor, incidentId) {
        var self = this;
        this.closeConfirm();
        if (anchor) {
            anchor.appendChild(this.confirmBox);
            this.confirmFor = incidentId;
        }
        clear(this.confirmBox);
        lines.forEach(function (line) {
            self.confirmBox.appendChild(typeof line === 'string' ? el('p', { text: line }) : line);
        });
        var yes = el('button', { type: 'button', 'data-action': 'confirm', text: yesLabel });
        var no = el('button', { type: 'button', 'data-action': 'cancel', text: 'Cancel' });
        this.confirmBox.appendChild(el('div', {}, [yes, ' ', no]));
        this.confirmBox.hidden = false;
        yes.focus();
        no.addEventListener('click', function () { self.closeConfirm(); });
        yes.addEventListener('click', function () {
            self.closeConfirm();
            onYes();
        });
    };

    /** The preview of Retry all / Dismiss all: how many tasks, whose, which records; nothing happens before Confirm. */
    Widget.prototype.confirmIncident = function (action, incident, card) {
        var self = this;
        var verb = action === 'retry' ? 'Retry' : 'Dismiss';
        var count = incident.open_tasks;
        this.confirmAction = action;
        this.confirmCount = count;
        var records = incident.records || [];
        var shown = records.slice(0, PREVIEW_RECORDS).map(function (record) {
            return el('li', { text: words.summary(record) + ' (asked by ' + words.person(record) + ')' });
        });
        if (count > shown.length) {
            shown.push(el('li', { text: 'and ' + (count - shown.length) + ' more' }));     // the server lists some
        }
        this.ask([
            el('p', { 'class': 'tl-widget__question', text: verb + ' all ' + words.plural(count, 'task') + ' of “'
                + incident.title + '”?' }),
            el('p', { 'class': 'tl-widget__people', text: 'People affected: ' + (stillAffected(incident).length
                ? peopleLine(stillAffected(incident)) : 'nobody named') }),
            el('ul', { 'class': 'tl-widget__records' }, shown),
            action === 'retry' ? 'They run again now; if the cause is still there they fail again, as one incident.'
                : 'They leave everyone\'s list of failures; nothing runs again.'
        ], verb + ' ' + count, function () { self.incidentAction(action, incident); },
            card, incident.id);
    };

    Widget.prototype.incidentAction = function (action, incident) {
        var self = this;
        var call = action === 'retry' ? api.retryIncident(incident.id) : api.dismissIncident(incident.id);
        self.status.textContent = (action === 'retry' ? 'Retrying ' : 'Dismissing ') + words.plural(incident.open_tasks, 'task')
            + '…';
        return call.then(function (answer) {
            var done = action === 'retry' ? answer.retried : answer.dismissed;
            self.status.textContent = (action === 'retry' ? 'Retried ' : 'Dismissed ')
                + words.plural(typeof done === 'number' ? done : incident.open_tasks, 'task') + ' of “' + incident.title + '”.';
            if (self.filters.incident_id === incident.id) {
                self.filters.incident_id = '';
            }
            return self.load();
        }, function (error) {
            self.status.textContent = (action === 'retry' ? 'Retry all' : 'Dismiss all') + ' failed: ' + error.message;
        });
    };

    Widget.prototype.confirmTasks = function (action) {
        var self = this;
        var tasks = this.tasks.slice();
        var verb = action === 'retry' ? 'Retry' : 'Dismiss';
        var filtered = this.filters.incident_id || this.filters.task_type || this.filters.user;
        this.ask([
            verb + ' ' + tasks.length + ' failed task' + (tasks.length === 1 ? '' : 's')
                + (filtered ? ' (the filtered set)' : ' of all users') + '?',
            'People affected: ' + peopleLine(peopleOfTasks(tasks))
        ], verb + ' ' + tasks.length, function () { self.bulk(action, tasks); });
    };

    Widget.prototype.bulk = function (action, tasks) {
        var self = this;
        var done = 0;
        var failed = [];
        self.status.textContent = (action === 'retry' ? 'Retrying ' : 'Dismissing ') + tasks.length + '…';
        var queue = tasks.slice();
        function next() {
            var task = queue.shift();
            if (!task) {
                return Promise.resolve();
            }
            var call = action === 'retry' ? api.retryTask(task.id) : api.dismissTask(task.id);
            return call.then(function () { done++; }, function (error) {
                failed.push(words.summary(task) + ': ' + error.message);
            }).then(next);
        }
        return Promise.all([next(), next(), next(), next()]).then(function () {
            self.status.textContent = (action === 'retry' ? 'Retried ' : 'Dismissed ') + done + ' of ' + tasks.length + '.'
                + (failed.length ? ' Not done: ' + failed.join('; ') : '');
            return self.load();
        });
    };

    function init(overrides) {
        var root = document.querySelector('[data-tasklane-widget]');
        if (!root || !global.TasklaneApi) {
            return null;
        }
        api = global.TasklaneApi.configure(Object.assign({}, global.TasklaneConfig || {}, overrides || {}));
        el = api.dom.el;
        clear = api.dom.clear;
        words = api.words;
        root.hidden = true;
        return api.caller().then(function (caller) {
            if (!caller || (caller.role !== 'supervisor' && caller.role !== 'admin')) {
                return null;
            }
            root.hidden = false;
            var widget = new Widget(root);
            var refresh = null;
            function later() {
                global.clearTimeout(refresh);
                refresh = global.setTimeout(function () { widget.load(); }, 300);
            }
            function listen() {
                var monitor = global.TaskMonitor && global.TaskMonitor.instance();
                if (!monitor) {
                    return false;
                }
                monitor.on('task', later);
                monitor.on('incident', later);
                return true;
            }
            if (!listen()) {
                var tries = 0;
                var wait = global.setInterval(function () {
                    if (listen() || ++tries > 50) {
                        global.clearInterval(wait);
                    }
                }, 100);
            }
            return widget.mount().then(function () { return widget; });
        });
    }

    global.FailedTasksWidget = { init: init };

    if (global.TasklaneApi) {
        global.TasklaneApi.dom.autoInit(init);
    } else if (global.console) {
        global.console.error('Tasklane: load js/core/api-client.js before ' + (document.currentScript || {}).src);
    }
})(window, document);
