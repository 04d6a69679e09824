// The supervisor's Scheduled Callbacks view (seed 003): every callback with its Agent Owner, the
// scheduled time in the customer's zone and the viewer's, filters, sort, cancel (one or many),
// reschedule, reassign to an agent or back to the queue, CSV export — and, unlike the view it is
// modelled on, it refreshes itself from the event stream.
"use strict";

const S = { rows: [], queues: [], sort: "at", desc: false, selected: new Set(), editing: null, pending: null };
const $ = (id) => document.getElementById(id);
const at = CW.startOf;
const zoneOf = CW.zoneOf;

function key(cb, field) {
  switch (field) {
    case "at": return at(cb);
    case "number": return cb.target.id;
    default: return cb[field] === null || cb[field] === undefined ? "" : cb[field];
  }
}

async function load() {
  const form = $("filters");
  const params = new URLSearchParams({ pageSize: "100" });
  for (const el of form.elements) {
    if (!el.name || !el.value) continue;
    params.set(el.name, el.type === "date" ? el.value + (el.name === "to" ? "T23:59:59Z" : "T00:00:00Z") : el.value);
  }
  try {
    CW.clearProblems(form);
    // Pages of 100 (the API's most), up to 2,000 callbacks: a filter narrows a larger list.
    let page = await CW.api("GET", "/api/v2/callbacks?" + params);
    const rows = page.entities;
    while (page.nextCursor && rows.length < 2000) {
      params.set("cursor", page.nextCursor);
      page = await CW.api("GET", "/api/v2/callbacks?" + params);
      rows.push(...page.entities);
    }
    S.rows = rows;
    $("count").textContent = page.total + " callback" + (page.total === 1 ? "" : "s");
    render();
  } catch (e) {
    CW.showProblem(form, e);
  }
}

// Many changes at once (a bulk cancel, a burst of releases) reload the list once.
function reloadSoon() {
  clearTimeout(S.pending);
  S.pending = setTimeout(load, 150);
}

function render() {
  const rows = [...S.rows].sort((a, b) => {
    const x = key(a, S.sort), y = key(b, S.sort);
    const c = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
    return S.desc ? -c : c;
  });
  const viewer = CW.viewerZone();
  for (const id of [...S.selected]) if (!rows.some((r) => r.id === id)) S.selected.delete(id);
  if (!rows.length) {
    $("rows").replaceChildren(CW.h("tr", {}, CW.h("td", { colspan: "12", class: "muted" }, "No callbacks match.")));
    bulkState();
    return;
  }
  $("rows").replaceChildren(...rows.map((cb) => {
    const open = CW.isOpen(cb);
    const zone = zoneOf(cb);
    const w = cb.callbackWindow;
    const window = w ? CW.inZone(w.startTime, zone).slice(11) + "–" +
      CW.inZone(new Date(Date.parse(w.startTime) + w.duration * 1000).toISOString(), zone).slice(11) : "";
    return CW.h("tr", { "data-id": cb.id },
      CW.h("td", {}, CW.h("input", {
        type: "checkbox", "aria-label": "Select " + cb.customerName, checked: S.selected.has(cb.id),
        disabled: !open, onchange: (e) => { e.target.checked ? S.selected.add(cb.id) : S.selected.delete(cb.id); bulkState(); },
      })),
      CW.h("td", {}, cb.customerName),
      CW.h("td", {}, cb.target.id),
      CW.h("td", {}, cb.queueId),
      CW.h("td", { class: "owner" }, cb.agentId || ""),
      CW.h("td", {}, at(cb) ? CW.inZone(at(cb), zone) + " " + zone : "as soon as possible"),
      CW.h("td", { class: "wide" }, at(cb) ? CW.inZone(at(cb), viewer) : ""),
      CW.h("td", { class: "wide" }, window),
      CW.h("td", {}, CW.h("span", { class: "state " + cb.status }, cb.status)),
      CW.h("td", { class: "wide" }, cb.attempts + " / " + cb.maxAttempts),
      CW.h("td", { class: "wide" }, cb.origin || ""),
      CW.h("td", {}, open ? [
        CW.h("button", { type: "button", onclick: () => edit(cb) }, "Reschedule / reassign"), " ",
        CW.h("button", { type: "button", class: "danger", onclick: () => cancel([cb.id]) }, "Cancel"),
      ] : ""));
  }));
  bulkState();
}

function bulkState() {
  $("bulk-cancel").disabled = S.selected.size === 0;
  $("bulk-cancel").textContent = S.selected.size ? "Cancel selected (" + S.selected.size + ")" : "Cancel selected";
}

