// The agent desktop: presence, the callback preview with its countdown, the interaction and its
// disposition (seed 001), "My callbacks", and the New callback / Reschedule dialog with the
// contact's zone, a calendar and the slot grid (seeds 000 and 002). Everything goes through the
// JSON API with the agent's own token; the desk follows the event stream and checks itself
// every second while an offer or a call is on it.
"use strict";

const A = {
  me: null, agents: [], desk: null, timer: null, countdown: null, slot: null, editing: null,
  // Campaign statuses last seen (the warning says what changed), campaign records seen in offers
  // (their campaign and contact, for the reschedule form once the call is on), contacts read.
  campaigns: null, records: {}, contacts: {}, loggingOut: false,
};
const $ = (id) => document.getElementById(id);

async function setPresence(status) {
  try {
    await CW.api("PUT", "/api/v2/agents/" + encodeURIComponent(A.me.agent) + "/presence", { status });
  } catch (e) {
    alert(e.message);
  }
  await refreshDesk();
}

function showPresence(presence) {
  document.querySelectorAll("[data-presence]").forEach((b) =>
    b.setAttribute("aria-pressed", String(b.dataset.presence === presence)));
  // An offer left to time out went to the next agent, and this one is offered nothing more
  // until they say Ready again (Genesys's Not Responding).
  const note = $("not-responding");
  note.hidden = presence !== "not_responding";
}

async function refreshDesk() {
  let desk;
  try {
    desk = await CW.api("GET", "/api/v2/agents/" + encodeURIComponent(A.me.agent) + "/desk");
  } catch (e) {
    CW.status(e.message);
    return;
  }
  const hadOffer = A.desk && A.desk.offer && A.desk.offer.callbackId;
  A.desk = desk;
  showPresence(desk.presence);
  showCampaigns(desk.campaigns || []);
  showLogout(desk);
  const offer = $("offer");
  if (desk.offer) {
    const o = desk.offer;
    const rows = [["Customer", o.customerName], ["Number", o.number], ["Queue", o.queueId],
      ["Reason", o.reason || "—"], ["Time zone", o.customerTimezone || "—"],
      ["Customer's local time", o.customerLocalTime || "—"]];
    // The flow's attached data, less what the rows above already show.
    for (const [k, v] of Object.entries(o.data || {})) {
      if (!["customerName", "reason", "timezone"].includes(k)) rows.push([k, v]);
    }
    $("offer-case").replaceChildren(...rows.flatMap(([k, v]) => [CW.h("dt", {}, k), CW.h("dd", {}, v)]));
    // A campaign record: preview is Dial or Skip (dialled when the time is up), push preview
    // Accept or Reject (seed 002).
    const preview = o.mode === "preview";
    $("offer-title").textContent = o.campaign ? (preview ? "Preview: campaign " : "Campaign record: ") + o.campaign : "Callback offered";
    $("accept").textContent = preview ? "Dial" : "Accept";
    $("reject").textContent = preview ? "Skip" : "Reject";
    $("offer-prompt").textContent = preview ? "Dialled automatically in" : "Answer within";
    $("offer-after").hidden = preview;
    if (o.campaign) A.records[o.callbackId] = { campaign: o.campaign, contactId: o.contactId };
    $("offer-numbers-line").hidden = !o.contactId;
    if (!o.contactId) $("offer-history-box").hidden = true;
    // Read once per offer (fresh: its history and numbers may have changed since the last one).
    if (o.contactId && hadOffer !== o.callbackId) contactOf(o.contactId, true).then((c) => {
      $("offer-numbers").textContent = c ? c.numbers.map(numberText).join(", ") : "";
      showHistory(c, o.callbackId);
    });
    A.countdown = Date.now() + o.secondsLeft * 1000;
    tick();
    offer.hidden = false;
    // A new offer takes the focus, so a screen reader announces it (seed 001).
    if (hadOffer !== o.callbackId) offer.focus();
  } else {
    offer.hidden = true;
    A.countdown = null;
  }
  const call = $("call");
  if (desk.call) {
    call.hidden = false;
    $("call-id").textContent = desk.call.callbackId;
    // A live call from the web phone (`call-N`) is not a callback: it ends without a disposition.
    $("call-kind").textContent = desk.call.callbackId.startsWith("call-") ? "Call" : "Callback";
    $("call-status").textContent = desk.call.status + (desk.call.result ? " (" + desk.call.result + ")" : "");
    const talking = desk.call.status === "connected" || desk.call.status === "on_hold";
    $("end-call").disabled = !talking;
    $("hold").disabled = !talking;
    $("hold").setAttribute("aria-pressed", String(desk.call.status === "on_hold"));
    $("hold").textContent = desk.call.status === "on_hold" ? "Resume" : "Hold";
    $("desk-keypad").querySelectorAll("button").forEach((b) => (b.disabled = desk.call.status !== "connected"));
    const select = $("disposition");
    const codes = desk.dispositions || [];
    if (select.dataset.for !== desk.call.callbackId) {
      select.replaceChildren(CW.h("option", { value: "" }, "Choose…"), ...codes.map((c) => CW.h("option", { value: c }, c)));
      select.dataset.for = desk.call.callbackId;
    }
    showReschedule(desk.call.callbackId, desk.campaigns || []);
  } else {
    call.hidden = true;
  }
  // Poll only while something on the desk changes by itself (a countdown, a dial).
  clearTimeout(A.timer);
  if (desk.offer || desk.call) A.timer = setTimeout(refreshDesk, 1000);
}

