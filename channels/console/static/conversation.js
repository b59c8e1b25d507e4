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
  function slots(rows) {
    kit.maskedRows(document.getElementById("slots"), rows, "data-slot", function (name) {
      return kit.post(base + "/reveal", { slot: name });
    }, show);
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
  // A form in progress: what the resident said (masked) and what is missing; staff
  // complete it and file the case for the resident once they have taken over.
  var pending = document.getElementById("pending-form"), fileBtn = document.getElementById("file-form");
  function input(f) {
    var node;
    if (f.input.type === "select") {
      node = kit.el("select");
      node.appendChild(kit.el("option", "", "请选择"));
      node.firstChild.value = "";
      f.input.options.forEach(function (o) { var opt = kit.el("option", "", o.label); opt.value = o.value; node.appendChild(opt); });
    } else {
      node = kit.el("input"); node.type = f.input.type;
      if (f.input.min) { node.min = f.input.min; node.max = f.input.max; }
    }
    node.name = f.name;
    node.setAttribute("aria-label", f.label);
    return node;
  }
  function renderPending(p, mine) {
    pending.hidden = !p.service;
    if (!p.service) return;
    document.getElementById("pending-title").textContent = "正在办理：" + p.service_zh;
    document.getElementById("pending-state").textContent = p.missing.length
      ? "还缺：" + p.missing.join("、") + (mine ? "。可以在下面补全后为居民提交。" : "。接管后可补全并提交。")
      : "必填信息已齐全，" + (p.awaiting_confirmation ? "等待居民确认。" : "") + (mine ? "可以为居民提交。" : "接管后可为居民提交。");
    var tbody = document.getElementById("pending-fields");
    tbody.textContent = "";
    p.fields.forEach(function (f) {
      var tr = kit.el("tr", f.missing ? "missing" : "");
      tr.setAttribute("data-field", f.name);
      tr.appendChild(kit.el("th", "", f.label + (f.required ? "" : "（可选）")));
      var td = kit.el("td");
      if (f.value) td.textContent = f.value;
      else if (mine) td.appendChild(input(f));
      else td.textContent = f.required ? "（未填）" : "—";
      tr.appendChild(td);
      tbody.appendChild(tr);
    });
    fileBtn.hidden = !mine;
  }
  document.addEventListener("conversation-loaded", function (e) {
    var s = e.detail;
    if (!s.handoff && s.state !== "mine") { pending.hidden = true; return; }
    kit.get(base + "/form").then(function (p) { renderPending(p, s.state === "mine"); }, show);
  });
  fileBtn.addEventListener("click", function () {
    var values = {};
    pending.querySelectorAll("input, select").forEach(function (node) { if (node.value) values[node.name] = node.value; });
    fileBtn.disabled = true;
    kit.post(base + "/form/file", { values: values }).then(function (d) {
      notice.textContent = "已为居民提交" + d.service_zh + "，受理编号 " + d.case_number + "，已告知居民。";
      pending.hidden = true; fileBtn.disabled = false; load();
    }, function (err) { fileBtn.disabled = false; show(err); });
  });
  load();
})();
