/*
 * TaskMonitor: watches the caller's task changes and tells the page about failures, incidents and waits. Needs
 * api-client.js.
 *
 *   var monitor = TaskMonitor.init({ pollInterval: 15000 });
 *   monitor.on('failure', function (task) { ... });   // a new failure of the caller's own tasks (task.incident_id)
 *   monitor.on('dismissed', fn); monitor.on('retrying', fn); monitor.on('recovered', fn);
 *   monitor.on('change', fn);   // the caller's failures changed: fn(list), retrying ones marked task.retrying
 *   monitor.on('incident', fn); // an incident (the cause several failures share) appeared or changed: fn(incident)
 *   monitor.on('waiting', fn);  // what waits for an outage changed: fn(groups), see monitor.waiting()
 *   monitor.on('waiting-over', fn); // tasks seen waiting ran after all: fn({waiting_for_name, task_type, count})
 *   monitor.on('task', fn);     // any task change the stream carries (a supervisor's carries everyone's)
 *   monitor.on('mode', fn);     // 'stream', 'polling', 'supabase', 'signed-out' or 'session-expired' (a 401 stops it)
 *
 * It listens to the gateway's /task-events stream (Server-Sent Events, token in the query: "task" and "incident"
 * events), reconnects with growing pauses and resumes from the last event id; while the stream is unavailable it polls
 * /get-failed-tasks and /incidents every pollInterval ms. With supabaseUrl and supabaseAnonKey (and supabase-js on the
 * page) it uses Supabase Realtime instead, and falls back to the gateway stream if that fails. Each failure (task and
 * attempt) is announced once per tab, however many times it arrives. A task held back by an outage (waiting_since set,
 * still pending or running) is waiting, not failed: it is never announced as a failure.
 */
