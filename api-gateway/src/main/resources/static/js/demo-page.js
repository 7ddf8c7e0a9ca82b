/*
 * The demo pages' own behaviour (dashboard.html, clients.html): sign in with a pasted token, add a client and show
 * the instant answer, list the clients added in this tab with the state of their tasks. A real app has its own
 * sign-in (Supabase) and forms; only the four Tasklane scripts are meant to be dropped into it.
 */
(function (global, document) {
    'use strict';

    var TOKEN_KEY = 'tasklane.token';
    var RECENT_KEY = 'tasklane.recent-clients';
    var api = global.TasklaneApi;

    function $(selector) {
        return document.querySelector(selector);
    }

    function signedIn() {
        var token = global.localStorage.getItem(TOKEN_KEY);
        var claims = api.claims(token);
        if (!claims || (claims.exp && claims.exp * 1000 < Date.now())) {
            return null;
        }
        return claims;
    }

    function setUpSignIn() {
        var claims = signedIn();
        $('#sign-in').hidden = !!claims;
        $('#signed-in').hidden = !claims;
        $('#app').hidden = !claims;
        if (claims) {
            var role = (claims.app_metadata && claims.app_metadata.role) || 'user';
            var meta = claims.user_metadata || {};
            $('#who').textContent = (meta.full_name || meta.name || claims.email || 'someone without a name in their sign-in')
                + ' (' + role + ')';
        }
        $('#sign-in-form').addEventListener('submit', function (event) {
            event.preventDefault();
            var token = $('#sign-in-form textarea').value.trim();
            var candidate = api.claims(token);
            if (!candidate || !candidate.sub) {
                $('#sign-in-error').textContent = 'That is not a token: paste the whole line ./tasklane up printed '
                    + '(three parts separated by dots).';
                return;
            }
            if (candidate.exp && candidate.exp * 1000 < Date.now()) {
                $('#sign-in-error').textContent = 'That token has expired: mint a new one with ./tasklane token.';
                return;
            }
            global.localStorage.setItem(TOKEN_KEY, token);
            global.location.reload();
        });
        $('#sign-out').addEventListener('click', function () {
            global.localStorage.removeItem(TOKEN_KEY);
            global.location.reload();
        });
    }

    function recent() {
        try {
            return JSON.parse(global.sessionStorage.getItem(RECENT_KEY) || '[]');
        } catch (e) {
            return [];
        }
    }

    function renderRecent() {
        var list = $('#recent-clients');
        if (!list) {
            return;
        }
        var clients = recent();
        while (list.firstChild) {
            list.removeChild(list.firstChild);
        }
        clients.forEach(function (client) {
            var item = document.createElement('li');
            item.textContent = client.name + ': ';
            var state = document.createElement('span');
            state.className = 'task-states';
            state.textContent = 'checking…';
            item.appendChild(state);
            list.appendChild(item);
            api.entityTasks('client', client.id).then(function (answer) {
                state.textContent = (answer.tasks || []).map(function (task) {
                    var waiting = task.waiting_since && (task.status === 'pending' || task.status === 'running');
                    return api.taskLabel(task.task_type) + ' ' + (waiting ? 'waiting for '
                        + (task.waiting_for_name || task.waiting_for) : task.status);
                }).join(', ') || 'no tasks yet';
            }, function (error) {
                state.textContent = error.message;
            });
        });
    }

    function setUpAddClient() {
        var form = $('#add-client-form');
        if (!form) {
            return;
        }
        var idempotencyKey = api.newIdempotencyKey();
        form.addEventListener('input', function () {
            idempotencyKey = api.newIdempotencyKey();   // a changed form is a new request; a double click is not
        });
        form.addEventListener('submit', function (event) {
            event.preventDefault();
            var answer = $('#add-client-answer');
            form.querySelectorAll('.field-error').forEach(function (node) { node.textContent = ''; });
            var client = {};
            ['name', 'phone', 'email', 'address'].forEach(function (name) {
                var value = form.elements[name].value.trim();
                if (value) {
                    client[name] = value;
                }
            });
            var started = global.performance.now();
            var button = form.querySelector('button[type=submit]');
            button.disabled = true;
            api.addClient(client, idempotencyKey).then(function (saved) {
                var millis = Math.round(global.performance.now() - started);
                answer.className = 'answer ok';
                answer.textContent = saved.message + ' (answered in ' + millis + ' ms; client ' + saved.client_id + ')';
                var clients = recent();
                clients.unshift({ id: saved.client_id, name: client.name });
                global.sessionStorage.setItem(RECENT_KEY, JSON.stringify(clients.slice(0, 10)));
                renderRecent();
                form.reset();
                idempotencyKey = api.newIdempotencyKey();
            }, function (error) {
                answer.className = 'answer error';
                answer.textContent = error.message;
                Object.keys(error.fields || {}).forEach(function (field) {
                    var slot = form.querySelector('[data-error-for="' + field + '"]');
                    if (slot) {
                        slot.textContent = error.fields[field];
                    }
                });
            }).then(function () { button.disabled = false; });
        });
        var monitor = null;
        var waits = 0;
        var hook = global.setInterval(function () {
            monitor = global.TaskMonitor && global.TaskMonitor.instance();
            if (monitor || ++waits > 50) {
                global.clearInterval(hook);
                if (monitor) {
                    monitor.on('task', renderRecent);
                }
            }
        }, 100);
        renderRecent();
    }

    setUpSignIn();
    setUpAddClient();
})(window, document);
