// The supervisor's campaign page (seed 002): every campaign of center.yaml with its mode, status
// and live progress, and Start / Pause / Resume / Stop — each a request to the campaigns API with
// the supervisor's token. It refreshes from the event stream (a campaign's status, a record's
// change) and every two seconds while a campaign runs.
"use strict";

const C = { list: [], timer: null };
const $ = (id) => document.getElementById(id);

// The actions a campaign allows in its status, as the API checks them.
const ACTIONS = {
  ready: ["start"], running: ["pause", "stop"], paused: ["resume", "stop"],
  stopped: ["start"], finished: ["start"],
};

async function load() {
  try {
    C.list = await CW.api("GET", "/api/v2/campaigns");
  } catch (e) {
    $("act-error").textContent = e.message;
    return;
  }
  render();
  clearTimeout(C.timer);
  if (C.list.some((c) => c.status === "running")) C.timer = setTimeout(load, 2000);
}

async function act(name, action) {
  $("act-error").textContent = "";
  try {
    await CW.api("POST", "/api/v2/campaigns/" + encodeURIComponent(name) + "/" + action);
  } catch (e) {
    $("act-error").textContent = (e.problem && e.problem.detail) || e.message;
  }
  load();
}

function progress(c) {
  const done = c.contacts - c.remaining;
  const bar = CW.h("progress", { max: String(Math.max(c.contacts, 1)), value: String(done),
    "aria-label": c.name + ": " + done + " of " + c.contacts + " contacts fed" });
  return CW.h("span", {}, bar, " " + done + " / " + c.contacts);
}

function render() {
  if (!C.list.length) {
    $("rows").replaceChildren(CW.h("tr", {}, CW.h("td", { colspan: "8", class: "muted" },
      "No campaigns: add them under `campaigns:` in center.yaml.")));
    return;
  }
  $("rows").replaceChildren(...C.list.map((c) => CW.h("tr", { "data-campaign": c.name },
    CW.h("td", {}, c.name, CW.h("br", {}), CW.h("span", { class: "muted" }, "queue " + c.queueId + ", " + c.hours)),
    CW.h("td", {}, c.mode.replace("_", " ")),
    CW.h("td", {}, CW.h("span", { class: "state " + c.status }, c.status)),
    CW.h("td", {}, progress(c)),
    CW.h("td", { class: "wide" }, String(c.open)),
    CW.h("td", { class: "wide" }, Object.entries(c.ended).map(([k, v]) => k + " " + v).join(", ") || "—"),
    CW.h("td", { class: "wide" }, c.agents.join(", ")),
    CW.h("td", {}, ...(ACTIONS[c.status] || []).map((a) => CW.h("button", {
      type: "button", class: a === "stop" ? "danger" : a === "start" || a === "resume" ? "primary" : "",
      "data-action": a, onclick: () => act(c.name, a),
    }, a[0].toUpperCase() + a.slice(1)))))));
  $("details").replaceChildren(...C.list.filter((c) => c.listProblems.length || c.skipped.length || c.changes.length).map((c) =>
    CW.h("details", {},
      CW.h("summary", {}, c.name + ": pacing " + c.pacing),
      c.changes.length ? CW.h("p", {}, "History: " + c.changes.map((h) => h.status + " by " + h.by + " at " +
        new Date(h.at).toLocaleTimeString()).join("; ")) : "",
      c.listProblems.length ? CW.h("p", {}, "Rows of the list not loaded: " + c.listProblems.join("; ")) : "",
      c.skipped.length ? CW.h("p", {}, "Contacts left out: " + c.skipped.join("; ")) : "")));
}

function start(me) {
  if (me.role === "agent") {
    $("who").textContent = "This token is an agent's; campaigns are run by a supervisor.";
    return;
  }
  $("who").textContent = me.role;
  $("view").hidden = false;
  load();
  CW.events(() => load());
}

document.addEventListener("DOMContentLoaded", () => CW.who(start));
