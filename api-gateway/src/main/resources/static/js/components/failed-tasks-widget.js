/*
 * The supervisors' failed-tasks widget: everyone's failures, summarised by task type, listed with who, what and when,
 * filtered by task type and user, with bulk Retry and Dismiss of the filtered set after a confirmation that says how
 * many. Needs api-client.js and task-monitor.js (task-notifications.js starts the monitor it listens to). It fills
 * the element with the attribute data-tasklane-widget when the signed-in person is a supervisor or an admin, and
 * hides that element for everyone else. Every text from the server is inserted as text, never as HTML.
 */
(function (global, document) {
    'use strict';

    var CSS = [
        '.tl-widget{font:14px/1.4 system-ui,sans-serif;color:#222;border:1px solid #ddd;border-radius:8px;padding:16px;background:#fff}',
        '.tl-widget h2{margin:0 0 12px;font-size:18px}',
        '.tl-widget table{border-collapse:collapse;width:100%;margin:0 0 12px}',
        '.tl-widget th,.tl-widget td{text-align:left;border-bottom:1px solid #eee;padding:6px 8px;vertical-align:top}',
        '.tl-widget__filters{display:flex;gap:12px;flex-wrap:wrap;align-items:end;margin:0 0 12px}',
        '.tl-widget__filters label{display:flex;flex-direction:column;font-size:12px;color:#555}',
        '.tl-widget__confirm{background:#fff8e1;border:1px solid #ffb300;border-radius:6px;padding:8px 12px;margin:0 0 12px}',
        '.tl-widget__status{color:#555;margin:0 0 8px}',
        '.tl-widget button{border:1px solid #999;background:#f5f5f5;border-radius:4px;padding:4px 10px;cursor:pointer;font:inherit}',
        '.tl-widget button:focus,.tl-widget select:focus{outline:3px solid #ffb300;outline-offset:1px}'
    ].join('\n');

    function el(tag, attributes, children) {
        var node = document.createElement(tag);
        Object.keys(attributes || {}).forEach(function (name) {
            if (name === 'text') {
                node.textContent = attributes.text;
            } else {
                node.setAttribute(name, attributes[name]);
            }
        });
        (children || []).forEach(function (child) {
            node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
        });
        return node;
    }

    function when(value) {
        var date = new Date(value);
        return value && !isNaN(date.getTime()) ? date.toLocaleString() : '';
    }

    function clear(node) {
        while (node.firstChild) {
            node.removeChild(node.firstChild);
        }
    }

    function table(headers, rows) {
        return el('table', {}, [el('thead', {}, [el('tr', {}, headers.map(function (text) {
            return el('th', { scope: 'col', text: text });
        }))]), el('tbody', {}, rows.map(function (cells) {
            return el('tr', {}, cells.map(function (text) { return el('td', { text: String(text) }); }));
        }))]);
    }

    function Widget(root, api) {
        this.root = root;
        this.api = api;
        this.filters = { task_type: '', user: '' };
        this.tasks = [];
        this.summary = null;
        this.pending = null;
    }

    Widget.prototype.mount = function () {
        if (!document.getElementById('tl-widget-styles')) {
            document.head.appendChild(el('style', { id: 'tl-widget-styles', text: CSS }));
        }
        this.root.classList.add('tl-widget');
        this.root.setAttribute('role', 'region');
        this.root.setAttribute('aria-labelledby', 'tl-widget-title');
        clear(this.root);
        this.root.appendChild(el('h2', { id: 'tl-widget-title', text: 'Failed tasks of everyone' }));
        this.summaryBox = el('div', { 'class': 'tl-widget__summary' });
        this.typeSelect = el('select', { name: 'task_type' });
        this.userSelect = el('select', { name: 'user' });
        this.retryButton = el('button', { type: 'button', 'data-action': 'bulk-retry', text: 'Retry these' });
        this.dismissButton = el('button', { type: 'button', 'data-action': 'bulk-dismiss', text: 'Dismiss these' });
        this.confirmBox = el('div', { 'class': 'tl-widget__confirm', role: 'alertdialog', 'aria-live': 'polite' });
        this.confirmBox.hidden = true;
        this.status = el('p', { 'class': 'tl-widget__status', role: 'status' });
        this.listBox = el('div', { 'class': 'tl-widget__list' });
        this.root.appendChild(this.summaryBox);
        this.root.appendChild(el('div', { 'class': 'tl-widget__filters' }, [
            el('label', {}, ['Task type', this.typeSelect]), el('label', {}, ['User', this.userSelect]),
            this.retryButton, this.dismissButton]));
        this.root.appendChild(this.confirmBox);
        this.root.appendChild(this.status);
        this.root.appendChild(this.listBox);
        var self = this;
        this.typeSelect.addEventListener('change', function () { self.filters.task_type = self.typeSelect.value; self.load(); });
        this.userSelect.addEventListener('change', function () { self.filters.user = self.userSelect.value; self.load(); });
        this.retryButton.addEventListener('click', function () { self.confirm('retry'); });
        this.dismissButton.addEventListener('click', function () { self.confirm('dismiss'); });
        return this.load();
    };

    Widget.prototype.load = function () {
        var self = this;
        return Promise.all([this.api.failedTasksSummary(), this.api.allFailedTasks({ limit: 200,
            task_type: this.filters.task_type, user: this.filters.user })]).then(function (answers) {
            self.summary = answers[0];
            self.tasks = answers[1].tasks || [];
            self.render();
        }, function (error) {
            self.status.textContent = 'Could not load everyone\'s failures: ' + error.message;
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

    Widget.prototype.render = function () {
        var api = this.api;
        var summary = this.summary || { by_task_type: [], by_user: [], total: 0 };
        clear(this.summaryBox);
        this.summaryBox.appendChild(table(['Task', 'Failed', 'People affected', 'Newest failure'],
            summary.by_task_type.map(function (row) {
                return [api.taskLabel(row.task_type), row.failed_count, row.affected_users, when(row.newest_failed_at)];
            })));
        this.options(this.typeSelect, summary.by_task_type.map(function (row) {
            return { value: row.task_type, text: api.taskLabel(row.task_type) };
        }), this.filters.task_type, 'All task types');
        this.options(this.userSelect, summary.by_user.map(function (row) {
            return { value: row.created_by, text: row.created_by + ' (' + row.failed_count + ')' };
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
        this.listBox.appendChild(table(['Who', 'What', 'When', 'Error'], this.tasks.map(function (task) {
            return [task.created_by, api.taskLabel(task.task_type) + ' for ' + task.entity_type + ' ' + task.entity_name,
                when(task.failed_at), task.error_message || ''];
        })));
    };

    Widget.prototype.confirm = function (action) {
        var self = this;
        var tasks = this.tasks.slice();
        clear(this.confirmBox);
        var verb = action === 'retry' ? 'Retry' : 'Dismiss';
        var yes = el('button', { type: 'button', 'data-action': 'confirm', text: verb + ' ' + tasks.length });
        var no = el('button', { type: 'button', 'data-action': 'cancel', text: 'Cancel' });
        this.confirmBox.appendChild(el('p', { text: verb + ' ' + tasks.length + ' failed task' + (tasks.length === 1 ? '' : 's')
            + (this.filters.task_type || this.filters.user ? ' (the filtered set)' : ' of all users') + '?' }));
        this.confirmBox.appendChild(el('div', {}, [yes, ' ', no]));
        this.confirmBox.hidden = false;
        yes.focus();
        no.addEventListener('click', function () { self.confirmBox.hidden = true; });
        yes.addEventListener('click', function () {
            self.confirmBox.hidden = true;
            self.bulk(action, tasks);
        });
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
            var call = action === 'retry' ? self.api.retryTask(task.id) : self.api.dismissTask(task.id);
            return call.then(function () { done++; }, function (error) {
                failed.push(task.entity_name + ': ' + error.message);
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
        var api = global.TasklaneApi.configure(Object.assign({}, global.TasklaneConfig || {}, overrides || {}));
        root.hidden = true;
        return api.caller().then(function (caller) {
            if (!caller || (caller.role !== 'supervisor' && caller.role !== 'admin')) {
                return null;
            }
            root.hidden = false;
            var widget = new Widget(root, api);
            var refresh = null;
            function listen() {
                var monitor = global.TaskMonitor && global.TaskMonitor.instance();
                if (!monitor) {
                    return false;
                }
                monitor.on('task', function () {
                    global.clearTimeout(refresh);
                    refresh = global.setTimeout(function () { widget.load(); }, 300);
                });
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

    function autoInit() {
        if ((global.TasklaneConfig || {}).autoInit !== false) {
            init();
        }
    }
    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', autoInit);
    } else {
        autoInit();
    }
})(window, document);
