// The Pupi dashboard: plain JavaScript on the /v1 API, no framework, no build step.
//
// The access token lives in this tab's sessionStorage and goes out only in the
// Authorization header of same-origin requests (never in a URL or a cookie). So
// nothing that needs it can be a plain <img src> or EventSource: screenshots,
// the live view and the trace are fetched, then shown or saved as blob: URLs.
// Everything the server sends is written with textContent, never as HTML.
"use strict";

(() => {
  const TOKEN_KEY = "pupi.dashboard.token";
  const LIST_POLL_MS = 2000;
  const SESSION_POLL_MS = 1000;
  const IDLE_POLL_MS = 2000;
  const KEEP_OPEN_S = 600;
  const TERMINAL = new Set(["completed", "failed", "cancelled"]);
  const STATUSES = new Set(["queued", "running", "completed", "failed", "cancelled"]);
  const SESSION_ID = /^[A-Za-z0-9_-]{1,128}$/;
  const API_PATH = /^\/v1\/sessions\/[A-Za-z0-9_-]{1,128}\/(screenshots\/\d+|trace)$/;

  const $ = (id) => {
    const found = document.getElementById(id);
    if (found === null) throw new Error(`the page has no #${id}`);
    return found;
  };

  /** An element with attributes and text children (text only: never parsed as HTML). */
  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    for (const child of children) node.append(child);
    return node;
  }

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  let token = sessionStorage.getItem(TOKEN_KEY);
  let current = null; // the view shown: {name, stop(), refresh(), ...}
  let alertFromPoll = false;

  // ---- messages ---------------------------------------------------------------------

  function announce(text) {
    $("announcer").textContent = text;
  }

  function showAlert(text, fromPoll = false) {
    const box = $("alert");
    box.textContent = text;
    box.hidden = !text;
    alertFromPoll = fromPoll && Boolean(text);
  }

  function clearPollAlert() {
    if (alertFromPoll) showAlert("");
  }

  function describe(error) {
    if (error instanceof ApiError) return error.message;
    if (error instanceof TypeError) return `Cannot reach the server (${error.message}).`;
    return String(error && error.message ? error.message : error);
  }

  // ---- the API ------------------------------------------------------------------------

  async function readError(response) {
    let code = `http_${response.status}`;
    let message = `The server answered ${response.status} ${response.statusText}.`;
    try {
      const body = await response.json();
      if (body && body.error) {
        code = String(body.error.code);
        message = String(body.error.message);
      }
    } catch {
      // Not JSON: keep the status line.
    }
    return new ApiError(response.status, code, message);
  }

  /** fetch with a given token; throws ApiError for any answer but 2xx. */
  async function send(withToken, path, { method = "GET", body, cache = "no-store", signal } = {}) {
    const headers = { Authorization: `Bearer ${withToken}` };
    const init = { method, headers, cache, credentials: "omit", signal };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    if (!response.ok) throw await readError(response);
    return response;
  }

  /** fetch with the signed-in token; a 401 signs out (the token was revoked). */
  async function authorized(path, options) {
    try {
      return await send(token, path, options);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        signOut(`Signed out: ${error.message}.`);
      }
      throw error;
    }
  }

  async function api(method, path, body) {
    const response = await authorized(path, { method, body });
    return response.json();
  }

  const sessionPath = (id) => `/v1/sessions/${encodeURIComponent(id)}`;

  // ---- polling ------------------------------------------------------------------------

  /** Call ``work`` now and again after ``delay()`` ms (null: stop), never two at once. */
  function poller(work, delay) {
    let timer = null;
    let running = false;
    let again = false;
    let stopped = false;
    const control = {
      get stopped() {
        return stopped;
      },
      stop() {
        stopped = true;
        window.clearTimeout(timer);
      },
      async run() {
        if (stopped) return;
        if (running) {
          again = true;
          return;
        }
        running = true;
        window.clearTimeout(timer);
        try {
          await work();
          clearPollAlert();
        } catch (error) {
          if (!stopped && !(error instanceof ApiError && error.status === 401)) {
            showAlert(describe(error), true);
          }
        }
        running = false;
        if (stopped) return;
        if (again) {
          again = false;
          control.run();
          return;
        }
        const ms = delay();
        if (ms !== null) timer = window.setTimeout(() => control.run(), ms);
      },
    };
    return control;
  }

  // ---- formatting ---------------------------------------------------------------------

  const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

  function formatTime(iso) {
    if (!iso) return "—";
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? String(iso) : dateFormat.format(date);
  }

  function formatDuration(ms) {
    if (!Number.isFinite(ms) || ms < 0) return "—";
    const s = ms / 1000;
    if (s < 60) return `${s.toFixed(1)} s`;
    const whole = Math.round(s);
    if (whole < 3600) return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, "0")} s`;
    const minutes = Math.floor(whole / 60);
    return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
  }

  function sessionDuration(session) {
    if (!session.started_at) return "—";
    const start = new Date(session.started_at).getTime();
    if (!TERMINAL.has(session.status)) return formatDuration(Date.now() - start);
    if (!session.finished_at) return "—";
    return formatDuration(new Date(session.finished_at).getTime() - start);
  }

  function setTime(node, iso) {
    node.textContent = formatTime(iso);
    if (iso) node.setAttribute("datetime", String(iso));
  }

  function setBadge(node, status) {
    const known = STATUSES.has(status) ? status : "unknown";
    node.className = `badge status-${known}`;
    node.textContent = String(status);
  }

  function asText(value) {
    return typeof value === "string" ? value : JSON.stringify(value, null, 2);
  }

  // ---- views --------------------------------------------------------------------------

  const VIEWS = ["view-sign-in", "view-sessions", "view-session"];

  function show(viewId, title, focus) {
    for (const id of VIEWS) $(id).hidden = id !== viewId;
    document.title = `${title} · Pupi`;
    const heading = $(viewId).querySelector("h1");
    if (focus && heading) heading.focus();
  }

  function route() {
    const match = /^#\/sessions\/([^/]+)$/.exec(window.location.hash);
    if (match && SESSION_ID.test(match[1])) return { name: "session", id: match[1] };
    return { name: "sessions" };
  }

  function render(focus = true) {
    if (current) current.stop();
    current = null;
    $("sign-out").hidden = !token;
    if (!token) {
      show("view-sign-in", "Sign in", focus);
      return;
    }
    const where = route();
    current = where.name === "session" ? sessionView(where.id, focus) : listView(focus);
  }

  function signOut(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    token = null;
    render();
    showAlert(message || "");
    announce("Signed out.");
  }

  async function signIn(event) {
    event.preventDefault();
    const input = $("token-input");
    const candidate = input.value.trim();
    if (!candidate) {
      input.setAttribute("aria-invalid", "true");
      showAlert("Paste an access token first.");
      input.focus();
      return;
    }
    const button = event.submitter || $("sign-in-form").querySelector("button");
    button.disabled = true;
    try {
      await send(candidate, "/v1/sessions");
    } catch (error) {
      input.setAttribute("aria-invalid", "true");
      showAlert(
        error instanceof ApiError && error.status === 401
          ? `That token was not accepted: ${error.message}.`
          : describe(error),
      );
      input.focus();
      return;
    } finally {
      button.disabled = false;
    }
    input.removeAttribute("aria-invalid");
    input.value = "";
    sessionStorage.setItem(TOKEN_KEY, candidate);
    token = candidate;
    showAlert("");
    announce("Signed in.");
    render();
  }

  // ---- the list of sessions -----------------------------------------------------------

  function listView(focus) {
    show("view-sessions", "Sessions", focus);
    const rows = new Map();
    $("sessions-body").replaceChildren(); // another visit's rows; the first poll fills it
    const poll = poller(async () => {
      const closed = $("show-closed-input").checked ? "?include_closed=true" : "";
      const data = await api("GET", `/v1/sessions${closed}`);
      if (!poll.stopped) renderList(data.sessions, rows);
    }, () => LIST_POLL_MS);
    poll.run();
    return { name: "sessions", stop: () => poll.stop(), refresh: () => poll.run() };
  }

  function makeRow(id) {
    const badge = el("span", { class: "badge" });
    const closedTag = el("span", { class: "tag" }, "closed");
    const link = el("a", { href: `#/sessions/${encodeURIComponent(id)}` });
    const started = el("time");
    const duration = el("td", { "data-label": "Duration" });
    const close = el("button", { type: "button", class: "button-quiet" }, "Close");
    close.addEventListener("click", () => closeFromList(id, close));
    const tr = el(
      "tr",
      {},
      el("td", { "data-label": "Status" }, badge, " ", closedTag),
      el("td", { "data-label": "Prompt", class: "prompt-cell" }, link),
      el("td", { "data-label": "Started" }, started),
      duration,
      el("td", { class: "actions-cell" }, close),
    );
    return { tr, badge, closedTag, link, started, duration, close };
  }

  function renderList(sessions, rows) {
    const body = $("sessions-body");
    const seen = new Set();
    sessions.forEach((session, index) => {
      let row = rows.get(session.session_id);
      if (!row) {
        row = makeRow(session.session_id);
        rows.set(session.session_id, row);
      }
      seen.add(session.session_id);
      setBadge(row.badge, session.status);
      row.closedTag.hidden = session.active;
      if (row.link.textContent !== session.prompt) row.link.textContent = session.prompt;
      setTime(row.started, session.started_at || session.created_at);
      row.duration.textContent = sessionDuration(session);
      row.close.hidden = !session.active;
      row.close.setAttribute("aria-label", `Close session: ${session.prompt.slice(0, 80)}`);
      if (body.children[index] !== row.tr) body.insertBefore(row.tr, body.children[index] || null);
    });
    for (const [id, row] of rows) {
      if (!seen.has(id)) {
        row.tr.remove();
        rows.delete(id);
      }
    }
    $("sessions-table").hidden = sessions.length === 0;
    $("no-sessions").hidden = sessions.length > 0;
    $("close-all-button").disabled = !sessions.some((session) => session.active);
  }

  async function closeFromList(id, button) {
    button.disabled = true;
    try {
      await api("DELETE", sessionPath(id));
      announce("Session closed.");
      $("list-title").focus();
    } catch (error) {
      showAlert(describe(error));
    } finally {
      button.disabled = false;
    }
    if (current && current.refresh) current.refresh();
  }

  async function closeAll() {
    const button = $("close-all-button");
    button.disabled = true;
    try {
      const data = await api("DELETE", "/v1/sessions");
      announce(data.closed === 1 ? "Closed 1 session." : `Closed ${data.closed} sessions.`);
    } catch (error) {
      showAlert(describe(error));
    } finally {
      button.disabled = false;
    }
    if (current && current.refresh) current.refresh();
  }

  async function startSession(event) {
    event.preventDefault();
    const input = $("prompt-input");
    const prompt = input.value.trim();
    if (!prompt) {
      input.setAttribute("aria-invalid", "true");
      showAlert("Write a prompt first.");
      input.focus();
      return;
    }
    input.removeAttribute("aria-invalid");
    const body = { prompt };
    if ($("keep-open-input").checked) body.idle_timeout_s = KEEP_OPEN_S;
    if ($("trace-input").checked) body.trace = true;
    const button = $("start-button");
    button.disabled = true;
    try {
      await api("POST", "/v1/sessions", body);
      input.value = "";
      showAlert("");
      announce("Session started.");
    } catch (error) {
      showAlert(describe(error));
    } finally {
      button.disabled = false;
    }
    if (current && current.refresh) current.refresh();
  }

  // ---- one session --------------------------------------------------------------------

  function resetSessionView(id) {
    $("session-id").textContent = id;
    for (const list of ["session-steps", "session-shots", "session-runs"]) {
      $(list).replaceChildren();
    }
    for (const box of ["answer-box", "error-box", "follow-up-form", "live-box", "runs-box",
      "replay-box", "shots-box", "trace-button"]) {
      $(box).hidden = true;
    }
    for (const text of ["session-status", "session-state", "session-started", "session-duration",
      "session-prompt", "session-answer", "session-error", "steps-json"]) {
      $(text).textContent = "";
    }
    $("session-status").className = "badge";
    $("no-steps").hidden = false;
    $("close-session-button").hidden = false;
    $("live-image").hidden = true;
    $("live-image").removeAttribute("src");
    $("live-waiting").hidden = false;
    $("download-steps-link").removeAttribute("href");
  }

  function sessionView(id, focus) {
    show("view-session", `Session ${id}`, focus);
    resetSessionView(id);
    const view = {
      name: "session",
      id,
      detail: null,
      steps: new Set(),
      shots: new Set(),
      shotQueue: [],
      loadingShots: false,
      objectUrls: [],
      stepsJson: null,
      stepsUrl: null,
      live: null,
      liveAfter: 0,
      latestShot: null,
      polls: 0,
      stopped: false,
    };
    const poll = poller(
      async () => {
        view.polls += 1;
        const started = view.polls;
        let detail;
        try {
          detail = await api("GET", sessionPath(id));
        } catch (error) {
          if (error instanceof ApiError && error.status === 404) {
            poll.stop();
            $("session-state").textContent = "Not found";
            showAlert(`${error.message}.`);
            return;
          }
          throw error;
        }
        if (!view.stopped) renderSession(view, detail, started);
      },
      () => {
        const detail = view.detail;
        if (detail === null) return SESSION_POLL_MS;
        if (!detail.active && TERMINAL.has(detail.status)) return null; // nothing will change
        return TERMINAL.has(detail.status) ? IDLE_POLL_MS : SESSION_POLL_MS;
      },
    );
    view.poll = poll;
    view.refresh = () => poll.run();
    view.stop = () => {
      view.stopped = true;
      poll.stop();
      stopLive(view);
      for (const url of view.objectUrls) URL.revokeObjectURL(url);
      if (view.stepsUrl) URL.revokeObjectURL(view.stepsUrl);
    };
    poll.run();
    return view;
  }

  function browserState(detail) {
    if (detail.open) {
      const minutes = Math.round(detail.idle_timeout_s / 60);
      return detail.idle_timeout_s > 0
        ? `Open for follow-ups (kept ${minutes} min after each run)`
        : "Open";
    }
    if (!detail.active) {
      const why = { client: "by a client", idle: "after its idle timeout", expired: "expired" };
      return `Closed ${why[detail.close_reason] || ""}`.trim();
    }
    return detail.started_at ? "Released: takes no follow-ups" : "Not started yet";
  }

  function renderSession(view, detail, pollNumber) {
    const before = view.detail;
    view.detail = detail;
    setBadge($("session-status"), detail.status);
    if (before && before.status !== detail.status) announce(`Status: ${detail.status}.`);
    if (before && before.active && !detail.active) announce("Session closed.");
    $("session-state").textContent = browserState(detail);
    $("session-started").textContent = formatTime(detail.started_at || detail.created_at);
    $("session-duration").textContent = sessionDuration(detail);
    if ($("session-prompt").textContent !== detail.prompt) {
      $("session-prompt").textContent = detail.prompt;
    }

    const hasAnswer = detail.answer !== null && detail.answer !== undefined;
    $("answer-box").hidden = !hasAnswer;
    $("session-answer").textContent = hasAnswer ? asText(detail.answer) : "";

    $("error-box").hidden = !detail.error;
    if (detail.error) {
      const type = detail.error.type ? `${detail.error.type}: ` : "";
      $("session-error").textContent = `${type}${detail.error.message || asText(detail.error)}`;
    }

    $("follow-up-form").hidden = !detail.open;
    $("close-session-button").hidden = !detail.active;
    $("trace-button").hidden = !(detail.trace_url && !detail.open);

    renderRuns(detail);
    renderSteps(view, detail);
    renderReplay(view, detail);

    if (detail.open && !view.live && pollNumber >= view.liveAfter) startLive(view);
    if (!detail.open) stopLive(view);
  }

  function renderRuns(detail) {
    const runs = detail.runs || [];
    $("runs-box").hidden = runs.length < 2;
    if (runs.length < 2) return;
    const items = runs.map((run) => {
      const badge = el("span");
      setBadge(badge, run.status);
      const item = el(
        "li",
        { class: "run" },
        el("span", { class: "run-n" }, `Run ${run.n + 1}`),
        " ",
        badge,
        " ",
        el("span", { class: "run-what" }, run.prompt || `${(run.steps || []).length} steps`),
      );
      if (run.answer !== null && run.answer !== undefined) {
        item.append(el("span", { class: "run-answer" }, `Answer: ${asText(run.answer)}`));
      }
      if (run.error) item.append(el("span", { class: "run-error" }, asText(run.error.message)));
      return item;
    });
    $("session-runs").replaceChildren(...items);
  }

  // Step records spell every field out; these values say nothing a reader needs.
  const QUIET_FIELDS = { button: "left", click_count: 1, wait_until: "load", clear: true };

  const isQuiet = (name, value) => Object.hasOwn(QUIET_FIELDS, name) && QUIET_FIELDS[name] === value;

  function stepSummary(step) {
    return Object.entries(step)
      .filter(([name, value]) => name !== "action" && value !== false && value !== null)
      .filter(([name, value]) => value !== "" && !isQuiet(name, value))
      .map(([name, value]) => `${name}: ${typeof value === "string" ? value : JSON.stringify(value)}`)
      .join(" · ");
  }

  function renderSteps(view, detail) {
    const records = detail.step_results || [];
    const manyRuns = (detail.runs || []).length > 1;
    for (const record of records) {
      if (view.steps.has(record.n)) continue;
      view.steps.add(record.n);
      const result = record.result || {};
      const status = ["ok", "failed", "skipped"].includes(result.status) ? result.status : "unknown";
      const item = el("li", { class: `step step-${status}`, value: String(record.n + 1) });
      const head = el("div", { class: "step-head" });
      head.append(el("code", { class: "step-action" }, String(record.step.action)));
      if (manyRuns || record.run > 0) head.append(el("span", { class: "tag" }, `run ${record.run + 1}`));
      const duration = Number(result.duration_ms);
      const outcome = Number.isFinite(duration)
        ? `${result.status} · ${Math.round(duration)} ms`
        : String(result.status);
      head.append(el("span", { class: `step-result result-${status}` }, outcome));
      item.append(head);
      const summary = stepSummary(record.step);
      if (summary) item.append(el("div", { class: "step-detail" }, summary));
      if (result.error) item.append(el("div", { class: "step-error" }, asText(result.error)));
      $("session-steps").append(item);
      if (record.screenshot_url && API_PATH.test(record.screenshot_url)) {
        addScreenshot(view, record);
      }
    }
    $("no-steps").hidden = records.length > 0;
  }

  function addScreenshot(view, record) {
    if (view.shots.has(record.n)) return;
    view.shots.add(record.n);
    const label = `Screenshot after step ${record.n + 1}`;
    const image = el("img", { alt: label, class: "shot-image", width: "640", height: "400" });
    const link = el("a", { class: "shot-link", target: "_blank", rel: "noopener" }, image);
    const caption = el("figcaption", {}, `Step ${record.n + 1}: ${record.step.action}`);
    $("session-shots").append(el("li", {}, el("figure", { class: "shot" }, link, caption)));
    $("shots-box").hidden = false;
    view.shotQueue.push({ n: record.n, url: record.screenshot_url, image, link, caption });
    loadScreenshots(view);
  }

  async function loadScreenshots(view) {
    if (view.loadingShots) return;
    view.loadingShots = true;
    while (view.shotQueue.length > 0 && !view.stopped) {
      const shot = view.shotQueue.shift();
      try {
        const response = await authorized(shot.url, { cache: "default" });
        const blob = await response.blob();
        if (view.stopped) break;
        const url = URL.createObjectURL(blob);
        view.objectUrls.push(url);
        shot.image.src = url;
        shot.link.href = url;
        if (!view.latestShot || shot.n > view.latestShot.n) {
          view.latestShot = { n: shot.n, url };
          updateSide(view);
        }
      } catch (error) {
        if (view.stopped) break;
        shot.caption.append(` (not available: ${describe(error)})`);
      }
    }
    view.loadingShots = false;
  }

  function renderReplay(view, detail) {
    const steps = detail.steps || [];
    $("replay-box").hidden = steps.length === 0;
    const json = JSON.stringify(steps, null, 2);
    if (json === view.stepsJson) return;
    view.stepsJson = json;
    $("steps-json").textContent = json;
    if (view.stepsUrl) URL.revokeObjectURL(view.stepsUrl);
    view.stepsUrl = URL.createObjectURL(new Blob([json + "\n"], { type: "application/json" }));
    const link = $("download-steps-link");
    link.href = view.stepsUrl;
    link.download = `pupi-steps-${detail.session_id}.json`;
  }

  // ---- the live view: multipart/x-mixed-replace, parsed by hand ------------------------

  function indexOf(bytes, pattern, from = 0) {
    const last = bytes.length - pattern.length;
    outer: for (let i = from; i <= last; i += 1) {
      for (let j = 0; j < pattern.length; j += 1) {
        if (bytes[i + j] !== pattern[j]) continue outer;
      }
      return i;
    }
    return -1;
  }

  function concat(a, b) {
    if (a.length === 0) return b;
    const joined = new Uint8Array(a.length + b.length);
    joined.set(a, 0);
    joined.set(b, a.length);
    return joined;
  }

  function startLive(view) {
    const controller = new AbortController();
    const live = { controller, url: null };
    view.live = live;
    updateSide(view);
    const showFrame = (blob) => {
      if (view.live !== live) return;
      const previous = live.url;
      live.url = URL.createObjectURL(blob);
      updateSide(view);
      if (previous) URL.revokeObjectURL(previous);
    };
    readLive(view.id, controller.signal, showFrame)
      .catch(() => {
        // Aborted, a 409 (the browser just went) or a broken connection: the next
        // poll says whether the session is still open, and starts it again if so.
      })
      .finally(() => {
        if (view.live === live) {
          view.live = null;
          view.liveAfter = view.polls + 1; // only a poll begun after this end restarts it
          updateSide(view);
          if (live.url) URL.revokeObjectURL(live.url);
        }
      });
  }

  function stopLive(view) {
    const live = view.live;
    if (!live) return;
    view.live = null;
    live.controller.abort();
    if (!view.stopped) updateSide(view);
    if (live.url) URL.revokeObjectURL(live.url);
  }

  /** The side panel: the live view while the browser is held, else the last screenshot. */
  function updateSide(view) {
    const image = $("live-image");
    let url = null;
    if (view.live) {
      $("live-title").textContent = "Live view";
      image.alt = "The session's page, live";
      url = view.live.url;
    } else if (view.latestShot) {
      $("live-title").textContent = "Last page";
      image.alt = `The page after step ${view.latestShot.n + 1}`;
      url = view.latestShot.url;
    }
    $("live-box").hidden = !view.live && !view.latestShot;
    if (url) {
      if (image.getAttribute("src") !== url) image.src = url;
    } else {
      image.removeAttribute("src");
    }
    image.hidden = !url;
    $("live-waiting").hidden = Boolean(url) || !view.live;
  }

  async function readLive(id, signal, showFrame) {
    const response = await authorized(`${sessionPath(id)}/live`, { signal });
    const type = response.headers.get("Content-Type") || "";
    const boundary = /boundary="?([^";]+)"?/.exec(type);
    if (!boundary || !response.body) return;
    const encoder = new TextEncoder();
    const decoder = new TextDecoder();
    const delimiter = encoder.encode(`--${boundary[1]}`);
    const headEnd = encoder.encode("\r\n\r\n");
    const reader = response.body.getReader();
    let buffer = new Uint8Array(0);
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer = concat(buffer, value);
      for (;;) {
        const start = indexOf(buffer, delimiter);
        if (start < 0) break;
        const after = start + delimiter.length;
        if (buffer.length < after + 2) break;
        if (buffer[after] === 45 && buffer[after + 1] === 45) return; // "--": the last part
        const end = indexOf(buffer, headEnd, after);
        if (end < 0) break;
        const headers = new Map();
        for (const line of decoder.decode(buffer.subarray(after, end)).split("\r\n")) {
          const colon = line.indexOf(":");
          if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
        }
        const length = Number.parseInt(headers.get("content-length") || "", 10);
        if (!Number.isFinite(length) || length < 0) return; // not the stream we know
        const bodyStart = end + headEnd.length;
        if (buffer.length < bodyStart + length) break;
        const frameType = headers.get("content-type") || "image/jpeg";
        showFrame(new Blob([buffer.slice(bodyStart, bodyStart + length)], { type: frameType }));
        buffer = buffer.slice(bodyStart + length);
      }
    }
  }

  // ---- session actions ----------------------------------------------------------------

  function sessionShown() {
    return current && current.name === "session" ? current : null;
  }

  async function sendFollowUp(event) {
    event.preventDefault();
    const view = sessionShown();
    if (!view) return;
    const input = $("follow-up-input");
    const prompt = input.value.trim();
    if (!prompt) {
      input.setAttribute("aria-invalid", "true");
      showAlert("Write a follow-up prompt first.");
      input.focus();
      return;
    }
    input.removeAttribute("aria-invalid");
    const button = $("follow-up-button");
    button.disabled = true;
    try {
      const started = await api("POST", `${sessionPath(view.id)}/prompts`, { prompt });
      input.value = "";
      showAlert("");
      announce(`Follow-up sent (run ${started.run + 1}).`);
    } catch (error) {
      showAlert(describe(error));
    } finally {
      button.disabled = false;
    }
    view.refresh();
  }

  async function closeShownSession() {
    const view = sessionShown();
    if (!view) return;
    const button = $("close-session-button");
    button.disabled = true;
    try {
      const detail = await api("DELETE", sessionPath(view.id));
      if (!view.stopped) {
        $("session-title").focus(); // the button goes away with the session
        renderSession(view, detail, view.polls);
        announce("Session closed.");
      }
    } catch (error) {
      showAlert(describe(error));
    } finally {
      button.disabled = false;
    }
    view.refresh();
  }

  async function downloadTrace() {
    const view = sessionShown();
    if (!view || !view.detail || !API_PATH.test(view.detail.trace_url || "")) return;
    const button = $("trace-button");
    button.disabled = true;
    try {
      const response = await authorized(view.detail.trace_url);
      saveBlob(await response.blob(), `pupi-${view.id}.zip`);
      announce("Trace downloaded.");
    } catch (error) {
      showAlert(describe(error));
    } finally {
      button.disabled = false;
    }
  }

  function saveBlob(blob, filename) {
    const url = URL.createObjectURL(blob);
    const link = el("a", { href: url, download: filename, hidden: "" });
    document.body.append(link);
    link.click();
    link.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  async function copySteps() {
    const view = sessionShown();
    if (!view || view.stepsJson === null) return;
    try {
      await navigator.clipboard.writeText(view.stepsJson);
      announce("Steps copied to the clipboard.");
    } catch {
      const details = $("steps-json").closest("details");
      if (details) details.open = true;
      window.getSelection().selectAllChildren($("steps-json"));
      announce("Could not copy: the steps are selected, copy them with Ctrl+C.");
    }
  }

  // ---- start --------------------------------------------------------------------------

  function init() {
    $("sign-in-form").addEventListener("submit", signIn);
    $("sign-out").addEventListener("click", () => signOut());
    $("start-form").addEventListener("submit", startSession);
    $("close-all-button").addEventListener("click", closeAll);
    $("show-closed-input").addEventListener("change", () => {
      if (current && current.refresh) current.refresh();
    });
    $("follow-up-form").addEventListener("submit", sendFollowUp);
    $("close-session-button").addEventListener("click", closeShownSession);
    $("trace-button").addEventListener("click", downloadTrace);
    $("copy-steps-button").addEventListener("click", copySteps);
    window.addEventListener("hashchange", () => render());
    render(false);
  }

  init();
})();