// My campaigns, and a warning when one of them starts, pauses or stops (seed 002: agents are
// warned when a campaign they belong to starts).
function showCampaigns(list) {
  $("campaigns-section").hidden = !list.length;
  $("my-campaigns").replaceChildren(...list.map((c) => CW.h("tr", {},
    CW.h("td", {}, c.name), CW.h("td", {}, c.mode.replace("_", " ")),
    CW.h("td", {}, CW.h("span", { class: "state " + c.status }, c.status)),
    CW.h("td", {}, c.since ? new Date(c.since).toLocaleTimeString() : "—"))));
  const before = A.campaigns;
  A.campaigns = Object.fromEntries(list.map((c) => [c.name, c.status]));
  const words = { running: "has started", paused: "was paused", stopped: "was stopped", finished: "has finished" };
  for (const c of list) {
    const was = before ? before[c.name] : "ready";
    if (was !== c.status && words[c.status] && (before || c.status === "running")) {
      $("campaign-warning-text").textContent = "Campaign " + c.name + " " + words[c.status] +
        (c.status === "running" ? " (" + c.mode.replace("_", " ") + "): its records will be offered to you." : ".");
      $("campaign-warning").hidden = false;
    }
  }
}

// Negotiated logout: asked for on a call, it waits for the record to be done; then a short
// countdown says the agent is signed off.
function showLogout(desk) {
  const note = $("logout-note");
  if (desk.logoutRequested) {
    A.loggingOut = true;
    note.textContent = "Logout requested: you will be logged out when this record is done (no new work meanwhile).";
    note.hidden = false;
  } else if (A.loggingOut && desk.presence === "logged_out") {
    A.loggingOut = false;
    let left = 5;
    const step = () => {
      note.textContent = left > 0 ? "Record done: logout authorised. Signing off in " + left + " s." : "Logged out.";
      left -= 1;
      if (left >= 0) setTimeout(step, 1000);
    };
    note.hidden = false;
    step();
  } else if (!A.loggingOut && desk.presence !== "logged_out") {
    note.hidden = true;
  }
}

// A contact read once and kept; `fresh` reads it again (a new offer wants the latest history and
// numbers: the agent may have just added one or closed a call with a disposition).
async function contactOf(id, fresh) {
  if (fresh || !(id in A.contacts)) {
    try {
      A.contacts[id] = await CW.api("GET", "/api/v2/contacts/" + encodeURIComponent(id));
    } catch (e) {
      A.contacts[id] = null;
    }
  }
  return A.contacts[id];
}

function numberText(n) {
  return n.number + " (" + n.type + (n.callableHours ? ", " + n.callableHours : "") + ")";
}

// The contact's earlier callbacks and campaign calls, newest first, with how each ended and the
// disposition an agent gave it (seed 002: the contact's history at the preview).
function showHistory(contact, current) {
  const items = ((contact && contact.history) || []).filter((h) => h.callbackId !== current).slice(0, 5);
  $("offer-history").replaceChildren(...items.map((h) => {
    const when = new Date(h.createdAt).toLocaleString();
    const how = h.endReason ? h.status + ", " + h.endReason : h.status;
    const disposition = h.disposition ? " — " + h.disposition + (h.dispositionNotes ? ": " + h.dispositionNotes : "") : "";
    return CW.h("li", {}, when + " · " + h.number + " · " + how + disposition);
  }));
  $("offer-history-box").hidden = items.length === 0;
}

