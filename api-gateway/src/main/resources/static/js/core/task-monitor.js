/*
 * TaskMonitor: watches the caller's task changes and tells the page about failures. Needs api-client.js.
 *
 *   var monitor = TaskMonitor.init({ pollInterval: 15000 });
 *   monitor.on('failure', function (task) { ... });   // a new failure of the caller's own tasks
 *   monitor.on('dismissed', fn); monitor.on('retrying', fn); monitor.on('recovered', fn);
 *   monitor.on('change', fn);   // the caller's failures changed: fn(list), retrying ones marked task.retrying
 *   monitor.on('task', fn);     // any task change the stream carries (a supervisor's carries everyone's)
 *   monitor.on('mode', fn);     // 'stream', 'polling', 'supabase', 'signed-out' or 'session-expired' (a 401 stops it)
 *
 * It listens to the gateway's /task-events stream (Server-Sent Events, token in the query), reconnects with growing
 * pauses and resumes from the last event id; while the stream is unavailable it polls /get-failed-tasks every
 * pollInterval ms. With supabaseUrl and supabaseAnonKey (and supabase-js on the page) it uses Supabase Realtime
 * instead, and falls back to the gateway stream if that fails. Each failure (task and attempt) is announced once per
 * tab, however many times it arrives.
 */
(function (global) {
    'use strict';

    var DEFAULTS = {
        pollInterval: 15000,
        reconnectMin: 1000,
        reconnectMax: 30000,
        streamPath: '/task-events',
        supabaseUrl: null,
        supabaseAnonKey: null
    };

    function keyOf(task) {
        return task.id + ':' + task.attempt;
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
                failures[task.id] = task;
                if (!announced[keyOf(task)]) {
                    announced[keyOf(task)] = true;
                    if (!quiet) {
                        emit('failure', task);
                    }
                }
                return true;
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
            emit(task.dismissed_at ? 'dismissed' : 'recovered', task);
            return true;
        }

        function load(quiet) {
            return api.failedTasks({ limit: 200 }).then(function (answer) {
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