async function cancel(ids) {
  if (!confirm("Cancel " + ids.length + " callback" + (ids.length === 1 ? "" : "s") + "?")) return;
  const failed = [];
  for (const id of ids) {
    try {
      await CW.api("DELETE", "/api/v2/callbacks/" + encodeURIComponent(id));
      S.selected.delete(id);
    } catch (e) {
      failed.push(id + ": " + e.message);
    }
  }
  if (failed.length) alert(failed.join("\n"));
  load();
}

function edit(cb) {
  S.editing = cb;
  const form = $("edit-form");
  form.reset();
  CW.clearProblems(form);
  $("edit-title").textContent = "Reschedule or reassign " + cb.customerName;
  form.elements.agent.value = cb.agentId || "";
  const queues = new Set([...S.queues, cb.queueId]);
  $("e-queue").replaceChildren(...[...queues].sort().map((q) => CW.h("option", { value: q, selected: q === cb.queueId }, q)));
  const start = at(cb);
  if (start) form.elements.at.value = CW.inZone(start, zoneOf(cb)).replace(" ", "T");
  $("edit").showModal();
  form.elements.at.focus();
}

async function saveEdit(e) {
  e.preventDefault();
  const form = $("edit-form");
  const cb = S.editing;
  const body = {};
  const value = form.elements.at.value;
  const zone = zoneOf(cb);
  if (value && value !== CW.inZone(at(cb), zone).replace(" ", "T")) {
    const [date, time] = value.split("T");
    body.requestedTime = date + "T" + time.slice(0, 5) + ":00" + CW.offsetAt(date, time.slice(0, 5), zone);
    body.externalData = { timezone: zone };
  }
  if (form.elements.queue.value && form.elements.queue.value !== cb.queueId) body.queueId = form.elements.queue.value;
  const agent = form.elements.agent.value.trim();
  if (agent !== (cb.agentId || "")) body.agentId = agent || null;
  if (!Object.keys(body).length) return $("edit").close();
  try {
    await CW.api("PATCH", "/api/v2/callbacks/" + encodeURIComponent(cb.id), body);
    $("edit").close();
    load();
  } catch (err) {
    CW.showProblem(form, err);
  }
}

function exportCsv() {
  const quote = (v) => '"' + String(v === null || v === undefined ? "" : v).replace(/"/g, '""') + '"';
  const lines = [["id", "customer", "number", "queue", "agent_owner", "scheduled_utc", "timezone", "state", "attempts", "max_attempts", "end_reason", "origin"].join(",")];
  for (const cb of S.rows) {
    lines.push([cb.id, cb.customerName, cb.target.id, cb.queueId, cb.agentId, at(cb), zoneOf(cb), cb.status,
      cb.attempts, cb.maxAttempts, cb.endReason, cb.origin].map(quote).join(","));
  }
  const link = CW.h("a", {
    href: URL.createObjectURL(new Blob([lines.join("\r\n") + "\r\n"], { type: "text/csv" })),
    download: "callbacks.csv",
  });
  document.body.append(link);
  link.click();
  link.remove();
}

async function start(me) {
  if (me.role === "agent") {
    $("who").textContent = "An agent's token sees only its own callbacks here.";
  } else {
    $("who").textContent = me.role;
  }
  $("view").hidden = false;
  try {
    const agents = await CW.api("GET", "/api/v2/agents");
    $("agent-names").replaceChildren(...agents.map((a) => CW.h("option", { value: a.name })));
    S.queues = [...new Set(agents.flatMap((a) => a.queues || []))];
  } catch (e) {
    /* the list is a convenience */
  }
  await load();
  CW.events(reloadSoon);
}

document.addEventListener("DOMContentLoaded", () => {
  $("filters").addEventListener("submit", (e) => { e.preventDefault(); load(); });
  document.querySelectorAll("[data-sort]").forEach((b) => b.addEventListener("click", () => {
    S.desc = S.sort === b.dataset.sort ? !S.desc : false;
    S.sort = b.dataset.sort;
    render();
  }));
  $("select-all").addEventListener("change", (e) => {
    document.querySelectorAll("#rows input[type=checkbox]:not(:disabled)").forEach((c) => {
      c.checked = e.target.checked;
      const id = c.closest("tr").dataset.id;
      e.target.checked ? S.selected.add(id) : S.selected.delete(id);
    });
    bulkState();
  });
  $("bulk-cancel").addEventListener("click", () => cancel([...S.selected]));
  $("export").addEventListener("click", exportCsv);
  $("edit-close").addEventListener("click", () => $("edit").close());
  $("edit-form").addEventListener("submit", saveEdit);
  CW.who(start);
});
