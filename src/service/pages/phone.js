// The web phone: registers this page's number, dials the project's numbers, shows (and, with
// sound on, speaks) what the flow says, sends keys, and rings when a callback dials the number.
// Everything goes through /api/v2/phone/… with the signed-in token.
"use strict";

const P = { line: null, source: null, onCall: false };
const $ = (id) => document.getElementById(id);

function say(text, cls) {
  const item = CW.h("li", { class: cls }, text);
  $("transcript").append(item);
  item.scrollIntoView({ block: "nearest" });
  // Hold music ("♪ audio/hold.wav") is shown, not read out.
  if (cls === "said" && !text.startsWith("\u266a") && $("sound").checked && window.speechSynthesis) {
    speechSynthesis.speak(new SpeechSynthesisUtterance(text));
  }
}

function status(text) {
  $("status").textContent = text;
}

function setCall(on) {
  P.onCall = on;
  $("hangup").disabled = !on;
  $("call").disabled = on;
  if (!on) $("queue").hidden = true;
}

function minutes(secs) {
  const m = Math.max(1, Math.round(secs / 60));
  return m + (m === 1 ? " minute" : " minutes");
}

// One event of the line (see GET /api/v2/phone/lines/{id}/events).
function onLine(e) {
  switch (e.type) {
    case "ringing":
      status("Ringing…");
      $("ring-from").textContent = "Callback " + e.callback_id + (e.from ? " from " + e.from : "");
      $("ring").hidden = false;
      $("ring").focus();
      break;
    case "connected":
      $("ring").hidden = true;
      setCall(true);
      status("Connected: " + e.flow);
      say("Connected to " + e.flow, "muted");
      break;
    case "prompt":
      say(e.text, "said");
      break;
    case "keys":
      say("You pressed " + e.keys, "you");
      break;
    case "no_input":
      say("(no key pressed in time)", "muted");
      break;
    case "waiting": {
      const parts = ["In queue " + e.queue];
      if (e.position) parts.push("position " + e.position);
      parts.push(e.ewt_secs === null || e.ewt_secs === undefined ? "estimated wait unknown" : "estimated wait " + minutes(e.ewt_secs));
      $("queue").textContent = parts.join(" · ");
      $("queue").hidden = false;
      status("Waiting");
      break;
    }
    case "agent":
      $("queue").hidden = true;
      status("With " + e.agent);
      say("Agent " + e.agent + " is on the line", "muted");
      break;
    case "hold":
      status(e.on ? "On hold" : "With the agent");
      say(e.on ? "The agent put you on hold" : "The agent is back", "muted");
      break;
    case "agent_keys":
      say("The agent pressed " + e.keys, "muted");
      break;
    case "callback_booked":
      say("Callback booked for " + e.number + " in " + e.queue, "muted");
      break;
    case "ended":
      $("ring").hidden = true;
      setCall(false);
      status("Ended: " + e.reason);
      say("Call ended: " + e.reason, "muted");
      break;
  }
}

function listen() {
  if (P.source) P.source.close();
  P.source = new EventSource("/api/v2/phone/lines/" + encodeURIComponent(P.line.id) + "/events");
  P.source.addEventListener("line", (m) => onLine(JSON.parse(m.data)));
  P.source.addEventListener("open", () => CW.status("live"));
  P.source.addEventListener("error", () => CW.status("reconnecting…"));
}

async function register(e) {
  e.preventDefault();
  const form = $("register");
  CW.clearProblems(form);
  // A line this tab had before a reload is given up first (the server keeps lines in memory).
  const old = sessionStorage.getItem("cw_line");
  if (old) {
    sessionStorage.removeItem("cw_line");
    await CW.api("DELETE", "/api/v2/phone/lines/" + encodeURIComponent(old)).catch(() => {});
  }
  try {
    P.line = await CW.api("POST", "/api/v2/phone/lines", {
      number: form.elements.number.value,
      name: form.elements.name.value || null,
    });
  } catch (err) {
    CW.showProblem(form, err);
    return;
  }
  sessionStorage.setItem("cw_line", P.line.id);
  form.hidden = true;
  $("phone").hidden = false;
  $("my-line").textContent = P.line.number + " (" + P.line.name + ")";
  listen();
  $("to").focus();
}

async function dial(e) {
  e.preventDefault();
  const form = $("dial");
  CW.clearProblems(form);
  $("transcript").replaceChildren();
  try {
    await CW.api("POST", "/api/v2/phone/lines/" + encodeURIComponent(P.line.id) + "/calls", { to: $("to").value });
    status("Calling " + $("to").value + "…");
    setCall(true);
    $("keypad").querySelector("button").focus();
  } catch (err) {
    CW.showProblem(form, err);
  }
}

async function press(key) {
  if (!P.onCall) return;
  $("key-error").textContent = "";
  try {
    await CW.api("POST", "/api/v2/phone/lines/" + encodeURIComponent(P.line.id) + "/keys", { keys: key });
  } catch (err) {
    $("key-error").textContent = err.message;
  }
}

async function post(what) {
  try {
    await CW.api("POST", "/api/v2/phone/lines/" + encodeURIComponent(P.line.id) + "/" + what);
  } catch (err) {
    $("key-error").textContent = err.message;
  }
}

async function start(me) {
  $("who").textContent = me.agent || me.role;
  $("register").hidden = false;
  $("my-name").value = $("my-name").value || "Web phone caller";
  try {
    const numbers = await CW.api("GET", "/api/v2/phone/numbers");
    for (const n of numbers) {
      $("directory").append(CW.h("option", { value: n.number }, n.flow));
      $("numbers").append(CW.h("li", {}, n.number + " → " + n.flow + " ",
        CW.h("button", { type: "button", class: "dial-number", onclick: () => { $("to").value = n.number; } }, "Use")));
    }
    if (numbers.length) $("to").value = numbers[0].number;
    else $("numbers").append(CW.h("li", {}, "This project has no numbers: add `numbers:` to center.yaml."));
  } catch (err) {
    $("numbers").append(CW.h("li", {}, err.message));
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("register").addEventListener("submit", register);
  $("dial").addEventListener("submit", dial);
  $("keypad").addEventListener("click", (e) => {
    const key = e.target.getAttribute("data-key");
    if (key) press(key);
  });
  // Keys typed on the keyboard go to the call too (not while typing into a field).
  document.addEventListener("keydown", (e) => {
    if (e.target.matches("input, textarea, select") || e.ctrlKey || e.metaKey || e.altKey) return;
    if (/^[0-9*#]$/.test(e.key) && P.onCall) {
      e.preventDefault();
      press(e.key);
    }
  });
  $("hangup").addEventListener("click", () => post("hangup"));
  $("answer").addEventListener("click", () => post("answer"));
  $("decline").addEventListener("click", () => post("hangup"));
  CW.who(start);
});