// The reschedule form of a campaign call: personal or campaign as the campaign allows, another of
// the contact's numbers or a new one with its type and hours (seed 002).
async function showReschedule(callbackId, campaigns) {
  const form = $("reschedule");
  const record = A.records[callbackId];
  form.hidden = !record;
  if (!record || form.dataset.for === callbackId) return;
  form.dataset.for = callbackId;
  form.reset();
  CW.clearProblems(form);
  $("r-done").textContent = "";
  const rule = (campaigns.find((c) => c.name === record.campaign) || {}).reschedule || "choice";
  form.elements.kind.querySelectorAll("option").forEach((o) => (o.disabled = rule !== "choice" && o.value !== rule));
  form.elements.kind.value = rule === "campaign" ? "campaign" : "personal";
  const c = record.contactId ? await contactOf(record.contactId) : null;
  const numbers = c ? c.numbers : [];
  $("r-number").replaceChildren(...numbers.map((n) => CW.h("option", { value: n.number }, numberText(n))),
    CW.h("option", { value: "new" }, "Add new number…"));
  $("r-new").hidden = numbers.length > 0;
  const soon = new Date(Date.now() + 3600000);
  soon.setMinutes(soon.getMinutes() - soon.getTimezoneOffset());
  form.elements.start.value = soon.toISOString().slice(0, 16);
}

async function saveReschedule(e) {
  e.preventDefault();
  const form = $("reschedule");
  CW.clearProblems(form);
  const f = form.elements;
  const body = { kind: f.kind.value, start: new Date(f.start.value).toISOString() };
  if (f.number.value === "new") {
    body.number = f.newNumber.value.trim();
    body.numberType = f.numberType.value;
    if (f.from.value && f.until.value) body.numberHours = f.from.value + "-" + f.until.value;
  } else {
    body.number = f.number.value;
  }
  try {
    const cb = await CW.api("POST", "/api/v2/callbacks/" + encodeURIComponent(form.dataset.for) + "/reschedule", body);
    $("r-done").textContent = "Booked " + cb.id + (cb.agentId ? " for you" : " for the campaign") + ". Close the call with a disposition.";
    const record = A.records[form.dataset.for];
    if (record && record.contactId) delete A.contacts[record.contactId];
    refreshMine();
  } catch (err) {
    // The API names the new number `number`; the form shows it at the new number's field.
    if (err.problem && err.problem.field === "number" && f.number.value === "new") err.problem.field = "newNumber";
    CW.showProblem(form, err);
  }
}

function tick() {
  if (!A.countdown) return;
  $("offer-countdown").textContent = Math.max(0, Math.round((A.countdown - Date.now()) / 1000));
  setTimeout(tick, 250);
}

async function answer(what) {
  try {
    await CW.api("POST", "/api/v2/agents/" + encodeURIComponent(A.me.agent) + "/offer/" + what);
  } catch (e) {
    alert(e.message);
  }
  await refreshDesk();
}

async function refreshMine() {
  const page = await CW.api("GET", "/api/v2/callbacks?agentId=" + encodeURIComponent(A.me.agent) + "&pageSize=100");
  const viewer = CW.viewerZone();
  if (!page.entities.length) {
    $("mine").replaceChildren(CW.h("tr", {}, CW.h("td", { colspan: "7", class: "muted" }, "No callbacks of yours.")));
    return;
  }
  $("mine").replaceChildren(...page.entities.map((cb) => {
    const zone = CW.zoneOf(cb);
    const at = CW.startOf(cb);
    const open = CW.isOpen(cb);
    return CW.h("tr", { "data-id": cb.id },
      CW.h("td", {}, cb.customerName), CW.h("td", {}, cb.target.id), CW.h("td", {}, cb.queueId),
      CW.h("td", {}, at ? CW.inZone(at, zone) + " " + zone : "as soon as possible"),
      CW.h("td", { class: "wide" }, at ? CW.inZone(at, viewer) : ""),
      CW.h("td", {}, CW.h("span", { class: "state " + cb.status }, cb.status)),
      CW.h("td", {}, open ? CW.h("button", { type: "button", onclick: () => openSchedule(cb) }, "Reschedule") : ""));
  }));
}

