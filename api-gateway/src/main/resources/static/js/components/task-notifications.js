/*
 * Task failure notifications: a toast per new failure, a header badge with the count of undismissed failures, and a
 * slide-out panel listing them with Retry, Dismiss and Dismiss all. Needs api-client.js and task-monitor.js; include
 * all three before </body>. It starts by itself when the page has loaded (set window.TasklaneConfig = {autoInit:
 * false} to start it yourself with TaskNotifications.init(options)). Put an element with the attribute
 * data-tasklane-badge in your header to choose where the badge goes; otherwise it floats top right.
 *
 * Options (window.TasklaneConfig or init): baseUrl, getToken, pollInterval, streamPath, supabaseUrl, supabaseAnonKey,
 * toastDuration (ms a toast stays; default 20000), labels ({task_type: 'Business words'}).
 * Every text from the server is inserted as text, never as HTML.
 */
(function (global, document) {
    'use strict';

    var MAX_TOASTS = 4;
    var CSS = [
        '.tl-toasts{position:fixed;right:16px;bottom:16px;z-index:10000;display:flex;flex-direction:column;gap:8px;max-width:420px;font:14px/1.4 system-ui,sans-serif}',
        '.tl-toast{background:#fff;border-left:5px solid #c62828;border-radius:6px;box-shadow:0 4px 16px rgba(0,0,0,.2);padding:12px 14px;color:#222}',
        '.tl-toast--info{border-left-color:#1565c0}',
        '.tl-toast__title{font-weight:600;margin:0 24px 4px 0}',
        '.tl-toast__message{margin:0 0 8px;white-space:pre-wrap;word-break:break-word}',
        '.tl-toast__close{float:right;background:none;border:0;font-size:18px;line-height:1;cursor:pointer;color:#555}',
        '.tl-actions{display:flex;gap:8px;flex-wrap:wrap}',
        '.tl-button{border:1px solid #999;background:#f5f5f5;border-radius:4px;padding:4px 10px;cursor:pointer;font:inherit}',
        '.tl-button--primary{background:#1565c0;border-color:#1565c0;color:#fff}',
        '.tl-button:focus,.tl-badge:focus,.tl-toast__close:focus{outline:3px solid #ffb300;outline-offset:1px}',
        '.tl-badge{position:relative;border:1px solid #ccc;background:#fff;border-radius:16px;padding:4px 12px;cursor:pointer;font:14px system-ui,sans-serif}',
        '.tl-badge--floating{position:fixed;top:12px;right:16px;z-index:10000}',
        '.tl-badge__count{display:inline-block;min-width:18px;margin-left:6px;padding:0 5px;border-radius:9px;background:#c62828;color:#fff;font-weight:600;text-align:center}',
        '.tl-badge--empty .tl-badge__count{background:#9e9e9e}',
        '.tl-panel{position:fixed;top:0;right:0;bottom:0;width:min(440px,100%);background:#fff;box-shadow:-4px 0 16px rgba(0,0,0,.2);z-index:10001;display:flex;flex-direction:column;font:14px/1.4 system-ui,sans-serif;color:#222;transform:translateX(0);transition:transform .2s}',
        '.tl-panel[hidden]{display:none}',
        '.tl-panel__header{display:flex;align-items:center;gap:8px;padding:12px 16px;border-bottom:1px solid #eee}',
        '.tl-panel__title{flex:1;margin:0;font-size:16px}',
        '.tl-panel__list{list-style:none;margin:0;padding:8px 16px;overflow:auto;flex:1}',
        '.tl-panel__item{border-bottom:1px solid #eee;padding:10px 0}',
        '.tl-panel__item h3{margin:0 0 2px;font-size:14px}',
        '.tl-panel__meta{color:#666;font-size:12px;margin:0 0 4px}',
        '.tl-panel__error{margin:0 0 6px;white-space:pre-wrap;word-break:break-word}',
        '.tl-panel__empty{color:#666;padding:16px 0}',
        '.tl-problem{color:#c62828;margin:6px 0 0}'
    ].join('\n');

    var options = {};
    var api;
    var monitor;
    var toastRegion;
    var badge;
    var badgeCount;
    var panel;
    var panelList;
    var panelTitle;
    var toasts = {};
    var sessionToastShown = false;

    function el(tag, attributes, children) {
        var node = document.createElement(tag);
        Object.keys(attributes || {}).forEach(function (name) {
            if (name === 'text') {
                node.textContent = attributes.text;
            } else if (name === 'onclick') {
                node.addEventListener('click', attributes.onclick);
            } else {
                node.setAttribute(name, attributes[name]);
            }
        });
        (children || []).forEach(function (child) {
            node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
        });
        return node;
    }

    function titleOf(task) {
        return api.taskLabel(task.task_type) + ' failed for ' + (task.entity_type || 'record') + ' ' + (task.entity_name || '');
    }

    function when(value) {
        if (!value) {
            return '';
        }
        var date = new Date(value);
        return isNaN(date.getTime()) ? String(value) : date.toLocaleString();
    }

    function injectStyles() {
        if (!document.getElementById('tl-styles')) {
            document.head.appendChild(el('style', { id: 'tl-styles', text: CSS }));
        }
    }

    function problem(container, message) {
        var existing = container.querySelector('.tl-problem');
        if (existing) {
            existing.remove();
        }
        container.appendChild(el('p', { 'class': 'tl-problem', role: 'status', text: message }));
    }

    function retry(task, button, container) {
        button.disabled = true;
        button.textContent = 'Retrying…';
        return api.retryTask(task.id).then(function () {
            closeToast(task.id);
        }, function (error) {
            button.disabled = false;
            button.textContent = 'Retry';
            problem(container, 'Retry failed: ' + error.message);
        });
    }

    function dismiss(task, button, container) {
        button.disabled = true;
        return api.dismissTask(task.id).then(function () {
            closeToast(task.id);
            monitor.forget(task.id);
        }, function (error) {
            button.disabled = false;
            problem(container, 'Dismiss failed: ' + error.message);
        });
    }

    function closeToast(id) {
        var toast = toasts[id];
        if (toast) {
            delete toasts[id];
            global.clearTimeout(toast.timer);
            toast.node.remove();
        }
    }

    function showToast(id, kind, title, message, actions) {
        closeToast(id);
        var ids = Object.keys(toasts);
        if (ids.length >= MAX_TOASTS) {
            closeToast(ids[0]);
        }
        var close = el('button', { type: 'button', 'class': 'tl-toast__close', 'aria-label': 'Close this notice',
            text: '×', onclick: function () { closeToast(id); } });
        var node = el('div', { 'class': 'tl-toast' + (kind === 'info' ? ' tl-toast--info' : ''), role: 'alert',
            'data-task-id': id }, [close, el('p', { 'class': 'tl-toast__title', text: title }),
            el('p', { 'class': 'tl-toast__message', text: message })]);
        if (actions.length) {
            node.appendChild(el('div', { 'class': 'tl-actions' }, actions.map(function (make) { return make(node); })));
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
    }

    function failureToast(task) {
        showToast(task.id, 'error', titleOf(task), task.error_message || 'It failed without saying why.', [
            function (container) {
                var button = el('button', { type: 'button', 'class': 'tl-button tl-button--primary', 'data-action': 'retry',
                    text: 'Retry' });
                button.addEventListener('click', function () { retry(task, button, container); });
                return button;
            },
            function (container) {
                var button = el('button', { type: 'button', 'class': 'tl-button', 'data-action': 'dismiss', text: 'Dismiss' });
                button.addEventListener('click', function () { dismiss(task, button, container); });
                return button;
            }
        ]);
    }

    function renderBadge(tasks) {
        var failed = tasks.filter(function (task) { return !task.retrying; }).length;
        badgeCount.textContent = String(failed);
        badge.classList.toggle('tl-badge--empty', failed === 0);
        badge.setAttribute('aria-label', failed === 0 ? 'No failed tasks' : failed + ' failed task' + (failed === 1 ? '' : 's')
            + ': show them');
    }

    function renderPanel(tasks) {
        panelTitle.textContent = 'Failed tasks (' + tasks.filter(function (task) { return !task.retrying; }).length + ')';
        while (panelList.firstChild) {
            panelList.removeChild(panelList.firstChild);
        }
        if (!tasks.length) {
            panelList.appendChild(el('li', { 'class': 'tl-panel__empty',
                text: 'No failed tasks. If a background task fails, it shows up here.' }));
            return;
        }
        tasks.forEach(function (task) {
            var item = el('li', { 'class': 'tl-panel__item', 'data-task-id': task.id }, [
                el('h3', { text: titleOf(task) }),
                el('p', { 'class': 'tl-panel__meta', text: task.retrying ? 'Retrying (attempt ' + task.attempt + ')…'
                    : 'Failed ' + when(task.failed_at) + ' · attempt ' + task.attempt }),
                el('p', { 'class': 'tl-panel__error', text: task.error_message || '' })
            ]);
            if (!task.retrying) {
                var retryButton = el('button', { type: 'button', 'class': 'tl-button tl-button--primary',
                    'data-action': 'retry', text: 'Retry' });
                retryButton.addEventListener('click', function () { retry(task, retryButton, item); });
                var dismissButton = el('button', { type: 'button', 'class': 'tl-button', 'data-action': 'dismiss',
                    text: 'Dismiss' });
                dismissButton.addEventListener('click', function () { dismiss(task, dismissButton, item); });
                item.appendChild(el('div', { 'class': 'tl-actions' }, [retryButton, dismissButton]));
            }
            panelList.appendChild(item);
        });
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
        injectStyles();
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
                Object.keys(toasts).forEach(closeToast);
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
        renderPanel([]);
    }

    function init(overrides) {
        if (monitor) {
            return global.TaskNotifications;
        }
        options = Object.assign({}, global.TasklaneConfig || {}, overrides || {});
        api = global.TasklaneApi.configure(options);
        global.addEventListener('tasklane:session-expired', function () {
            if (!sessionToastShown) {
                sessionToastShown = true;
                showToast('session', 'info', 'Your session has expired',
                    'Sign in again to keep hearing about failed tasks.', []);
            }
        });
        api.token().then(function (token) {
            if (!token) {
                return;     // nobody signed in: nothing to watch
            }
            mount();
            monitor = global.TaskMonitor.init(Object.assign({ api: api }, options));
            monitor.on('failure', failureToast);
            monitor.on('change', function (tasks) {
                renderBadge(tasks);
                renderPanel(tasks);
            });
            monitor.on('recovered', function (task) { closeToast(task.id); });
            monitor.on('dismissed', function (task) { closeToast(task.id); });
        });
        return global.TaskNotifications;
    }

    global.TaskNotifications = {
        init: init,
        open: function () { if (panel) { openPanel(); } },
        close: function () { if (panel) { closePanel(); } }
    };

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
