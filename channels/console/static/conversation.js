// One conversation: transcript (live), masked slots with audited reveal, takeover, reply, hand back.
(function () {
  "use strict";
  var kit = window.consoleKit;
  var root = document.getElementById("conversation"), id = root.getAttribute("data-id");
  var base = "/api/conversations/" + encodeURIComponent(id);
  var transcript = document.getElementById("transcript"), notice = document.getElementById("notice");
  var takeBtn = document.getElementById("takeover"), backBtn = document.getElementById("handback");
  var form = document.getElementById("reply"), text = document.getElementById("reply-text");
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
    var tbody = document.getElementById("slots");
    tbody.textContent = "";
    rows.forEach(function (r) {
      var tr = kit.el("tr");
      tr.appendChild(kit.el("th", "", r.label || r.name));
      var value = kit.el("td", "value", r.value);
      value.setAttribute("data-slot", r.name);
      tr.appendChild(value);
      var act = kit.el("td");
      if (r.personal) {
        var b = kit.el("button", "reveal", "查看");
        b.type = "button";
        b.addEventListener("click", function () {
          kit.post(base + "/reveal", { slot: r.name }).then(function (d) {
            value.textContent = String(d.value); b.disabled = true;
          }, show);
        });
        act.appendChild(b);
      }
      tr.appendChild(act);
      tbody.appendChild(tr);
    });
  }
  function meta(s) {
    var dl = document.getElementById("meta");
    dl.textContent = "";
    var h = s.handoff || {};
    [["原因", h.reason_zh || "—"], ["业务", h.service_zh || "—"], ["渠道", kit.channel(s.channel)],
     ["摘要", h.summary || "—"], ["状态", s.owner ? "由 " + s.owner + " 接管" : "等待接管"]].forEach(function (p) {
      dl.appendChild(kit.el("dt", "", p[0])); dl.appendChild(kit.el("dd", "", p[1]));
    });
    var cases = document.getElementById("cases");
    cases.textContent = "";
    if (s.cases_error) cases.appendChild(kit.el("li", "error", s.cases_error));
    s.cases.forEach(function (c) { cases.appendChild(kit.el("li", "", c.case_number + " · " + c.service + " · " + c.status)); });
    if (!s.cases.length && !s.cases_error) cases.appendChild(kit.el("li", "", "暂无"));
    var mine = s.owner === s.me;
    takeBtn.hidden = mine || !s.handoff; takeBtn.disabled = !!s.owner;
    backBtn.hidden = !mine;
    text.disabled = !mine; form.querySelector("button").disabled = !mine;
  }
  function show(err) { notice.textContent = err.message || String(err); }
  function load() {
    return fetch(base, { credentials: "same-origin" }).then(function (r) {
      return r.json().then(function (d) { if (!r.ok) throw new Error(d.error || r.status); return d; });
    }).then(function (s) {
      state = s; meta(s); slots(s.slots);
      s.transcript.forEach(line);
      if (!source) follow(s.last_id);
    }, show);
  }
  function follow(after) {
    source = new EventSource(base + "/stream?after=" + encodeURIComponent(after));
    source.addEventListener("line", function (e) { line(JSON.parse(e.data)); });
    source.addEventListener("slots", function (e) { slots(JSON.parse(e.data)); });
    source.onopen = function () { document.getElementById("live").textContent = "● 实时"; };
    source.onerror = function () { document.getElementById("live").textContent = "重连中…"; };
  }
  takeBtn.addEventListener("click", function () {
    notice.textContent = "";
    kit.post(base + "/takeover").then(function () { notice.textContent = "已接管，智能助手已暂停。"; load(); }, show);
  });
  backBtn.addEventListener("click", function () {
    kit.post(base + "/handback").then(function () { notice.textContent = "已交回智能助手。"; load(); }, show);
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var t = text.value.trim();
    if (!t) return;
    kit.post(base + "/reply", { text: t }).then(function () { text.value = ""; }, show);
  });
  load();
})();