function openSchedule(cb) {
  const form = $("schedule-form");
  form.reset();
  CW.clearProblems(form);
  A.editing = cb ? cb.id : null;
  A.slot = null;
  $("schedule-title").textContent = cb ? "Reschedule " + cb.customerName : "New callback";
  $("schedule-save").textContent = cb ? "Reschedule" : "Schedule";
  for (const name of ["number", "name", "queue", "type", "reason"]) form.elements[name].disabled = !!cb;
  form.elements.zone.value = cb ? CW.zoneOf(cb) : CW.viewerZone();
  if (cb) {
    form.elements.number.value = cb.target.id;
    form.elements.name.value = cb.customerName;
  }
  const tomorrow = new Date(Date.now() + 86400000);
  form.elements.date.value = tomorrow.toISOString().slice(0, 10);
  $("schedule").showModal();
  form.elements[cb ? "date" : "number"].focus();
  loadSlots();
}

async function loadSlots() {
  const form = $("schedule-form");
  const grid = $("slots");
  A.slot = null;
  const queue = form.elements.queue.value;
  const zone = form.elements.zone.value.trim();
  const date = form.elements.date.value;
  if (!queue || !zone || !date) return grid.replaceChildren();
  try {
    const g = await CW.api("GET", "/api/v2/callbacks/slots?queueId=" + encodeURIComponent(queue) +
      "&date=" + date + "&timezone=" + encodeURIComponent(zone));
    grid.replaceChildren(...g.slots.map((s) => {
      const places = s.remaining === null ? "no limit" : s.remaining + " of " + s.capacity + " places left";
      const tip = s.localStart + "–" + s.localEnd + (s.available ? ", " + places : ", " + s.unavailableReason.replace(/_/g, " "));
      return CW.h("button", {
        type: "button", class: "slot " + (s.available ? "free" : "full"), title: tip, "aria-label": tip,
        "aria-pressed": "false", "aria-disabled": s.available ? null : "true", "data-start": s.start,
        onclick: (e) => pickSlot(e.currentTarget, s),
      }, s.localStart);
    }));
    if (!g.slots.length) grid.append(CW.h("p", { class: "muted" }, "No slots: the queue is closed that day."));
  } catch (e) {
    CW.showProblem(form, e);
  }
}

function pickSlot(button, slot) {
  const form = $("schedule-form");
  CW.clearProblems(form);
  if (!slot.available) {
    const holder = form.querySelector('[data-field="callbackWindow"] .field-error');
    holder.textContent = slot.localStart + "–" + slot.localEnd + " cannot be booked: " + slot.unavailableReason.replace(/_/g, " ");
    return;
  }
  document.querySelectorAll(".slot").forEach((b) => b.setAttribute("aria-pressed", "false"));
  button.setAttribute("aria-pressed", "true");
  A.slot = slot;
  form.elements.time.value = "";
}

async function saveSchedule(e) {
  e.preventDefault();
  const form = $("schedule-form");
  CW.clearProblems(form);
  const f = form.elements;
  const zone = f.zone.value.trim();
  const body = {};
  if (A.slot && !f.time.value) {
    body.callbackWindow = { startTime: A.slot.start, duration: (Date.parse(A.slot.end) - Date.parse(A.slot.start)) / 1000 };
  } else if (f.time.value) {
    try {
      body.requestedTime = f.date.value + "T" + f.time.value + ":00" + CW.offsetAt(f.date.value, f.time.value, zone);
    } catch (err) {
      form.querySelector('[data-field="externalData.timezone"] .field-error').textContent = "`" + zone + "` is not a time zone";
      return;
    }
  } else {
    form.querySelector('[data-field="callbackWindow"] .field-error').textContent = "Pick a slot or give a time.";
    return;
  }
  try {
    if (A.editing) {
      body.externalData = { timezone: zone };
      await CW.api("PATCH", "/api/v2/callbacks/" + encodeURIComponent(A.editing), body);
    } else {
      body.target = { id: f.number.value.trim(), type: "phoneNumber" };
      body.queueId = f.queue.value;
      body.externalData = { timezone: zone };
      if (f.name.value.trim()) body.externalData.customerName = f.name.value.trim();
      if (f.reason.value.trim()) body.externalData.reason = f.reason.value.trim();
      if (f.type.value === "personal") body.agentId = A.me.agent;
      await CW.api("POST", "/api/v2/callbacks", body);
    }
    $("schedule").close();
    await refreshMine();
  } catch (err) {
    // The API names a window's start `requestedTime` whichever way it was given; booked from the
    // grid, the message belongs at the grid.
    if (body.callbackWindow && err.problem) {
      const at = (f) => (f === "requestedTime" ? "callbackWindow" : f);
      err.problem.field = at(err.problem.field);
      (err.problem.errors || []).forEach((e) => (e.field = at(e.field)));
    }
    CW.showProblem(form, err);
    // A slot that filled meanwhile: the grid is read again (the message stays), so it shows grey.
    if (A.slot) loadSlots();
  }
}