(function (global) {
    'use strict';

    var DEFAULTS = {
        pollInterval: 15000,
        settleDelay: 1500,
        reconnectMin: 1000,
        reconnectMax: 30000,
        streamPath: '/task-events',
        supabaseUrl: null,
        supabaseAnonKey: null
    };

    function keyOf(task) {
        return task.id + ':' + task.attempt;
    }

    /** Tasks wait per task type and API: 'calculate_drive_times|google_maps'. */
    function waitKey(taskType, waitingFor) {
        return taskType + '|' + (waitingFor || '');
    }

    function isWaiting(task) {
        return !!task.waiting_since && (task.status === 'pending' || task.status === 'running');
    }

    /** Answers that mean "this gateway has no such endpoint yet": the monitor works on without it. */
    function unsupported(error) {
        return error && (error.status === 404 || error.status === 405 || error.status === 501);
    }

    function create(options) {
        var api = options.api || global.TasklaneApi;
        var config = {};
        Object.keys(DEFAULTS).forEach(function (name) {
            config[name] = options[name] !== undefined && options[name] !== null ? options[name] : DEFAULTS[name];
        });
        var listeners = {};
        var failures = {};          // task id -> task, the caller's undismissed failures
        var announced = {};         // "id:attempt" -> true, failures already announced in this tab
        var incidents = {};         // incident id -> incident, as /incidents and the stream's "incident" events tell
        var serverWaiting = {};     // wait key -> the server's waiting group (counts the caller's tasks)
        var ownWaiting = {};        // task id -> the caller's task while it waits (pending/running, waiting_since)
        var sawWaiting = {};        // task id -> wait key: the caller's tasks this tab saw waiting, until they end
        var tally = {};             // wait key -> {count, task_type, waiting_for, waiting_for_name}: ran after waiting
        var failedWhileWaiting = {};    // wait key -> failures (the wait deadline) seen while it waited
        var incidentsSupported = true;
        var incidentsTimer = null;
        var settleTimer = null;
        var settleSince = 0;
        var me = null;
        var source = null;
        var lastEventId = null;
        var reconnectDelay = config.reconnectMin;
        var reconnectTimer = null;
        var pollTimer = null;
        var mode = 'starting';
        var stopped = false;

        function emit(name, payload) {
            (listeners[name] || []).forEach(function (listener) {
                try {
                    listener(payload);
                } catch (e) {
                    if (global.console) {
                        global.console.error('Tasklane: a ' + name + ' listener failed', e);
                    }
                }
            });
        }

        function setMode(next) {
            if (mode !== next) {
                mode = next;
                emit('mode', next);
            }
        }

        function list() {
            return Object.keys(failures).map(function (id) { return failures[id]; })
                .sort(function (a, b) { return String(b.failed_at).localeCompare(String(a.failed_at)); });
        }

        function changed() {
            emit('change', list());
        }

        /** The caller's waits: the server's groups, plus any the stream showed that the server has not listed yet. */
        function waitingGroups() {
            var groups = {};
            Object.keys(serverWaiting).forEach(function (key) {
                groups[key] = Object.assign({}, serverWaiting[key]);
            });
            Object.keys(ownWaiting).forEach(function (id) {
                var task = ownWaiting[id];
                var key = waitKey(task.task_type, task.waiting_for);
                if (!groups[key]) {
                    groups[key] = { task_type: task.task_type, waiting_for: task.waiting_for,
                        waiting_for_name: task.waiting_for_name || task.waiting_for, since: task.waiting_since, tasks: 0,
                        fromStream: true };
                }
                if (groups[key].fromStream) {
                    groups[key].tasks++;
                    if (String(task.waiting_since) < String(groups[key].since)) {
                        groups[key].since = task.waiting_since;
                    }
                }
            });
            return Object.keys(groups).map(function (key) {
                groups[key].key = key;
                return groups[key];
            }).filter(function (group) { return group.tasks > 0; })
                .sort(function (a, b) { return String(a.since).localeCompare(String(b.since)); });
        }

        function waitingChanged() {
            emit('waiting', waitingGroups());
        }

        /** The server group a finished task of this type waited in, if it has no waiting_for of its own any more. */
        function keyForFinished(task) {
            if (sawWaiting[task.id]) {
                return sawWaiting[task.id];
            }
            if (task.waiting_since && task.waiting_for) {
                return waitKey(task.task_type, task.waiting_for);
            }
            var keys = Object.keys(serverWaiting).filter(function (key) {
                return serverWaiting[key].task_type === task.task_type;
            });
            return keys.length ? keys[0] : null;
        }

        function ownWaitingFor(key) {
            return Object.keys(ownWaiting).some(function (id) {
                var task = ownWaiting[id];
                return waitKey(task.task_type, task.waiting_for) === key;
            });
        }

        /** A wait is over: one notice for every task of it that ran, none if they all failed meanwhile. */
        function finishWait(key, lastGroup) {
            var ran = tally[key] ? tally[key].count : 0;
            if (!ran && lastGroup && mode === 'polling') {
                // polling sees no completions, only the group going away: what was waiting and did not fail ran
                ran = (lastGroup.tasks || 0) - (failedWhileWaiting[key] || 0);
            }
            var about = tally[key] || lastGroup || {};
            delete tally[key];
            delete failedWhileWaiting[key];
            if (ran > 0) {
                emit('waiting-over', { task_type: about.task_type, waiting_for: about.waiting_for,
                    waiting_for_name: about.waiting_for_name || about.waiting_for, count: ran });
            }
        }

        /** After a burst of completions has settled: announce the waits that are over. */
        function settle() {
            settleTimer = null;
            refreshIncidents().then(function () {
                var pending = false;
                Object.keys(tally).forEach(function (key) {
                    if (ownWaitingFor(key) || serverWaiting[key]) {
                        pending = true;
                    } else {
                        finishWait(key, null);
                    }
                });
                if (pending) {
                    if (Date.now() - settleSince > 30000) {
                        Object.keys(tally).forEach(function (key) { finishWait(key, null); });
                    } else {
                        scheduleSettle();
                    }
                }
            });
        }

        function scheduleSettle() {
            if (!settleTimer) {
                if (!Object.keys(tally).length) {
                    settleSince = Date.now();
                }
                settleTimer = global.setTimeout(settle, config.settleDelay);
            }
        }

        function trackFinished(task) {
            var key = keyForFinished(task);
            delete sawWaiting[task.id];
            var wasWaiting = !!ownWaiting[task.id];
            delete ownWaiting[task.id];
            if (task.status === 'completed' && key) {
                var group = serverWaiting[key] || {};
                var entry = tally[key] || (tally[key] = { count: 0, task_type: task.task_type,
                    waiting_for: task.waiting_for || group.waiting_for,
                    waiting_for_name: task.waiting_for_name || group.waiting_for_name });
                if (!entry.count) {
                    settleSince = Date.now();
                }
                entry.count++;
                scheduleSettle();
            }
            if (wasWaiting) {
                waitingChanged();
            }
        }

        /** Applies one task row, from the stream or a poll. Returns true if the caller's failures changed. */
        function apply(task, quiet) {
            if (!task || !task.id) {
                return false;
            }
            emit('task', task);
            if (me && task.created_by && task.created_by !== me.id) {
                return false;       // a supervisor's stream carries everyone's tasks; only our own are announced
            }
            var known = failures[task.id];
            if (task.status === 'failed' && !task.dismissed_at) {
                if (known && known.attempt > task.attempt) {
                    return false;   // a late event of an older attempt
                }
                if (ownWaiting[task.id]) {
                    delete ownWaiting[task.id];
                    waitingChanged();
                }
                failures[task.id] = task;
                if (!announced[keyOf(task)]) {
                    announced[keyOf(task)] = true;
                    if (task.waiting_for && !known) {
                        var key = waitKey(task.task_type, task.waiting_for);
                        failedWhileWaiting[key] = (failedWhileWaiting[key] || 0) + 1;
                    }
                    if (!quiet) {
                        emit('failure', task);
                    }
                }
                if (task.incident_id && (!incidents[task.incident_id] || incidents[task.incident_id].state === 'resolved')) {
                    scheduleIncidents();    // a new incident, or a regression: /incidents has this person's view of it
                }
                return true;
            }
            if (isWaiting(task)) {
                // held back by an outage: waiting, not failed, and never announced as a failure
                var fresh = !ownWaiting[task.id];
                ownWaiting[task.id] = task;
                sawWaiting[task.id] = waitKey(task.task_type, task.waiting_for);
                if (fresh) {
                    waitingChanged();
                    scheduleIncidents();
                }
                if (known && task.attempt >= known.attempt) {
                    delete failures[task.id];
                    return true;
                }
                return false;
            }
            if (task.status === 'completed' || task.dismissed_at) {
                trackFinished(task);
            } else if (ownWaiting[task.id]) {
                delete ownWaiting[task.id];     // running again without waiting: the outage is over for it
                waitingChanged();
            }
            if (!known || task.attempt < known.attempt) {
                return false;
            }
            if (task.status === 'pending' || task.status === 'running') {
                // retried: listed as retrying until the new attempt completes (or fails again)
                failures[task.id] = Object.assign({}, known, { attempt: task.attempt, status: task.status, retrying: true });
                emit('retrying', failures[task.id]);
                return true;
            }
            delete failures[task.id];
            emit(task.dismissed_at ? 'dismissed' : 'recovered', Object.assign({}, known, task));
            return true;
        }

        function applyIncident(incident, quiet) {
            if (!incident || !incident.id) {
                return;
            }
            if (incident.state === 'gone') {
                // merged into another incident: its failures now belong there; read them again
                delete incidents[incident.id];
                load(true);
                return;
            }
            var before = incidents[incident.id];
            var merged = Object.assign({}, before || {}, incident);
            incidents[incident.id] = merged;
            if (!quiet && (!before || before.title !== merged.title || before.state !== merged.state
                    || before.regressed_at !== merged.regressed_at || before.last_seen !== merged.last_seen
                    || before.advice !== merged.advice)) {
                emit('incident', merged);
            }
        }

        /** GET /incidents: titles and advice of the caller's incidents, and what waits. Never rejects. */
        function refreshIncidents() {
            if (!incidentsSupported || !me) {
                return Promise.resolve();
            }
            return api.incidents({ state: 'all' }).then(function (answer) {
                (answer.incidents || []).forEach(function (incident) { applyIncident(incident, false); });
                var next = {};
                (answer.waiting || []).forEach(function (group) {
                    next[waitKey(group.task_type, group.waiting_for)] = group;
                });
                var before = serverWaiting;
                serverWaiting = next;
                Object.keys(before).forEach(function (key) {
                    if (!next[key] && !ownWaitingFor(key)) {
                        finishWait(key, before[key]);
                    }
                });
                if (JSON.stringify(before) !== JSON.stringify(next)) {
                    waitingChanged();
                }
            }, function (error) {
                if (unsupported(error)) {
                    incidentsSupported = false;     // an older gateway: failures are listed one by one
                } else {
                    failed(error);
                }
            });
        }

        function scheduleIncidents() {
            if (!incidentsTimer && incidentsSupported) {
                incidentsTimer = global.setTimeout(function () {
                    incidentsTimer = null;
                    refreshIncidents();
                }, 300);
            }
        }

        function load(quiet) {
            return Promise.all([api.failedTasks({ limit: 200 }), refreshIncidents()]).then(function (answers) {
                var answer = answers[0];
                var seen = {};
                (answer.tasks || []).forEach(function (task) {
                    seen[task.id] = true;
                    apply(task, quiet);
                });
                Object.keys(failures).forEach(function (id) {
                    if (!seen[id]) {
                        var gone = failures[id];
                        delete failures[id];
                        emit('recovered', gone);
                    }
                });
                changed();
            });
        }

        /** A rejected token will not get better by asking again: stop until the person signs in anew. */
        function failed(error) {
            if (error && error.status === 401) {
                monitor.stop();
                setMode('session-expired');
            }
            // anything else: the next poll or reconnect tries again
        }

        function startPolling() {
            if (pollTimer || stopped) {
                return;
            }
            setMode('polling');
            pollTimer = global.setInterval(function () {
                load(false).catch(failed);
            }, config.pollInterval);
            load(false).catch(failed);
        }

        function stopPolling() {
            if (pollTimer) {
                global.clearInterval(pollTimer);
                pollTimer = null;
            }
        }

        function scheduleReconnect() {
            if (stopped || reconnectTimer) {
                return;
            }
            startPolling();
            reconnectTimer = global.setTimeout(function () {
                reconnectTimer = null;
                connect();
            }, reconnectDelay);
            reconnectDelay = Math.min(reconnectDelay * 2, config.reconnectMax);
        }

        function connect() {
            if (stopped) {
                return;
            }
            if (typeof global.EventSource !== 'function') {
                startPolling();
                return;
            }
            api.streamUrl(lastEventId, config.streamPath).then(function (url) {
                if (stopped) {
                    return;
                }
                source = new global.EventSource(url);
                source.addEventListener('ready', function (event) {
                    reconnectDelay = config.reconnectMin;
                    if (event.lastEventId) {
                        lastEventId = event.lastEventId;
                    }
                    var wasPolling = !!pollTimer;
                    stopPolling();
                    setMode('stream');
                    if (wasPolling) {
                        load(false).catch(function () { /* the stream carries on */ });
                    }
                });
                source.addEventListener('task', function (event) {
                    if (event.lastEventId) {
                        lastEventId = event.lastEventId;
                    }
                    var task;
                    try {
                        task = JSON.parse(event.data);
                    } catch (e) {
                        return;
                    }
                    if (apply(task, false)) {
                        changed();
                    }
                });
                source.addEventListener('incident', function (event) {
                    if (event.lastEventId) {
                        lastEventId = event.lastEventId;
                    }
                    try {
                        applyIncident(JSON.parse(event.data), false);
                        scheduleIncidents();    // the stream tells a user the cause only; their counts and state are theirs
                    } catch (e) {
                        // not an incident this script understands: the next /incidents answer has it
                    }
                });
                source.onerror = function () {
                    // the browser would reconnect by itself with the same (possibly expired) token: take over
                    source.close();
                    source = null;
                    scheduleReconnect();
                };
            });
        }

        function connectSupabase() {
            var supabase = global.supabase;
            if (!supabase || typeof supabase.createClient !== 'function' || !me) {
                return false;
            }
            try {
                var client = supabase.createClient(config.supabaseUrl, config.supabaseAnonKey);
                var channel = client.channel('tasklane-tasks-' + me.id)
                    .on('postgres_changes', { event: '*', schema: 'public', table: 'background_tasks',
                        filter: 'created_by=eq.' + me.id }, function (change) {
                        if (apply(change.new, false)) {
                            changed();
                        }
                    })
                    .subscribe(function (status) {
                        if (status === 'SUBSCRIBED') {
                            setMode('supabase');
                        } else if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT' || status === 'CLOSED') {
                            client.removeChannel(channel);
                            if (!stopped && mode !== 'stream' && mode !== 'polling') {
                                connect();
                            }
                        }
                    });
                return true;
            } catch (e) {
                return false;
            }
        }

        var monitor = {
            on: function (name, listener) {
                (listeners[name] = listeners[name] || []).push(listener);
                return monitor;
            },
            failures: list,
            mode: function () { return mode; },
            /** The incident with this id (title, advice, state, first_seen, last_seen, regressed_at), or null. */
            incident: function (id) { return incidents[id] || null; },
            /** What waits for an outage: [{task_type, waiting_for, waiting_for_name, since, tasks}], oldest first. */
            waiting: waitingGroups,
            /** Forgets the failures of an incident the page retried or dismissed, before the stream confirms it. */
            forgetIncident: function (incidentId) {
                var any = false;
                Object.keys(failures).forEach(function (id) {
                    if (failures[id].incident_id === incidentId) {
                        delete failures[id];
                        any = true;
                    }
                });
                if (any) {
                    changed();
                }
            },
            /** Forgets a failure the page resolved itself (dismissed, retried), before the stream confirms it. */
            forget: function (taskId) {
                if (failures[taskId]) {
                    delete failures[taskId];
                    changed();
                }
            },
            refresh: function () { return load(false); },
            stop: function () {
                stopped = true;
                stopPolling();
                global.clearTimeout(incidentsTimer);
                global.clearTimeout(settleTimer);
                if (source) {
                    source.close();
                }
                if (reconnectTimer) {
                    global.clearTimeout(reconnectTimer);
                }
            }
        };

        api.caller().then(function (caller) {
            me = caller;
            if (!me) {
                setMode('signed-out');
                return;
            }
            // what failed before this page opened is listed, not announced
            load(true).catch(failed).then(function () {
                if (stopped) {
                    return;
                }
                if (config.supabaseUrl && config.supabaseAnonKey && connectSupabase()) {
                    return;
                }
                connect();
            });
        });
        return monitor;
    }

    var instance = null;

    global.TaskMonitor = {
        /** Starts (once per page) and returns the monitor; later calls return the same one. */
        init: function (options) {
            if (!instance) {
                instance = create(options || {});
            }
            return instance;
        },
        instance: function () { return instance; }
    };
})(window);
