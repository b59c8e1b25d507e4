// One conversation: transcript (live), masked slots with audited reveal, takeover, reply
// (Enter sends, canned replies), hand back, closing a stale item, a callback for callers,
// and a form in progress staff can complete and file for the resident.
(function () {
  "use strict";
  var kit = window.consoleKit;
  var root = document.getElementById("conversation"), id = root.getAttribute("data-id");
  var base = "/api/conversations/" + encodeURIComponent(id);
  var transcript = document.getElementById("transcript"), notice = document.getElementById("notice");
  var takeBtn = document.getElementById("takeover"), backBtn = document.getElementById("handback");
  var callBtn = document.getElementById("callback"), closeForm = document.getElementById("close-form");
  var form = document.getElementById("reply"), text = document.getElementById("reply-text");
  var canned = document.getElementById("canned"), channelNote = document.getElementById("channel-note");
  var WHO = { resident: "居民", bot: "智能助手", staff: "工作人员", system: "" };
  var state = null, source = null, seen = {};

  function line(l) {
    if (l.id && seen[l.id]) return;
    if (l.id) seen[l.id] = true;
    var div = kit.el("div", "line " + l.role);
    div.setAttribute("data-role", l.role);
    var who = WHO[l.role] + (l.staff ? "（" + l.staff + "）" : "");
    if (who) div.appendChild(kit.el("span", "who", who));
    div.appendChild(kit.el("span", "text", l.text));
    transcript.appendChild(div);
    transcript.scrollTop = transcript.scrollHeight;
  }
  function revealButton(value, name) {
    var b = kit.el("button", "reveal", "查看");
    b.type = "button";
    b.addEventListener("click", function () {
      kit.post(base + "/reveal", { slot: name }).then(function (d) {
        value.textContent = String(d.value); b.disabled = true;
      }, show);
    });
    return b;
  }
  function slots(rows) {
    var tbody = document.getElementById("slots");
    tbody.textContent = "";
    rows.forEach(function (r) {
      var tr = kit.el("tr");
      tr.appendChild(kit.el("th", "", r.label));
      var value = kit.el("td", "value", r.value);
      value.setAttribute("data-slot", r.name);
      tr.appendChild(value);
      var act = kit.el("td");
      if (r.personal) act.appendChild(revealButton(value, r.name));
      tr.appendChild(act);
      tbody.appendChild(tr);
    });
  }
  function meta(s) {
    var dl = document.getElementById("meta");
    dl.textContent = "";
    var h = s.handoff || {};
    [["原因", h.badge || "—"], ["业务", s.service_zh], ["渠道", s.channel_zh],
     ["摘要", h.summary || "—"], ["状态", s.state_zh]].forEach(function (p) {
      dl.appendChild(kit.el("dt", "", p[0]));
      var dd = kit.el("dd", "", p[1]);
      if (p[0] === "状态") dd.id = "panel-state";
      dl.appendChild(dd);
    });
    var cases = document.getElementById("cases");
    cases.textContent = "";
    if (s.cases_error) cases.appendChild(kit.el("li", "error", s.cases_error));
    s.cases.forEach(function (c) {
      var li = kit.el("li"), a = kit.el("a", "", c.case_number);
      a.href = "/cases/" + encodeURIComponent(c.case_number);
      li.appendChild(a);
      li.appendChild(document.createTextNode(" · " + c.service_zh + " · " + c.status_zh + " · " + c.department_name));
      cases.appendChild(li);
    });
    if (!s.cases.length && !s.cases_error) cases.appendChild(kit.el("li", "", "暂无"));
    var mine = s.state === "mine";
    takeBtn.hidden = mine || !s.handoff; takeBtn.disabled = !!s.owner;
    backBtn.hidden = !mine;
    closeForm.hidden = s.state !== "waiting";
    callBtn.hidden = !s.channel_note || !(mine || s.state === "waiting");
    channelNote.hidden = !s.channel_note || !s.handoff;
    channelNote.textContent = s.channel_note || "";
    text.disabled = !mine; canned.disabled = !mine; form.querySelector("button").disabled = !mine;
  }
  function show(err) { notice.textContent = err.message || String(err); }
  function load() {
    return kit.get(base).then(function (s) {
      state = s; meta(s); slots(s.slots);
      s.transcript.forEach(line);
      if (!source) follow(s.last_id);
      document.dispatchEvent(new CustomEvent("conversation-loaded", { detail: s }));
    }, show);
  }
  function follow(after) {
    source = new EventSource(base + "/stream?after=" + encodeURIComponent(after));
    source.addEventListener("line", function (e) { line(JSON.parse(e.data)); });
    source.addEventListener("slots", function (e) { slots(JSON.parse(e.data)); });
    source.onopen = function () { document.getElementById("live").textContent = "● 实时"; };
    source.onerror = function () { document.getElementById("live").textContent = "重连中…"; };
  }
  function send() {
    var t = text.value.trim();
    if (!t || text.disabled) return;
    kit.post(base + "/reply", { text: t }).then(function (d) {
      text.value = "";
      if (!d.sent) notice.textContent = "已记录；该渠道收不到工作人员的回复（见上方提示）。";
    }, show);
  }
  takeBtn.addEventListener("click", function () {
    notice.textContent = "";
    kit.post(base + "/takeover").then(function (d) {
      notice.textContent = "已接管，智能助手已暂停。" + (d.channel_note ? " " + d.channel_note : "");
      load();
    }, show);
  });
  backBtn.addEventListener("click", function () {
    kit.post(base + "/handback").then(function () { notice.textContent = "已交回智能助手。"; load(); }, show);
  });
  callBtn.addEventListener("click", function () {
    kit.post(base + "/callback", { note: text.value.trim() }).then(function (d) {
      notice.textContent = "已安排回电，任务已进入" + d.callback.department_name + "的回电队列。";
    }, show);
  });
  closeForm.addEventListener("submit", function (e) {
    e.preventDefault();
    kit.post(base + "/close", { reason: closeForm.elements.reason.value }).then(function (d) {
      notice.textContent = "已关闭（" + d.reason_zh + "），未通知居民。"; load();
    }, show);
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); send(); });
  text.addEventListener("keydown", function (e) {
    // Enter sends; Shift+Enter is a new line; an IME composing Chinese keeps its Enter.
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault(); send();
    }
  });
  kit.get("/api/canned").then(function (d) {
    d.items.forEach(function (r) { var o = kit.el("option", "", r.title); o.value = r.text; canned.appendChild(o); });
  });
  canned.addEventListener("change", function () {
    if (canned.value) { text.value = text.value ? text.value + canned.value : canned.value; text.focus(); }
    canned.value = "";
  });
  window.conversationPage = { reload: load, base: base, show: show };
  load();
})();