async function start(me) {
  if (me.role !== "agent") {
    $("who").textContent = "This token is a " + me.role + "'s; the desktop needs an agent's token.";
    return;
  }
  A.me = me;
  $("who").textContent = me.agent;
  $("presence").hidden = false;
  $("mine-section").hidden = false;
  try {
    A.agents = await CW.api("GET", "/api/v2/agents");
  } catch (e) {
    A.agents = [];
  }
  const mine = A.agents.find((a) => a.name === me.agent);
  $("s-queue").replaceChildren(...((mine && mine.queues) || []).map((q) => CW.h("option", { value: q }, q)));
  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  $("zones").replaceChildren(...zones.map((z) => CW.h("option", { value: z })));
  await Promise.all([refreshDesk(), refreshMine()]);
  // A change to one of this agent's callbacks (the event stream shows an agent only its own)
  // refreshes the list and the desk at once.
  CW.events(() => {
    refreshMine();
    refreshDesk();
  });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-presence]").forEach((b) =>
    b.addEventListener("click", () => setPresence(b.dataset.presence)));
  $("accept").addEventListener("click", () => answer("accept"));
  $("reject").addEventListener("click", () => answer("reject"));
  $("end-call").addEventListener("click", async () => {
    try {
      await CW.api("POST", "/api/v2/agents/" + encodeURIComponent(A.me.agent) + "/call/end");
    } catch (e) {
      alert(e.message);
    }
    refreshDesk();
  });
  $("hold").addEventListener("click", async () => {
    const what = $("hold").getAttribute("aria-pressed") === "true" ? "resume" : "hold";
    try {
      await CW.api("POST", "/api/v2/agents/" + encodeURIComponent(A.me.agent) + "/call/" + what);
    } catch (e) {
      alert(e.message);
    }
    refreshDesk();
  });
  $("desk-keypad").addEventListener("click", async (e) => {
    const key = e.target.getAttribute("data-key");
    if (!key) return;
    try {
      await CW.api("POST", "/api/v2/agents/" + encodeURIComponent(A.me.agent) + "/call/keys", { keys: key });
    } catch (err) {
      alert(err.message);
    }
  });
  $("dispose").addEventListener("submit", async (e) => {
    e.preventDefault();
    const form = $("dispose");
    const body = { code: form.elements.code.value };
    if (form.elements.notes.value) body.notes = form.elements.notes.value;
    try {
      await CW.api("POST", "/api/v2/callbacks/" + encodeURIComponent(A.desk.call.callbackId) + "/disposition", body);
      form.reset();
      refreshDesk();
      refreshMine();
    } catch (err) {
      CW.showProblem(form, err);
    }
  });
  $("new-callback").addEventListener("click", () => openSchedule(null));
  $("reschedule").addEventListener("submit", saveReschedule);
  $("r-number").addEventListener("change", () => ($("r-new").hidden = $("r-number").value !== "new"));
  $("campaign-warning-ok").addEventListener("click", () => ($("campaign-warning").hidden = true));
  $("schedule-cancel").addEventListener("click", () => $("schedule").close());
  $("schedule-form").addEventListener("submit", saveSchedule);
  for (const id of ["s-queue", "s-zone", "s-date"]) $(id).addEventListener("change", loadSlots);
  CW.who(start);
});
