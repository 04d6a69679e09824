// Shared by every page: signing in with a token, JSON requests that turn a problem+json answer
// into an Error carrying it, the live event stream, and small DOM helpers. No framework: the pages
// are a few hundred lines each and must load with nothing but this server.
"use strict";

const CW = {
  token() {
    return sessionStorage.getItem("cw_token") || "";
  },
  // The token is kept for this tab (sessionStorage) and in a same-site cookie that only the
  // read-only event stream accepts (an EventSource cannot send an Authorization header).
  signIn(token) {
    sessionStorage.setItem("cw_token", token);
    document.cookie = "callwright_token=" + encodeURIComponent(token) + "; path=/; SameSite=Strict";
  },
  signOut() {
    sessionStorage.removeItem("cw_token");
    document.cookie = "callwright_token=; path=/; max-age=0; SameSite=Strict";
    location.reload();
  },
  async api(method, path, body) {
    const headers = { Authorization: "Bearer " + CW.token(), Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch (e) {
      data = { detail: text };
    }
    if (!response.ok) {
      const problem = data || {};
      const error = new Error(problem.detail || problem.title || response.statusText);
      error.problem = problem;
      error.status = response.status;
      throw error;
    }
    return data;
  },
  // Calls `onChange(event)` for every change on the stream; `null` when changes were missed
  // (the page then reloads its lists).
  events(onChange) {
    const source = new EventSource("/api/v2/callbacks/events");
    source.addEventListener("callback", (e) => onChange(JSON.parse(e.data)));
    source.addEventListener("lagged", () => onChange(null));
    source.addEventListener("open", () => CW.status("live"));
    source.addEventListener("error", () => CW.status("reconnecting…"));
    return source;
  },
  status(text) {
    const el = document.getElementById("live");
    if (el) el.textContent = text;
  },
  // `h("td", {class: "x"}, "text", child)`: an element with attributes and children.
  h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else if (k === "text") el.textContent = v;
      else el.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  },
  // Shows a problem next to the field it names (`data-field` on the input's wrapper), every
  // CB rule of `errors` at its own field, and the rest in the form's general message.
  showProblem(form, error) {
    CW.clearProblems(form);
    const problem = error.problem || {};
    const items = problem.errors && problem.errors.length
      ? problem.errors.map((e) => ({ field: e.field, text: (e.code ? e.code + ": " : "") + e.message + (e.help ? " — " + e.help : "") }))
      : [{ field: problem.field, text: (problem.code ? problem.code + ": " : "") + (problem.detail || error.message) }];
    for (const item of items) {
      // The field's own wrapper, else the nearest one that contains it (`callbackWindow` for
      // `callbackWindow.startTime`), else the form's general message.
      let holder = null;
      for (const w of form.querySelectorAll("[data-field]")) {
        const name = w.getAttribute("data-field");
        if (item.field && (item.field === name || item.field.startsWith(name + "."))
          && (!holder || name.length > holder.getAttribute("data-field").length)) holder = w;
      }
      const slot = (holder && holder.querySelector(".field-error")) || form.querySelector(".form-error");
      slot.textContent = slot.textContent ? slot.textContent + " " + item.text : item.text;
      const input = slot.closest("[data-field]") && slot.closest("[data-field]").querySelector("input, select");
      if (input) input.setAttribute("aria-invalid", "true");
    }
  },
  clearProblems(form) {
    form.querySelectorAll(".field-error, .form-error").forEach((e) => (e.textContent = ""));
    form.querySelectorAll("[aria-invalid]").forEach((e) => e.removeAttribute("aria-invalid"));
  },
  // A callback's scheduled start (RFC 3339), its customer's zone, and whether it is still pending.
  startOf(cb) {
    return (cb.callbackWindow && cb.callbackWindow.startTime) || cb.requestedTime || "";
  },
  zoneOf(cb) {
    return (cb.callbackWindow && cb.callbackWindow.timezone) || cb.externalData.timezone || "UTC";
  },
  isOpen(cb) {
    return !["COMPLETED", "CANCELLED", "FAILED", "EXPIRED"].includes(String(cb.status).toUpperCase());
  },
  // A time in a zone, `2026-12-03 10:00`.
  inZone(iso, zone) {
    if (!iso) return "";
    try {
      return new Intl.DateTimeFormat("sv-SE", {
        timeZone: zone || undefined, year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit",
      }).format(new Date(iso));
    } catch (e) {
      return iso;
    }
  },
  // The zone's UTC offset at a local date and time, as `+01:00` (what the API's times carry).
  offsetAt(date, time, zone) {
    const [y, m, d] = date.split("-").map(Number);
    const [hh, mm] = time.split(":").map(Number);
    const wall = Date.UTC(y, m - 1, d, hh, mm);
    let guess = wall;
    for (let i = 0; i < 2; i++) {
      const p = Object.fromEntries(new Intl.DateTimeFormat("en-US", {
        timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit",
      }).formatToParts(new Date(guess)).map((x) => [x.type, x.value]));
      guess = wall - (Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute) - guess);
    }
    const minutes = Math.round((wall - guess) / 60000);
    const abs = Math.abs(minutes);
    return (minutes < 0 ? "-" : "+") + String(Math.floor(abs / 60)).padStart(2, "0") + ":" + String(abs % 60).padStart(2, "0");
  },
  viewerZone() {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  },
  // Asks for a token once; answers who it speaks for (`/api/v2/me`), or shows the sign-in form.
  async who(onSignedIn) {
    const form = document.getElementById("signin");
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      CW.signIn(form.elements.token.value.trim());
      try {
        const me = await CW.api("GET", "/api/v2/me");
        form.hidden = true;
        onSignedIn(me);
      } catch (err) {
        CW.showProblem(form, err);
      }
    });
    if (!CW.token()) {
      form.hidden = false;
      form.elements.token.focus();
      return;
    }
    try {
      const me = await CW.api("GET", "/api/v2/me");
      onSignedIn(me);
    } catch (err) {
      form.hidden = false;
      CW.showProblem(form, err);
    }
  },
};
