/*
 * Tasklane API client: one small client for the gateway's endpoints. Include before </body>; no build step.
 *
 *   TasklaneApi.configure({ baseUrl: 'https://tasks.example.com', getToken: () => myToken });
 *
 * The token comes, in this order, from options.getToken, the page's Supabase session (window.supabaseClient or
 * window.supabase with auth.getSession), or the demo sign-in of dashboard.html (localStorage "tasklane.token").
 * Every failure is a TasklaneApiError whose message a person can read. A 401 fires one "tasklane:session-expired"
 * event on window (not one per request) until a call succeeds again.
 *
 * It also holds what both components share, so neither copies it: the words for tasks and people (TasklaneApi.words)
 * and the DOM helpers that only ever insert server text as text (TasklaneApi.dom). The words for each task type come
 * from the gateway (GET /task-types, Tasklane's registry of task types), loaded once before the first call; a page's
 * TasklaneConfig.labels wins over them, and while they cannot be loaded a type is named by its name in words
 * ("Calculate drive times") and the next call tries again.
 */
(function (global) {
    'use strict';

    var TOKEN_KEY = 'tasklane.token';
    /** How long the first call waits for the words of the task types before it goes ahead without them. */
    var TASK_TYPES_TIMEOUT_MS = 3000;
    /** Task types in the business's words, from GET /task-types; a page adds or changes them with TasklaneConfig.labels. */
    var LABELS = {};
    /** What finished tasks of a type achieved, for "Google Maps answers again: 12 drive times computed". */
    var DONE = {};
    var taskTypesLoad = null;
    var NAMELESS = 'someone without a name in their sign-in';
    var settings = { baseUrl: '', getToken: null, labels: {} };
    var sessionExpired = false;

    function TasklaneApiError(message, status, fields) {
        this.name = 'TasklaneApiError';
        this.message = message;
        this.status = status;
        this.fields = fields || {};
    }
    TasklaneApiError.prototype = Object.create(Error.prototype);
    TasklaneApiError.prototype.constructor = TasklaneApiError;

    function configure(options) {
        options = options || {};
        if (options.baseUrl !== undefined) {
            var baseUrl = String(options.baseUrl).replace(/\/+$/, '');
            if (baseUrl !== settings.baseUrl) {
                taskTypesLoad = null;
            }
            settings.baseUrl = baseUrl;
        }
        if (options.getToken !== undefined) {
            settings.getToken = options.getToken;
        }
        if (options.labels) {
            settings.labels = options.labels;
        }
        return api;
    }

    function supabaseSessionToken() {
        var client = global.supabaseClient || (global.supabase && global.supabase.auth ? global.supabase : null);
        if (!client || !client.auth || typeof client.auth.getSession !== 'function') {
            return Promise.resolve(null);
        }
        return client.auth.getSession().then(function (result) {
            var session = result && result.data && result.data.session;
            return session ? session.access_token : null;
        }, function () { return null; });
    }

    /** The caller's token, or null when nobody is signed in. */
    function token() {
        if (typeof settings.getToken === 'function') {
            return Promise.resolve(settings.getToken());
        }
        return supabaseSessionToken().then(function (fromSupabase) {
            if (fromSupabase) {
                return fromSupabase;
            }
            try {
                return global.localStorage.getItem(TOKEN_KEY);
            } catch (e) {
                return null;
            }
        });
    }

    /** The claims of a token (not verified: the server does that), or null. */
    function claims(jwt) {
        if (!jwt) {
            return null;
        }
        try {
            var part = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
            while (part.length % 4) {
                part += '=';
            }
            return JSON.parse(decodeURIComponent(Array.prototype.map.call(global.atob(part), function (c) {
                return '%' + ('00' + c.charCodeAt(0).toString(16)).slice(-2);
            }).join('')));
        } catch (e) {
            return null;
        }
    }

    /** The signed-in person: {id, role} from the token, or null. */
    function caller() {
        return token().then(function (jwt) {
            var c = claims(jwt);
            if (!c) {
                return null;
            }
            var role = (c.app_metadata && c.app_metadata.role) || 'user';
            return { id: c.sub, role: role, email: c.email || null };
        });
    }

    function readableDefault(status) {
        if (status === 401) {
            return 'Your session has expired. Sign in again.';
        }
        if (status === 403) {
            return 'You are not allowed to do this.';
        }
        if (status === 404) {
            return 'Not found: it may have been removed meanwhile.';
        }
        if (status === 429) {
            return 'Too many requests; wait a moment and try again.';
        }
        if (status >= 500) {
            return 'Tasklane is having trouble (HTTP ' + status + '). Try again in a minute.';
        }
        return 'The request failed (HTTP ' + status + ').';
    }

    function expired() {
        if (!sessionExpired) {
            sessionExpired = true;
            global.dispatchEvent(new CustomEvent('tasklane:session-expired'));
        }
    }

    /**
     * Loads the words of the task types from the gateway once; never rejects. If they cannot be loaded (or take longer
     * than TASK_TYPES_TIMEOUT_MS), the next call tries again.
     */
    function loadTaskTypes() {
        if (taskTypesLoad) {
            return taskTypesLoad;
        }
        var load = global.fetch(settings.baseUrl + '/task-types', { headers: { 'Accept': 'application/json' } })
            .then(function (response) {
                if (!response.ok) {
                    throw new Error('HTTP ' + response.status);
                }
                return response.json();
            })
            .then(function (json) {
                (json.task_types || []).forEach(function (type) {
                    LABELS[type.task_type] = type.label;
                    DONE[type.task_type] = type.done;
                });
            });
        var timeout = new Promise(function (resolve, reject) {
            global.setTimeout(function () { reject(new Error('timeout')); }, TASK_TYPES_TIMEOUT_MS);
        });
        taskTypesLoad = Promise.race([load, timeout]).then(function () { return true; }, function () {
            taskTypesLoad = null;
            return false;
        });
        return taskTypesLoad;
    }

    /** Calls the gateway; resolves with the JSON answer, rejects with a TasklaneApiError. */
    function request(method, path, body, headers) {
        return loadTaskTypes().then(token).then(function (jwt) {
            var init = { method: method, headers: { 'Accept': 'application/json' } };
            if (jwt) {
                init.headers.Authorization = 'Bearer ' + jwt;
            }
            if (body !== undefined) {
                init.headers['Content-Type'] = 'application/json';
                init.body = JSON.stringify(body);
            }
            Object.keys(headers || {}).forEach(function (name) { init.headers[name] = headers[name]; });
            return global.fetch(settings.baseUrl + path, init).then(function (response) {
                return response.text().then(function (text) {
                    var json = null;
                    try {
                        json = text ? JSON.parse(text) : {};
                    } catch (e) {
                        json = null;
                    }
                    if (response.status === 401) {
                        expired();
                    } else if (response.ok) {
                        sessionExpired = false;
                    }
                    if (!response.ok) {
                        throw new TasklaneApiError((json && (json.message || json.error)) || readableDefault(response.status),
                            response.status, json && json.fields);
                    }
                    return json || {};
                });
            }, function () {
                throw new TasklaneApiError('Could not reach Tasklane: check your connection and try again.', 0);
            });
        });
    }

    function query(params) {
        var parts = [];
        Object.keys(params || {}).forEach(function (name) {
            if (params[name] !== undefined && params[name] !== null && params[name] !== '') {
                parts.push(encodeURIComponent(name) + '=' + encodeURIComponent(params[name]));
            }
        });
        return parts.length ? '?' + parts.join('&') : '';
    }

    function newIdempotencyKey() {
        if (global.crypto && typeof global.crypto.randomUUID === 'function') {
            return global.crypto.randomUUID();
        }
        return String(Date.now()) + '-' + Math.random().toString(16).slice(2);
    }

    /** A task type in business words: 'calculate_drive_times' -> 'Drive times'. */
    function taskLabel(taskType) {
        var label = settings.labels[taskType] || LABELS[taskType];
        if (label) {
            return label;
        }
        var words = String(taskType || 'Task').replace(/_/g, ' ');
        return words.charAt(0).toUpperCase() + words.slice(1);
    }

    function plural(count, one, many) {
        return count + ' ' + (count === 1 ? one : (many || one + 's'));
    }

    /** The words every view uses for a task and its people; never a bare id. */
    var words = {
        plural: plural,
        /** The person who asked for the task, by name: created_by_name, else a phrase (never the id). */
        person: function (task) {
            var name = task && (task.created_by_name || task.name);
            return name ? String(name) : NAMELESS;
        },
        /** The record in business words: the server's summary, else "Drive times for client Jane Doe". */
        summary: function (task) {
            if (task && task.summary) {
                return String(task.summary);
            }
            return taskLabel(task && task.task_type) + ' for ' + ((task && task.entity_type) || 'record') + ' '
                + ((task && task.entity_name) || '');
        },
        /** "12 drive times computed" (falls back to "12 tasks done"). */
        done: function (taskType, count) {
            var phrase = DONE[taskType];
            return phrase ? plural(count, phrase[0], phrase[1]) : plural(count, 'task') + ' done';
        },
        /** A date and time in the reader's locale, or '' for none. */
        when: function (value) {
            if (!value) {
                return '';
            }
            var date = new Date(value);
            return isNaN(date.getTime()) ? String(value) : date.toLocaleString();
        },
        /** The time of day ("10:02") for today, else the date and time. */
        clock: function (value) {
            if (!value) {
                return '';
            }
            var date = new Date(value);
            if (isNaN(date.getTime())) {
                return String(value);
            }
            var time = date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
            return date.toDateString() === new Date().toDateString() ? time : date.toLocaleDateString() + ' ' + time;
        }
    };

    /** DOM helpers: {text: …} is set with textContent, so a name like <img onerror=…> shows as those characters. */
    var dom = {
        el: function (tag, attributes, children) {
            var node = global.document.createElement(tag);
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
                if (child !== null && child !== undefined) {
                    node.appendChild(typeof child === 'string' ? global.document.createTextNode(child) : child);
                }
            });
            return node;
        },
        clear: function (node) {
            while (node.firstChild) {
                node.removeChild(node.firstChild);
            }
        },
        style: function (id, css) {
            if (!global.document.getElementById(id)) {
                global.document.head.appendChild(dom.el('style', { id: id, text: css }));
            }
        },
        /** Runs a component's init once the page is parsed, unless the page set TasklaneConfig.autoInit to false. */
        autoInit: function (init) {
            function run() {
                if ((global.TasklaneConfig || {}).autoInit !== false) {
                    init();
                }
            }
            if (global.document.readyState === 'loading') {
                global.document.addEventListener('DOMContentLoaded', run);
            } else {
                run();
            }
        }
    };

    var api = {
        configure: configure,
        /** Resolves (true, or false when they could not be loaded) once the words of the task types are loaded. */
        taskTypes: loadTaskTypes,
        taskLabel: taskLabel,
        words: words,
        dom: dom,
        token: token,
        claims: claims,
        caller: caller,
        request: request,
        newIdempotencyKey: newIdempotencyKey,
        TasklaneApiError: TasklaneApiError,
        baseUrl: function () { return settings.baseUrl; },
        /** POST /add-client; the Idempotency-Key makes a double submit return the first answer. */
        addClient: function (client, idempotencyKey) {
            return request('POST', '/add-client', client, { 'Idempotency-Key': idempotencyKey || newIdempotencyKey() });
        },
        /** The caller's failures; params: limit, task_type, incident_id. */
        failedTasks: function (params) { return request('GET', '/get-failed-tasks' + query(params)); },
        /** Everyone's failures (supervisors, admins); params: limit, task_type, user, incident_id. */
        allFailedTasks: function (params) { return request('GET', '/get-all-failed-tasks' + query(params)); },
        /** Failures grouped by cause, and what is waiting for an outage: {incidents: [...], waiting: [...]}. */
        incidents: function (params) { return request('GET', '/incidents' + query(params)); },
        retryIncident: function (incidentId) { return request('POST', '/retry-incident', { incident_id: incidentId }); },
        dismissIncident: function (incidentId) { return request('POST', '/dismiss-incident', { incident_id: incidentId }); },
        failedTasksSummary: function () { return request('GET', '/get-failed-tasks-summary'); },
        dismissTask: function (taskId) { return request('POST', '/dismiss-task', { task_id: taskId }); },
        dismissAllTasks: function () { return request('POST', '/dismiss-all-tasks', {}); },
        retryTask: function (taskId) { return request('POST', '/retry-task', { task_id: taskId }); },
        entityTasks: function (entityType, entityId) {
            return request('GET', '/tasks' + query({ entity_type: entityType, entity_id: entityId }));
        },
        /** The URL of the task stream: EventSource cannot send headers, so the token rides in the query. */
        streamUrl: function (lastEventId, path) {
            return token().then(function (jwt) {
                return settings.baseUrl + (path || '/task-events') + query({ access_token: jwt, last_event_id: lastEventId });
            });
        }
    };

    global.TasklaneApi = api;
})(window);
